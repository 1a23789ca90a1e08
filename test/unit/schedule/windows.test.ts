import { describe, expect, it } from "vitest";
import type { SendingWindow } from "../../../src/config/types.js";
import { isInsideWindow, localParts, nextWindowStart, windowCloseAfter } from "../../../src/schedule/windows.js";

const utc = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const WEEKDAYS = [1, 2, 3, 4, 5];
const win = (timezone: string, start: string, end: string, days = WEEKDAYS): SendingWindow => ({
  timezone,
  days,
  startMinute: toMinutes(start),
  endMinute: toMinutes(end),
});
function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
}
const NY_9_17 = win("America/New_York", "09:00", "17:00");

describe("nextWindowStart", () => {
  // 2026-03-08 (US) and 2026-03-29 (UK) are spring-forward Sundays; 2026-11-01 / 2026-10-25 fall-back Sundays.
  const cases: { name: string; w: SendingWindow; at: string; expected: string }[] = [
    { name: "inside returns at", w: NY_9_17, at: "2026-03-10T15:00:00Z", expected: "2026-03-10T15:00:00.000Z" },
    { name: "start is inclusive", w: NY_9_17, at: "2026-03-10T13:00:00Z", expected: "2026-03-10T13:00:00.000Z" },
    { name: "before open, same day", w: NY_9_17, at: "2026-03-10T11:00:00Z", expected: "2026-03-10T13:00:00.000Z" },
    { name: "end is exclusive: next day", w: NY_9_17, at: "2026-03-10T21:00:00Z", expected: "2026-03-11T13:00:00.000Z" },
    { name: "after close", w: NY_9_17, at: "2026-03-10T22:00:00Z", expected: "2026-03-11T13:00:00.000Z" },
    { name: "Fri 17:00 → Mon 09:00", w: NY_9_17, at: "2026-03-13T21:00:00Z", expected: "2026-03-16T13:00:00.000Z" },
    { name: "Saturday skips to Monday", w: NY_9_17, at: "2026-03-14T15:00:00Z", expected: "2026-03-16T13:00:00.000Z" },
    { name: "Fri before DST → Mon after (EST→EDT)", w: NY_9_17, at: "2026-03-06T23:00:00Z", expected: "2026-03-09T13:00:00.000Z" },
    // 09:00 local on the changeover days themselves.
    { name: "NY spring-forward day 09:00 EDT", w: win("America/New_York", "09:00", "17:00", ALL_DAYS), at: "2026-03-08T05:00:00Z", expected: "2026-03-08T13:00:00.000Z" },
    { name: "NY day before spring-forward 09:00 EST", w: win("America/New_York", "09:00", "17:00", ALL_DAYS), at: "2026-03-07T05:00:00Z", expected: "2026-03-07T14:00:00.000Z" },
    { name: "NY fall-back day 09:00 EST", w: win("America/New_York", "09:00", "17:00", ALL_DAYS), at: "2026-11-01T03:00:00Z", expected: "2026-11-01T14:00:00.000Z" },
    { name: "NY day before fall-back 09:00 EDT", w: win("America/New_York", "09:00", "17:00", ALL_DAYS), at: "2026-10-31T03:00:00Z", expected: "2026-10-31T13:00:00.000Z" },
    { name: "London spring-forward day 09:00 BST", w: win("Europe/London", "09:00", "17:00", ALL_DAYS), at: "2026-03-29T00:00:00Z", expected: "2026-03-29T08:00:00.000Z" },
    { name: "London day before 09:00 GMT", w: win("Europe/London", "09:00", "17:00", ALL_DAYS), at: "2026-03-28T00:00:00Z", expected: "2026-03-28T09:00:00.000Z" },
    { name: "London fall-back day 09:00 GMT", w: win("Europe/London", "09:00", "17:00", ALL_DAYS), at: "2026-10-25T00:00:00Z", expected: "2026-10-25T09:00:00.000Z" },
    { name: "London after close on fall-back eve", w: win("Europe/London", "09:00", "17:00", ALL_DAYS), at: "2026-10-24T16:00:00Z", expected: "2026-10-25T09:00:00.000Z" },
    // Nonexistent starts resolve to the transition (first valid instant after).
    { name: "NY 02:30 start on spring-forward → 03:00 EDT", w: win("America/New_York", "02:30", "05:00", ALL_DAYS), at: "2026-03-08T06:00:00Z", expected: "2026-03-08T07:00:00.000Z" },
    { name: "London 01:30 start on spring-forward → 02:00 BST", w: win("Europe/London", "01:30", "03:00", ALL_DAYS), at: "2026-03-29T00:30:00Z", expected: "2026-03-29T01:00:00.000Z" },
    { name: "window wholly inside the gap is skipped that day", w: win("America/New_York", "02:00", "02:45", ALL_DAYS), at: "2026-03-08T06:00:00Z", expected: "2026-03-09T06:00:00.000Z" },
    // Fall-back: an ambiguous start means its first occurrence; the repeated hour reopens a window.
    { name: "ambiguous 01:30 start → first occurrence (EDT)", w: win("America/New_York", "01:30", "04:00", ALL_DAYS), at: "2026-11-01T04:00:00Z", expected: "2026-11-01T05:30:00.000Z" },
    { name: "repeated hour reopens 00:00-01:30 at 01:00 EST", w: win("America/New_York", "00:00", "01:30", ALL_DAYS), at: "2026-11-01T05:30:00Z", expected: "2026-11-01T06:00:00.000Z" },
    // Zones with :30 and :45 offsets; 2026-03-02 is a Monday.
    { name: "Asia/Kolkata (+05:30)", w: win("Asia/Kolkata", "09:00", "17:00"), at: "2026-03-02T00:00:00Z", expected: "2026-03-02T03:30:00.000Z" },
    { name: "Asia/Kathmandu (+05:45)", w: win("Asia/Kathmandu", "09:00", "17:00"), at: "2026-03-02T00:00:00Z", expected: "2026-03-02T03:15:00.000Z" },
    { name: "Kathmandu after close → next day", w: win("Asia/Kathmandu", "09:00", "17:00"), at: "2026-03-02T11:15:00Z", expected: "2026-03-03T03:15:00.000Z" },
    { name: "non-hour start 09:37", w: win("Asia/Kolkata", "09:37", "10:00"), at: "2026-03-02T00:00:00Z", expected: "2026-03-02T04:07:00.000Z" },
    { name: "single allowed day a week away", w: win("Europe/London", "09:00", "10:00", [2]), at: "2026-03-03T10:00:00Z", expected: "2026-03-10T09:00:00.000Z" },
  ];
  it.each(cases)("$name", ({ w, at, expected }) => {
    const t = nextWindowStart(w, utc(at));
    expect(iso(t)).toBe(expected);
    expect(isInsideWindow(w, t)).toBe(true);
    // Nothing between `at` and the answer is inside (spot check the instant just before).
    if (t > utc(at)) expect(isInsideWindow(w, t - 1)).toBe(false);
  });

  it("reads each lead's own zone: one instant, four answers", () => {
    const at = utc("2026-03-10T14:00:00Z"); // Tuesday
    const zones: [string, string][] = [
      ["America/New_York", "2026-03-10T14:00:00.000Z"], // 10:00 EDT, open
      ["Europe/London", "2026-03-10T14:00:00.000Z"], // 14:00 GMT (UK DST not yet), open
      ["America/Los_Angeles", "2026-03-10T16:00:00.000Z"], // 07:00 PDT → 09:00 PDT
      ["Asia/Tokyo", "2026-03-11T00:00:00.000Z"], // 23:00 JST → Wed 09:00 JST
    ];
    for (const [tz, expected] of zones) expect([tz, iso(nextWindowStart({ ...NY_9_17, timezone: tz }, at))]).toEqual([tz, expected]);
  });

  it("throws a RangeError on an unknown zone", () => {
    expect(() => nextWindowStart({ ...NY_9_17, timezone: "Mars/Olympus" }, 0)).toThrow(RangeError);
  });
});

describe("isInsideWindow", () => {
  const cases: { at: string; inside: boolean }[] = [
    { at: "2026-03-10T12:59:59.999Z", inside: false }, // 08:59:59.999 EDT
    { at: "2026-03-10T13:00:00Z", inside: true },
    { at: "2026-03-10T20:59:59.999Z", inside: true },
    { at: "2026-03-10T21:00:00Z", inside: false }, // 17:00 EDT: end exclusive
    { at: "2026-03-14T15:00:00Z", inside: false }, // Saturday
    { at: "2026-03-07T04:30:00Z", inside: false }, // Fri 23:30 EST, Sat in UTC
    { at: "2026-03-07T03:00:00Z", inside: false },
    { at: "2026-03-06T20:00:00Z", inside: true }, // Fri 15:00 EST, still inside
  ];
  it.each(cases)("$at → $inside", ({ at, inside }) => expect(isInsideWindow(NY_9_17, utc(at))).toBe(inside));
});

describe("windowCloseAfter", () => {
  const cases: { name: string; w: SendingWindow; at: string; expected: string }[] = [
    { name: "closes at 17:00 EDT", w: NY_9_17, at: "2026-03-10T15:00:00Z", expected: "2026-03-10T21:00:00.000Z" },
    { name: "closed window returns at", w: NY_9_17, at: "2026-03-10T22:00:00Z", expected: "2026-03-10T22:00:00.000Z" },
    { name: "end 24:00 = next local midnight", w: win("America/New_York", "09:00", "24:00"), at: "2026-03-10T15:00:00Z", expected: "2026-03-11T04:00:00.000Z" },
    { name: "end in the spring gap → transition", w: win("America/New_York", "00:00", "02:30", ALL_DAYS), at: "2026-03-08T06:00:00Z", expected: "2026-03-08T07:00:00.000Z" },
    { name: "ambiguous end, first pass", w: win("America/New_York", "00:00", "01:30", ALL_DAYS), at: "2026-11-01T05:00:00Z", expected: "2026-11-01T05:30:00.000Z" },
    { name: "ambiguous end, repeated hour", w: win("America/New_York", "00:00", "01:30", ALL_DAYS), at: "2026-11-01T06:10:00Z", expected: "2026-11-01T06:30:00.000Z" },
    { name: "Kathmandu 17:00", w: win("Asia/Kathmandu", "09:00", "17:00"), at: "2026-03-02T05:00:00Z", expected: "2026-03-02T11:15:00.000Z" },
  ];
  it.each(cases)("$name", ({ w, at, expected }) => {
    const close = windowCloseAfter(w, utc(at));
    expect(iso(close)).toBe(expected);
    if (close > utc(at)) {
      expect(isInsideWindow(w, close - 1)).toBe(true);
      expect(isInsideWindow(w, close)).toBe(false);
    }
  });
});

describe("localParts", () => {
  const cases: { tz: string; at: string; parts: Record<string, number> }[] = [
    { tz: "Asia/Kathmandu", at: "2026-03-02T00:00:00Z", parts: { year: 2026, month: 3, day: 2, weekday: 1, hour: 5, minute: 45, offsetMs: 20_700_000 } },
    { tz: "Asia/Kolkata", at: "2026-12-31T20:00:00Z", parts: { year: 2027, month: 1, day: 1, weekday: 5, hour: 1, minute: 30, offsetMs: 19_800_000 } },
    { tz: "America/New_York", at: "2026-03-08T06:59:59Z", parts: { hour: 1, minute: 59, offsetMs: -18_000_000 } },
    { tz: "America/New_York", at: "2026-03-08T07:00:00Z", parts: { hour: 3, minute: 0, offsetMs: -14_400_000 } },
    { tz: "Europe/London", at: "2026-10-25T01:30:00Z", parts: { hour: 1, minute: 30, offsetMs: 0, weekday: 0 } },
  ];
  it.each(cases)("$tz at $at", ({ tz, at, parts }) => expect(localParts(tz, utc(at))).toMatchObject(parts));
});

describe("localParts over years (offsets read per day, per slice on transition days)", () => {
  // Zones with spring-forward and fall-back, a half-hour DST (Lord Howe), a southern-hemisphere DST
  // and a 45-minute offset: every 15 minutes of two years, read against Intl directly.
  const ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "Asia/Kathmandu"];
  it.each(ZONES)("%s: every quarter hour of 2026–2027 matches Intl", (timezone) => {
    const intl = new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    const wrong: string[] = [];
    for (let t = utc("2026-01-01T00:00:00Z"); t < utc("2028-01-01T00:00:00Z"); t += 15 * 60_000) {
      const p = Object.fromEntries(intl.formatToParts(t).map((x) => [x.type, Number(x.value)]));
      const ours = localParts(timezone, t);
      if (ours.year !== p.year || ours.month !== p.month || ours.day !== p.day || ours.hour !== p.hour || ours.minute !== p.minute) wrong.push(iso(t));
    }
    expect(wrong).toEqual([]);
  });
});
