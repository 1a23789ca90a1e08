/**
 * Durations as people write them in campaign.yaml: `90s`, `15m`, `36h`, `3d`, `1w`, `500ms`, or
 * compounds such as `1d12h`. Units must come largest first and at most once each, so every
 * duration has exactly one spelling and `1m30m` (almost certainly a typo) is rejected.
 */

const UNIT_MS = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
} as const;

type Unit = keyof typeof UNIT_MS;

/**
 * The grammar as a regular-expression source, shared with the zod schema so the editor's JSON
 * Schema `pattern` and `parseDuration` can never disagree. The lookahead forbids the empty string;
 * `m(?!s)` keeps minutes from swallowing the `m` of `ms`.
 */
export const DURATION_SOURCE = String.raw`(?=\d)(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?`;

/** A single duration or a `min-max` range of two (used by `pacing.perAccount.gap`). */
export const DURATION_RANGE_SOURCE = `${DURATION_SOURCE}(?:-${DURATION_SOURCE})?`;

const DURATION_RE = new RegExp(`^${DURATION_SOURCE}$`);
const PART_RE = /(\d+)(ms|w|d|h|m|s)/g;

/** Milliseconds for a duration such as "1h30m"; undefined when the text is not one (e.g. "3 days", "-1h", "3"). */
export function parseDuration(text: string): number | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART_RE)) {
    ms += Number(amount) * UNIT_MS[unit as Unit];
  }
  // Absurdly long digit strings would silently lose precision; treat them as invalid instead.
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/**
 * `[minMs, maxMs]` for "45s-3m", or `[d, d]` for a single duration; undefined when either side is
 * not a duration or the range runs backwards (a backwards gap is a typo, not an empty range).
 */
export function parseRange(text: string): [number, number] | undefined {
  const parts = text.split("-");
  if (parts.length > 2) return undefined;
  const min = parseDuration(parts[0] ?? "");
  // A single duration is a fixed pause; "45s-" (an empty side) is not.
  const max = parts.length === 1 ? min : parseDuration(parts[1] ?? "");
  if (min === undefined || max === undefined || min > max) return undefined;
  return [min, max];
}

/**
 * The shortest spelling of a duration for messages: 90_000 → "1m30s", 259_200_000 → "3d".
 * Weeks are not used: "14d" reads more plainly than "2w" in a log line.
 */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  if (rest === 0) return "0s";
  let out = "";
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const amount = Math.floor(rest / UNIT_MS[unit]);
    if (amount > 0) out += `${amount}${unit}`;
    rest -= amount * UNIT_MS[unit];
  }
  return out;
}

/** Unit words people write → our unit letters. */
const UNIT_WORDS: Readonly<Record<string, Unit>> = {
  w: "w", wk: "w", wks: "w", week: "w", weeks: "w",
  d: "d", day: "d", days: "d",
  h: "h", hr: "h", hrs: "h", hour: "h", hours: "h",
  m: "m", min: "m", mins: "m", minute: "m", minutes: "m",
  s: "s", sec: "s", secs: "s", second: "s", seconds: "s",
  ms: "ms", msec: "ms", millisecond: "ms", milliseconds: "ms",
};

/**
 * The duration someone probably meant, for a did-you-mean: "3 days" → "3d", "1 hour 30 minutes" →
 * "1h30m", "2H" → "2h", "1.5h" → "1h30m", "45 sec - 3 min" → "45s-3m". Undefined when there is no
 * clear reading. Ranges are suggested side by side.
 */
export function suggestDuration(text: string): string | undefined {
  const sides = text.split(/\s*(?:-|–|to)\s*/);
  if (sides.length > 2) return undefined;
  const parts = sides.map(suggestOne);
  if (parts.some((p) => p === undefined)) return undefined;
  const suggestion = parts.join("-");
  return suggestion === text ? undefined : suggestion;
}

function suggestOne(text: string): string | undefined {
  const tokens = [...text.trim().toLowerCase().matchAll(/(\d+(?:[.,]\d+)?)\s*([a-z]+)\s*(?:,|and)?\s*/g)];
  if (tokens.length === 0 || tokens.map((t) => t[0]).join("") !== text.trim().toLowerCase()) return undefined;
  let ms = 0;
  for (const [, amount = "", word = ""] of tokens) {
    const unit = UNIT_WORDS[word];
    if (unit === undefined) return undefined;
    ms += Number(amount.replace(",", ".")) * UNIT_MS[unit];
  }
  if (!Number.isSafeInteger(Math.round(ms)) || ms <= 0) return undefined;
  return formatDuration(ms);
}
