/**
 * The sending-window notations of `pacing`: day lists or ranges (`[mon, tue]`, `"mon-fri"`) and
 * hour ranges (`"09:00-17:00"`). Shared by the schema (validation) and normalisation.
 */

/** Index = JavaScript's `Date#getDay()`, so 0 = Sunday … 6 = Saturday as `SendingWindow.days` wants. */
export const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type DayName = (typeof DAY_NAMES)[number];

const DAY_SOURCE = `(?:${DAY_NAMES.join("|")})`;
/** One day ("sat") or an inclusive range ("mon-fri"); a range may wrap the week ("fri-mon"). */
export const DAY_RANGE_SOURCE = `^${DAY_SOURCE}(?:-${DAY_SOURCE})?$`;

/** "HH:MM-HH:MM", 24-hour clock; "24:00" is allowed as an end so a window can run to midnight. */
export const HOURS_SOURCE = String.raw`^(?:[01]?\d|2[0-3]):[0-5]\d-(?:(?:[01]?\d|2[0-3]):[0-5]\d|24:00)$`;
const HOURS_RE = new RegExp(HOURS_SOURCE);

/** Day numbers (0 = Sunday), sorted and without repeats, for a list of names or a range string. */
export function parseDays(days: readonly DayName[] | string): number[] {
  if (typeof days !== "string") return [...new Set(days.map((d) => DAY_NAMES.indexOf(d)))].sort((a, b) => a - b);
  const [from, to = from] = days.split("-").map((d) => DAY_NAMES.indexOf(d as DayName));
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

/** Whether the runtime knows an IANA zone; Intl is the same source the scheduler uses to convert times. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
