/**
 * The reply classifier: does a reply ask us to stop?
 *
 *   opt-out      a clear request to stop: a standard keyword as the whole reply ("STOP", "Unsubscribe",
 *                "OPTOUT", "Arrête"), an explicit request anywhere in it ("please remove me from your list",
 *                "no me escribas más"), or a plain decline ("not interested", "kein Interesse").
 *                → suppressed for good; no reply step fires.
 *   ambiguous    a request to stop next to interest ("interested, but stop messaging this account"), a
 *                decline that leaves the door open ("not interested right now"), a bare "stop" that is not
 *                plainly addressed to us, a complaint ("this is spam").
 *                → a person reviews it (`outreach review`); no reply step fires, nothing more is sent.
 *   not-opt-out  everything else, including negated requests ("don't stop — tell me more") and "stop" in
 *                another sense ("I can't stop thinking about your product", "stop by our booth").
 *
 * Rules, not a model: each outcome carries the phrase that decided it, so `status` can say why. The
 * corpus in test/fixtures/replies/ measures precision and recall (README). Words are matched whole, on
 * folded text (opt-out-lexicon.ts), so "STOP!", "ＳＴＯＰ" and "arrête" behave like "stop" and "unstoppable"
 * does not. Campaign phrases (`replies.optOut`) are extra explicit requests.
 */
import {
  BARE_NO,
  COMPLAINTS,
  DECLINES,
  KEYWORDS,
  NEGATORS,
  OPT_OUT_PHRASES,
  POLITENESS,
  POSITIVES,
  SOFTENERS,
  STOP_NOT_A_REQUEST,
} from "./opt-out-lexicon.js";

export type ReplyClass = "opt-out" | "ambiguous" | "not-opt-out";

export interface ReplyClassification {
  class: ReplyClass;
  /** Why, in a few words with the deciding phrase as the reply wrote it (folded), e.g. `keyword "stop"`. */
  reason: string;
}

/** Classifies one reply text. Pure; compiled once per campaign. */
export type ReplyClassifier = (text: string) => ReplyClassification;

const WORD = String.raw`[\p{L}\p{N}]`;
const DECORATION = /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u200D\uFE0E\uFE0F\u20E3]/gu;

/** Lowercase, no accents, one kind of apostrophe and dash, no emoji, single spaces. */
export function foldText(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC`´]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(DECORATION, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alternatives = (sources: readonly string[]): string => sources.map((s) => `(?:${s})`).join("|");
const bounded = (source: string): string => `(?<!${WORD})(?:${source})(?!${WORD})`;

const KEYWORD_SET = new Set(KEYWORDS);
const BARE_NO_SET = new Set(BARE_NO);
const POLITENESS_RE = new RegExp(bounded(alternatives(POLITENESS)), "gu");
const DECLINE_RE = new RegExp(bounded(alternatives(DECLINES)), "gu");
const SOFTENER_RE = new RegExp(bounded(alternatives(SOFTENERS)), "u");
const POSITIVE_RE = new RegExp(bounded(alternatives(POSITIVES)), "u");
const COMPLAINT_RE = new RegExp(bounded(alternatives(COMPLAINTS)), "u");
/** A negator ending right before a match, up to two words in between ("don't ever", "do not want to"). */
const NEGATED_BEFORE = new RegExp(`(?:^|[^\\p{L}\\p{N}'])(?:${alternatives(NEGATORS.map(escapeRegExp))})(?: [\\p{L}']+){0,2} ?$`, "u");
/** "stop" as a word; what follows decides whether it is addressed to us. */
const STOP_RE = new RegExp(bounded("stop(?:p|pen)?"), "gu");
const STOP_ELSEWHERE = new RegExp(`^ ?(?:${alternatives(STOP_NOT_A_REQUEST)})(?!${WORD})`, "u");
/** "stop" that ends a sentence or is followed by "it", "now", "this", … is a command. */
const STOP_COMMAND = new RegExp(`^(?: ?(?:[.!,;:)-]|$)| (?:it|now|this|already|please|pls|thanks|asap|right now)(?!${WORD}))`, "u");

interface Found {
  phrase: string;
  index: number;
  end: number;
}

/**
 * Compiles the classifier once (campaign load). `extraPhrases` are the campaign's own opt-out phrases
 * (`replies.optOut`), treated like the built-in explicit requests. Blank phrases are ignored.
 */
export function compileReplyClassifier(extraPhrases: readonly string[] = []): ReplyClassifier {
  const extra = extraPhrases.map((p) => foldText(p)).filter((p) => p !== "").map((p) => escapeRegExp(p).replace(/ /g, " ?"));
  const requestRe = new RegExp(bounded(alternatives([...OPT_OUT_PHRASES, ...extra])), "gu");
  const extraKeywords = new Set(extraPhrases.map(foldText));
  return (text) => classify(foldText(text), requestRe, extraKeywords);
}

function classify(t: string, requestRe: RegExp, extraKeywords: ReadonlySet<string>): ReplyClassification {
  if (t === "") return { class: "not-opt-out", reason: "empty reply" };
  const core = t.replace(POLITENESS_RE, " ").replace(/[^\p{L}\p{N}' -]+/gu, " ").replace(/\s+/g, " ").trim();
  if (KEYWORD_SET.has(core) || extraKeywords.has(core)) {
    // "Stop?" asks something; it does not tell us to.
    return t.includes("?") ? { class: "ambiguous", reason: `keyword as a question: "${core}?"` } : { class: "opt-out", reason: `keyword "${core}"` };
  }
  const bare = t.replace(/[^\p{L}\p{N}' -]+/gu, " ").trim();
  if (BARE_NO_SET.has(bare)) return { class: "ambiguous", reason: `a bare "${bare}"` };

  const requests = unnegated(t, requestRe);
  const declines = unnegated(t, DECLINE_RE);
  const stops = stopWords(t);
  // Interest is looked for outside the phrases already matched: "not interested" is no sign of interest.
  let rest = t;
  for (const f of [...requests, ...declines]) rest = rest.slice(0, f.index) + " ".repeat(f.end - f.index) + rest.slice(f.end);
  const positive = POSITIVE_RE.exec(rest)?.[0];

  const request = requests[0]?.phrase ?? stops.commands[0];
  if (request !== undefined) {
    return positive === undefined
      ? { class: "opt-out", reason: `asks to stop: "${request}"` }
      : { class: "ambiguous", reason: `asks to stop ("${request}") but also says "${positive}"` };
  }
  const decline = declines[0]?.phrase;
  if (decline !== undefined) {
    const softener = SOFTENER_RE.exec(rest)?.[0];
    if (softener !== undefined) return { class: "ambiguous", reason: `declines ("${decline}") but leaves the door open: "${softener}"` };
    if (positive !== undefined) return { class: "ambiguous", reason: `declines ("${decline}") but also says "${positive}"` };
    return { class: "opt-out", reason: `declines: "${decline}"` };
  }
  const unclear = stops.unclear[0] ?? COMPLAINT_RE.exec(rest)?.[0];
  if (unclear !== undefined && positive === undefined) return { class: "ambiguous", reason: `unclear: "${unclear}"` };
  return { class: "not-opt-out", reason: positive === undefined ? "no request to stop" : `interest: "${positive}"` };
}

/** Every match of `re` in `t` not reversed by a negator just before it. */
function unnegated(t: string, re: RegExp): Found[] {
  const out: Found[] = [];
  for (const m of t.matchAll(re)) {
    const index = m.index ?? 0;
    if (NEGATED_BEFORE.test(t.slice(Math.max(0, index - 24), index))) continue;
    out.push({ phrase: m[0].trim(), index, end: index + m[0].length });
  }
  return out;
}

/** Bare "stop"s: commands ("Stop.", "please stop now") and unclear ones; negated or other senses are dropped. */
function stopWords(t: string): { commands: string[]; unclear: string[] } {
  const commands: string[] = [];
  const unclear: string[] = [];
  for (const m of t.matchAll(STOP_RE)) {
    const index = m.index ?? 0;
    const after = t.slice(index + m[0].length, index + m[0].length + 24);
    const before = t.slice(Math.max(0, index - 24), index);
    // Negated, another sense ("stop by"), a compound ("non-stop") or a noun ("the bus stop", "full stop").
    if (NEGATED_BEFORE.test(before) || STOP_ELSEWHERE.test(after) || /[\p{L}]-$/u.test(before) || /^-/.test(after)) continue;
    if (/(?:^|\s)(?:the|a|bus|pit|full|one|last|next|first)\s$/u.test(before)) continue;
    (STOP_COMMAND.test(after) && !/(?:^|\s)(?:will|would|should|could|might|can|may)\s$/u.test(before) ? commands : unclear).push(m[0]);
  }
  return { commands, unclear };
}
