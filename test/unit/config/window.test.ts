import { describe, expect, it } from "vitest";
import { isTimeZone, parseDays, parseHours } from "../../../src/config/window.js";

describe("parseDays", () => {
  it.each([
    ["mon-fri", [1, 2, 3, 4, 5]],
    ["sat-sun", [0, 6]],
    ["fri-mon", [0, 1, 5, 6]],
    ["wed", [3]],
    ["sun-sat", [0, 1, 2, 3, 4, 5, 6]],
    [["tue", "mon", "tue"], [1, 2]],
  ] as const)("%j → %j", (days, numbers) => {
    expect(parseDays(days)).toEqual(numbers);
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

describe("isTimeZone", () => {
  it.each([
    ["Europe/London", true],
    ["UTC", true],
    ["Mars/Olympus", false],
    ["", false],
  ])("%s → %s", (zone, known) => {
    expect(isTimeZone(zone)).toBe(known);
  });
});
