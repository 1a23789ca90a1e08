import { describe, expect, it } from "vitest";
import { chooseAccount } from "../../../src/schedule/assign.js";

describe("chooseAccount", () => {
  const accounts = ["a", "b", "c"];
  const cases: { name: string; load: [string, number][]; available?: string[]; expected: string }[] = [
    { name: "no load: first in list", load: [], expected: "a" },
    { name: "least loaded wins", load: [["a", 5], ["b", 2], ["c", 3]], expected: "b" },
    { name: "ties go to list order", load: [["a", 4], ["b", 3], ["c", 3]], expected: "b" },
    { name: "missing load counts as 0", load: [["a", 1], ["b", 1]], expected: "c" },
    { name: "unavailable accounts are skipped", load: [["a", 0], ["b", 9], ["c", 5]], available: ["b", "c"], expected: "c" },
  ];
  it.each(cases)("$name", ({ load, available, expected }) => {
    const pred = available ? (a: string) => available.includes(a) : undefined;
    expect(chooseAccount(accounts, new Map(load), pred)).toBe(expected);
  });

  it("balances: assigning 10 leads one by one spreads them 4/3/3", () => {
    const load = new Map<string, number>();
    for (let i = 0; i < 10; i++) {
      const a = chooseAccount(accounts, load);
      load.set(a, (load.get(a) ?? 0) + 1);
    }
    expect(Object.fromEntries(load)).toEqual({ a: 4, b: 3, c: 3 });
  });

  it("throws when nothing is available", () => {
    expect(() => chooseAccount([], new Map())).toThrow(RangeError);
    expect(() => chooseAccount(accounts, new Map(), () => false)).toThrow(/None of the 3/);
  });
});
