import { describe, expect, it } from "vitest";
import { parseOffset, zonesWithOffset } from "../../../src/config/offset-zones.js";
import { zoneProblem } from "../../../src/config/time-zones.js";

describe("a fixed offset is answered with zones that have it", () => {
  it.each([
    ["+05:00", 300],
    ["UTC+5", 300],
    ["GMT-03:30", -210],
    ["-0800", -480],
    // POSIX-style: Etc/GMT+5 is five hours behind UTC.
    ["Etc/GMT+5", -300],
    ["Europe/Berlin", undefined],
  ])("%s → %s minutes east of UTC", (zone, minutes) => {
    expect(parseOffset(zone)).toBe(minutes);
  });

  it.each([
    [300, ["Asia/Karachi", "Asia/Tashkent"]],
    [330, ["Asia/Kolkata"]],
    [-300, ["America/Chicago", "America/New_York"]],
  ])("%s minutes → %j", (offset, zones) => {
    expect(zonesWithOffset(offset, 2026)).toEqual(zones);
  });

  it("an offset no zone has: no suggestion rather than a wrong one", () => {
    expect(zonesWithOffset(17, 2026)).toEqual([]);
    expect(zoneProblem("+00:17")?.message).not.toMatch(/e\.g\./);
  });

  it("the message for +05:00 suggests a zone at +05:00, never Europe/Berlin", () => {
    const message = zoneProblem("+05:00")?.message ?? "";
    expect(message).toContain('"Asia/Karachi"');
    expect(message).not.toContain("Europe/Berlin");
  });
});
