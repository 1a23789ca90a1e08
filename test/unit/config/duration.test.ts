import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, parseRange } from "../../../src/config/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["90s", 90_000],
    ["15m", 900_000],
    ["36h", 129_600_000],
    ["3d", 259_200_000],
    ["1w", 604_800_000],
    ["1d12h", 129_600_000],
    ["1h30m", 5_400_000],
    ["1m30s", 90_000],
    ["2m500ms", 120_500],
    ["0s", 0],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "3", "3 days", "-1h", "1.5h", "3D", "1m1h", "1h1h", " 1h", "1h ", "h", "ms", "99999999999999999999d"])(
    "rejects %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe("parseRange", () => {
  it.each([
    ["45s-3m", [45_000, 180_000]],
    ["1m", [60_000, 60_000]],
    ["1m-1m", [60_000, 60_000]],
  ] as const)("%s → %j", (text, range) => {
    expect(parseRange(text)).toEqual(range);
  });

  it.each(["3m-45s", "45s-", "-3m", "45s-3m-5m", "a-b", ""])("rejects %j", (text) => {
    expect(parseRange(text)).toBeUndefined();
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [90_000, "1m30s"],
    [5_400_000, "1h30m"],
    [259_200_000, "3d"],
    [1_209_600_000, "14d"],
    [129_600_000, "1d12h"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
