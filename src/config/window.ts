/**
 * The sending-window notations of `pacing`: day lists or ranges (`[mon, tue]`, `"mon-fri"`) and
 * hour ranges (`"09:00-17:00"`). Shared by the schema (validation) and normalisation.
 */

/**
 * Day names; index = JavaScript's `Date#getDay()`, so 0 = Sunday … 6 = Saturday as
 * `SendingWindow.days` wants. Any prefix of at least three letters names the day ("mon", "Tues").
 */
const DAY_FULL = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

/**
 * A day name in any case: the three-letter name, optionally continued towards the full name
 * ("Mon", "MON", "Tues", "Wednesday"). Spelled with character classes, not the `i` flag, so the
 * same pattern works in the editor's JSON Schema.
 */
const DAY_SOURCE = `(?:${DAY_FULL.map((full) => caseless(full.slice(0, 3)) + optionalTail(full.slice(3))).join("|")})`;
/** One day in a list. */
export const DAY_LIST_SOURCE = `^${DAY_SOURCE}$`;
/** One day ("sat") or an inclusive range ("mon-fri", "Mon - Fri"); a range may wrap the week ("fri-mon"). */
export const DAY_RANGE_SOURCE = `^${DAY_SOURCE}(?:\\s*-\\s*${DAY_SOURCE})?$`;

function caseless(text: string): string {
  return [...text].map((c) => `[${c.toUpperCase()}${c}]`).join("");
}

/** "day" → (?:[Dd](?:[Aa](?:[Yy])?)?)? : any prefix of the rest of the name. */
function optionalTail(rest: string): string {
  let out = "";
  for (const c of [...rest].reverse()) out = `(?:${caseless(c)}${out})?`;
  return out;
}

/** Day number (0 = Sunday) of a name in any case or length ("Mon", "monday", "TUES"); -1 when none. */
function dayIndex(name: string): number {
  const lower = name.trim().toLowerCase();
  return DAY_FULL.findIndex((full) => lower.length >= 3 && full.startsWith(lower));
}

/** "HH:MM-HH:MM", 24-hour clock; "24:00" is allowed as an end so a window can run to midnight. */
export const HOURS_SOURCE = String.raw`^(?:[01]?\d|2[0-3]):[0-5]\d-(?:(?:[01]?\d|2[0-3]):[0-5]\d|24:00)$`;
const HOURS_RE = new RegExp(HOURS_SOURCE);

/** Day numbers (0 = Sunday), sorted and without repeats, for a list of names or a range string. */
export function parseDays(days: readonly string[] | string): number[] {
  if (typeof days !== "string") return [...new Set(days.map(dayIndex))].sort((a, b) => a - b);
  const [from, to = from] = days.split("-").map(dayIndex);
  if (from === undefined || to === undefined || from < 0 || to < 0) return [];
  const out: number[] = [];
  for (let d = from; ; d = (d + 1) % 7) {
    out.push(d);
    if (d === to) break;
  }
  return out.sort((a, b) => a - b);
}

/** Minutes after local midnight for "09:00-17:00"; undefined when the text is not in that form. */
export function parseHours(text: string): { startMinute: number; endMinute: number } | undefined {
  if (!HOURS_RE.test(text)) return undefined;
  const [start, end] = text.split("-").map((hm) => {
    const [h, m] = hm.split(":").map(Number);
    return (h ?? 0) * 60 + (m ?? 0);
  });
  if (start === undefined || end === undefined) return undefined;
  return { startMinute: start, endMinute: end };
}
