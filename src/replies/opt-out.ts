/**
 * Opt-out phrase matching on reply text ("stop", "unsubscribe", "not interested", …).
 *
 * A false positive silently ends a conversation with someone who was interested; a false negative keeps
 * messaging someone who asked us to stop. So a phrase matches only as whole words: "STOP!" matches "stop",
 * "stopped"/"nonstop"/"unstoppable" do not; words of a multi-word phrase must be adjacent, separated by any
 * run of whitespace ("not interested." matches, "not very interested" does not).
 *
 * Word boundaries are Unicode-aware: a word character is any letter, mark or number in any script
 * (\p{L}\p{M}\p{N}) plus "_", so "arrête!" and "¡basta!" behave like "stop!". Limitation: scripts written
 * without spaces (Chinese, Japanese, Thai) have no word boundaries inside a sentence, so a phrase there
 * matches only when set apart by spaces or punctuation.
 */

export type OptOutMatcher = (text: string) => string | null;

const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}_]`;
const APOSTROPHES = /['\u2019\u02BC]/gu;

/**
 * NFKC folds full-width and compatibility forms ("ＳＴＯＰ" → "STOP") and composes accents, so "é" typed as
 * e + combining acute matches a phrase written with the precomposed letter. Apostrophe variants are unified
 * because phones substitute ’ for ' ("don’t").
 */
function normalize(s: string): string {
  return s.normalize("NFKC").replace(APOSTROPHES, "'");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Compiles `phrases` once (campaign load) into a matcher that returns the first phrase, in list order, found
 * in a text, or null. Blank phrases are ignored.
 */
export function compileOptOut(phrases: readonly string[]): OptOutMatcher {
  const compiled: { phrase: string; re: RegExp }[] = [];
  for (const phrase of phrases) {
    const words = normalize(phrase).trim().split(/\s+/u).filter((w) => w !== "");
    if (words.length === 0) continue;
    const body = words.map(escapeRegExp).join(String.raw`\s+`);
    // Lookarounds instead of \b: \b is ASCII-only even with the u flag, so "é" would count as a boundary.
    const re = new RegExp(`(?<!${WORD_CHAR})${body}(?!${WORD_CHAR})`, "iu");
    compiled.push({ phrase, re });
  }
  return (text: string) => {
    if (compiled.length === 0 || text === "") return null;
    const t = normalize(text);
    for (const { phrase, re } of compiled) if (re.test(t)) return phrase;
    return null;
  };
}

/** One-off form of `compileOptOut`; compile once when checking many replies against the same list. */
export function matchOptOut(text: string, phrases: readonly string[]): string | null {
  return compileOptOut(phrases)(text);
}
