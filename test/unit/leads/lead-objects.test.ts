import { describe, expect, it } from "vitest";
import { packCells, unpackCells } from "../../../src/leads/lead-objects.js";

describe("packCells: a compact lead's cells as one string", () => {
  it.each([
    ["plain values", ["", "ann_x", "Ann", "Doe, \"JJ\"\nsecond line", "Europe/Berlin"]],
    ["one empty cell", [""]],
    ["empty cells around", ["", "", "x", ""]],
    ["a value holding the separator (NUL)", ["", "a\u0000b", "c"]],
    ["a first value starting with the JSON marker", ["\u0001x", "y"]],
    ["a first value that looks like JSON", ['["a","b"]', "c"]],
    ["emoji and lone surrogates", ["👋", "\ud800", "x\u2028y"]],
  ])("round-trips %s", (_name, cells) => {
    expect(unpackCells(packCells(cells))).toEqual(cells);
  });

  it("joins plain values without quoting, and packs the rest as JSON", () => {
    expect(packCells(["", "Ann", "Doe"])).toBe("\u0000Ann\u0000Doe");
    expect(packCells(["a\u0000b"]).startsWith("\u0001[")).toBe(true);
  });
});
