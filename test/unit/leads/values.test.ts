import { describe, expect, it } from "vitest";
import { checkIdCell, looksRounded, printsAsFloat64 } from "../../../src/leads/lead-id.js";
import { cleanValue } from "../../../src/leads/values.js";

describe("cleanValue: one rule for every CSV value", () => {
  it.each([
    ["plain", "Jane", "Jane"],
    ["zero-width space only", "\u200b", ""],
    ["no-break space only", "\u00a0", ""],
    ["word joiner + zero-width non-joiner", "\u2060\u200c", ""],
    ["byte-order mark only", "\ufeff", ""],
    ["ideographic space", "\u3000", ""],
    ["Hangul filler (the 'invisible name')", "\u3164", ""],
    ["Braille blank", "\u2800", ""],
    ["variation selector only", "\ufe0f", ""],
    ["soft hyphen + LRM", "\u00ad\u200e", ""],
    ["trailing zero-width space", "Ana\u200b ", "Ana"],
    ["leading no-break space", "\u00a0Ana", "Ana"],
    ["an emoji keeps its variation selector", "Love ❤\ufe0f", "Love ❤\ufe0f"],
    ["a subdivision flag keeps its tag characters", "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}", "🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}"],
    ["inner invisible characters are the value's own", "Jo\u200bAnn", "Jo\u200bAnn"],
  ])("%s", (_name, value, cleaned) => {
    expect(cleanValue(value)).toBe(cleaned);
  });
});

describe("checkIdCell: ids a spreadsheet touched", () => {
  it.each([
    ["1876543210987654321", "ok"],
    ["12345", "ok"],
    ["1720000000000000010", "ok"], // one trailing zero in 19 digits: nothing unusual
    ["", "missing"],
    ["1.87654E+18", "spreadsheet"],
    ["1,87654E+18", "spreadsheet"], // decimal-comma locale
    ["1876543210987650000", "spreadsheet"], // 15 significant digits, then zeros
    ["1,876,543,210", "spreadsheet"],
    ["1 876 543 210", "spreadsheet"],
    ["1876543210.0", "spreadsheet"],
    ["@jane", "malformed"],
    ["jane_doe", "malformed"],
    ["https://x.com/jane", "malformed"],
  ])("%j → %s", (cell, kind) => {
    expect(checkIdCell(cell).kind).toBe(kind);
  });

  it("rounded: 16+ digits with at most 15 significant ones", () => {
    expect(looksRounded("1234567890123450")).toBe(true);
    expect(looksRounded("1234567890123451")).toBe(false);
    expect(looksRounded("123456789012340")).toBe(false); // 15 digits fit a spreadsheet exactly
  });

  it("float64 prints: what JavaScript writes for an id it parsed as a number", () => {
    expect(printsAsFloat64(String(Number("1876543210987654321")))).toBe(true);
    expect(printsAsFloat64("1876543210987654321")).toBe(false);
    expect(printsAsFloat64("1876543210987654300")).toBe(false); // not the double's shortest print
  });
});
