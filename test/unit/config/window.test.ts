import { describe, expect, it } from "vitest";
import { zoneProblem } from "../../../src/config/time-zones.js";
import { DAY_LIST_SOURCE, DAY_RANGE_SOURCE, parseDays, parseHours } from "../../../src/config/window.js";

describe("parseDays", () => {
  it.each([
    ["mon-fri", [1, 2, 3, 4, 5]],
    ["sat-sun", [0, 6]],
    ["fri-mon", [0, 1, 5, 6]],
    ["wed", [3]],
    ["sun-sat", [0, 1, 2, 3, 4, 5, 6]],
    [["tue", "mon", "tue"], [1, 2]],
    ["Mon-Fri", [1, 2, 3, 4, 5]],
    ["MON - FRI", [1, 2, 3, 4, 5]],
    ["Saturday-Sunday", [0, 6]],
    [["Tues", "THURSDAY"], [2, 4]],
  ] as const)("%j → %j", (days, numbers) => {
    expect(parseDays(days)).toEqual(numbers);
  });

  it.each(["Mon-Fri", "mon-fri", "MON-FRI", "Monday - Friday", "Tues", "thu"])("the schema pattern accepts %j", (text) => {
    expect(new RegExp(DAY_RANGE_SOURCE).test(text)).toBe(true);
  });

  it.each(["mo-fr", "Mondays", "weekdays", "mon-", "lun-ven"])("the schema patterns refuse %j", (text) => {
    expect(new RegExp(DAY_RANGE_SOURCE).test(text)).toBe(false);
    expect(new RegExp(DAY_LIST_SOURCE).test(text)).toBe(false);
  });
});

describe("parseHours", () => {
  it.each([
    ["09:00-17:00", { startMinute: 540, endMinute: 1020 }],
    ["9:30-17:45", { startMinute: 570, endMinute: 1065 }],
    ["00:00-24:00", { startMinute: 0, endMinute: 1440 }],
    ["17:00-09:00", { startMinute: 1020, endMinute: 540 }],
  ])("%s → %j", (text, window) => {
    expect(parseHours(text)).toEqual(window);
  });

  it.each(["9am-5pm", "09:00", "24:00-24:00", "09:60-10:00", "25:00-26:00", ""])("rejects %j", (text) => {
    expect(parseHours(text)).toBeUndefined();
  });
});

describe("zoneProblem", () => {
  it.each(["Europe/London", "UTC", "GMT", "America/New_York", "US/Eastern", "Japan"])("accepts %s", (zone) => {
    expect(zoneProblem(zone)).toBeUndefined();
  });

  it.each([
    ["EST", /abbreviation.*daylight saving.*use "America\/New_York"/],
    ["MST", /use "America\/Denver" \(or "America\/Phoenix" for Arizona/],
    ["HST", /use "Pacific\/Honolulu"/],
    ["pst", /use "America\/Los_Angeles"/],
    ["BST", /use "Europe\/London"/],
    ["+05:00", /fixed offset/],
    ["Etc/GMT+5", /fixed offset/],
    ["PRC", /abbreviation, not an IANA time zone/],
    ["Mars/Olympus", /not an IANA time zone/],
    ["", /not an IANA time zone/],
  ])("refuses %s", (zone, message) => {
    expect(zoneProblem(zone)?.message).toMatch(message);
  });
});
