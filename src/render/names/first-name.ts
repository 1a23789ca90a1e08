/**
 * The first name in a display name as people write it on X: "Dr. Jane Doe 🚀 | Founder @acme" → "Jane".
 *
 * Two layers. X-specific noise, which no name parser handles, is removed here: emoji, flags and other
 * symbols (Unicode properties, not a list), bracketed asides ("(she/her)"), a bio after a separator
 * ("| Founder", " - CEO"), @handles, links and hashtags, and tokens with no letter at all. What is left is
 * a person's name, parsed by humanparser (salutation, first/middle/last, "Doe, Jane" surname-first form,
 * "Smith Jr., John") with our longer lists of titles and suffixes. Around it: every trailing suffix is
 * dropped first (humanparser drops one, so "Jane Doe, PhD, MBA" would read as surname-first "PhD"), and a
 * run of titles is cut to the last ("Prof. Dr. Hans Müller").
 *
 * When nothing plausible remains — no letters, only a title or a suffix, only an initial — the result is ""
 * and the renderer treats the value as empty, so strict rendering refuses "Hi 🚀," instead of sending it.
 */
import humanparser from "humanparser";

export interface FirstNameResult {
  /** The first name as written (case kept), or "" when the value holds no plausible first name. */
  first: string;
  /** Why the value looked unusual, for the dry run's list (e.g. "emoji or symbols removed"); absent when it did not. */
  unusual?: string;
}

/** Leading titles and honorifics, compared lowercased without dots. humanparser knows the English core. */
const TITLES = new Set([
  "mr", "mrs", "ms", "miss", "mx", "mister", "master", "dr", "doctor", "prof", "professor", "sir", "dame", "lady", "lord",
  "rev", "revd", "reverend", "fr", "father", "pastor", "rabbi", "imam", "sheikh", "hon", "honorable", "judge", "capt",
  "captain", "col", "gen", "lt", "sgt", "herr", "frau", "hr", "fru", "mme", "mlle", "madame", "mademoiselle", "monsieur",
  "sr", "sra", "srta", "dra", "don", "doña", "dona", "sig", "sigra", "dott", "dottssa", "ing", "eng", "arch", "av",
]);

/** Trailing generational, academic and professional suffixes, compared lowercased without dots. */
const SUFFIXES = new Set([
  "jr", "jnr", "junior", "sr", "snr", "senior", "i", "ii", "iii", "iv", "v", "vi", "2nd", "3rd", "4th",
  "phd", "dphil", "edd", "md", "do", "dds", "dmd", "dvm", "jd", "llm", "lld", "mba", "msc", "bsc", "ma", "ba", "bs", "mfa",
  "mph", "cpa", "cfa", "cfp", "pmp", "rn", "np", "pe", "peng", "esq", "esquire", "qc", "kc", "obe", "mbe", "cbe", "frs",
]);

const DECORATION =
  /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\p{S}\u200D\uFE0E\uFE0F\u20E3\u{E0020}-\u{E007F}]/gu;
const BRACKETED = /\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|（[^）]*）/gu;
/** A bio or tagline after the name: "Jane Doe | Founder", "Jane Doe • VC", "Jane Doe - CEO at Acme". */
const BIO_SEPARATOR = /\s*(?:[|•·∙⋅/\\]|\s[-–—]\s|:\s).*$/su;
const HAS_LETTER = /\p{L}/u;
const INITIAL = /^\p{L}\.?$/u;
/** Non-letters around a word, except quotes (nicknames), and the dot of "Dr." / "Jr." and comma of "Doe, Jane" at its end. */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}'"]+|[^\p{L}\p{M}\p{N}.,'"]+$/gu;

const normalizeWord = (word: string): string => word.toLowerCase().replace(/[.,]/g, "");

/** The last value parsed and its result: a lead's name is parsed for its check, its note and its render. */
let memo: { value: string; result: FirstNameResult } | undefined;

/** The first name of a display name, and whether it looked unusual. Never throws. */
export function parseFirstName(value: string): FirstNameResult {
  if (memo?.value !== value) memo = { value, result: parse(value) };
  return memo.result;
}

function parse(value: string): FirstNameResult {
  const reasons: string[] = [];
  const text = value.normalize("NFC");
  // The bio goes first: its separators ("|") are symbols too.
  const name = text.replace(BRACKETED, " ").replace(BIO_SEPARATOR, "");
  const undecorated = name.replace(DECORATION, " ");
  if (undecorated !== name) reasons.push("emoji or symbols removed");
  const tokens = undecorated.split(/\s+/u).filter((w) => w !== "");
  const kept = tokens.filter((w) => !/^[@#]|:\/\//u.test(w)).map((w) => w.replace(EDGE_PUNCTUATION, "")).filter((w) => HAS_LETTER.test(w));
  if (name !== text || kept.length !== tokens.length) reasons.push("text besides the name removed");
  let words = dropSuffixes(kept);
  while (words.length > 2 && isTitle(words[0]) && isTitle(words[1])) words.shift();

  const parsed = words.length === 0 ? {} : humanparser.parseName(words.join(" "), { extraSalutations: [...TITLES], extraSuffixes: [...SUFFIXES] });
  let first = parsed.firstName ?? "";
  if (INITIAL.test(first)) {
    // "J. Robert Oppenheimer" → "Robert"; "J. Doe" has no first name to greet.
    const middle = parsed.middleName?.split(/\s+/u).find((w) => !INITIAL.test(w)) ?? "";
    reasons.push("a first initial");
    first = middle;
  }
  // A lone title or suffix ("Mr.", "MBA") is not a name; "Ma Yun" is.
  if (isTitle(first) || (words.length === 1 && SUFFIXES.has(normalizeWord(first)))) first = "";
  if (first === "" && parsed.salutation && parsed.lastName) {
    // "Dr. Doe": the title is how they are addressed.
    reasons.push("only a title and a surname");
    first = `${parsed.salutation} ${parsed.lastName}`;
  }
  if (first === "") reasons.push("no first name in it");
  else if (first.length > 1 && first === first.toUpperCase() && first !== first.toLowerCase()) reasons.push("written in capitals");
  return reasons.length === 0 ? { first } : { first, unusual: reasons.join("; ") };
}

/** `{{firstName full_name}}`: the first name, or "" when there is none. */
export function firstName(value: string): string {
  return parseFirstName(value).first;
}

function isTitle(word: string | undefined): boolean {
  return word !== undefined && TITLES.has(normalizeWord(word));
}

/** Drops every trailing suffix ("Doe, PhD, MBA") and the comma before it, keeping at least one word. */
function dropSuffixes(words: string[]): string[] {
  const out = [...words];
  while (out.length > 1 && SUFFIXES.has(normalizeWord(out[out.length - 1] ?? ""))) {
    out.pop();
    out[out.length - 1] = (out[out.length - 1] ?? "").replace(/,$/u, "");
  }
  return out;
}
