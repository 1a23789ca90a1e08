import { describe, expect, it } from "vitest";
import { formatInstant } from "../../../src/cli/report/time.js";

/** What Intl itself says, in formatInstant's layout. */
function byIntl(f: Intl.DateTimeFormat, at: number): string {
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`;
}

describe("formatInstant", () => {
  it("reads like Intl: a known instant", () => {
    expect(formatInstant(Date.parse("2026-11-30T14:00:05Z"), "America/New_York")).toBe("Mon 2026-11-30 09:00:05 EST");
  });

  it.each(["America/New_York", "Europe/London", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"])(
    "%s: every 37 min 13 s of 2026, DST changes included, matches Intl",
    (timezone) => {
      const f = new Intl.DateTimeFormat("en-US", {
        timeZone: timezone, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short",
      });
      const wrong: string[] = [];
      for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 2_233_000) {
        if (formatInstant(t, timezone) !== byIntl(f, t)) wrong.push(`${new Date(t).toISOString()}: ${formatInstant(t, timezone)} ≠ ${byIntl(f, t)}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    },
  );

  it("throws RangeError on an unknown zone", () => {
    expect(() => formatInstant(0, "Mars/Olympus_Mons")).toThrow(RangeError);
  });
});
