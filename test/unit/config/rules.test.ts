import { describe, expect, it } from "vitest";
import { formatPath, suggest } from "../../../src/config/problem.js";
import { accountProblems, pacingProblems, replyProblems, ruleProblems, stepProblems } from "../../../src/config/rules.js";

// The rules read raw YAML values, so they must cope with anything and leave type errors to the schema.
describe("cross-field rules on raw values", () => {
  it.each([undefined, null, 3, "steps", {}])("ignore a malformed document (%j)", (raw) => {
    expect(ruleProblems(raw)).toEqual([]);
    expect(stepProblems(raw)).toEqual([]);
    expect(accountProblems(raw)).toEqual([]);
    expect(pacingProblems(raw)).toEqual([]);
    expect(replyProblems(raw)).toEqual([]);
  });

  it("checks steps whose neighbours are malformed", () => {
    const steps = [{ id: "a", template: "a.hbs" }, "junk", { id: "a", template: 7 }];
    expect(stepProblems(steps).map((p) => [formatPath(p.path), p.anchor])).toEqual([
      ["steps[2].id", "value"],
      ["steps[2].after", "parent"],
    ]);
  });

  it("accepts reply steps anywhere after the first message", () => {
    const steps = [
      { id: "intro", template: "a.hbs" },
      { id: "thanks", on: "reply", actions: { tags: ["x"] } },
      { id: "nudge", template: "b.hbs", after: "3d" },
    ];
    expect(stepProblems(steps)).toEqual([]);
  });

  it("uses the default of whichever per-account cap is unset", () => {
    expect(pacingProblems({ perAccount: { perHour: 80 } })).toEqual([]);
    expect(pacingProblems({ perAccount: { perDay: 19 } })).toHaveLength(1);
    expect(pacingProblems({ perAccount: { perHour: "x", perDay: 1 } })).toEqual([]);
  });

  it("a misspelt perHour is not compared as its default: only the unknown key is reported (by the schema)", () => {
    expect(pacingProblems({ perAccount: { perHuor: 4, perDay: 15 } })).toEqual([]);
    expect(pacingProblems({ perAccount: { perHour: 30, perDya: 15 } })).toEqual([]);
    // Both written: the rule holds whatever else is there.
    expect(pacingProblems({ perAccount: { perHour: 30, perDay: 15, gapp: "1m" } })).toHaveLength(1);
  });
});

describe("suggest", () => {
  it.each([
    ["perHuor", ["perHour", "perDay", "gap"], "perHour"],
    ["idcolumn", ["idColumn", "usernameColumn"], "idColumn"],
    ["timezon", ["timezone", "days"], "timezone"],
    ["colour", ["name", "leads", "steps"], undefined],
  ])("%s → %s", (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});

describe("formatPath", () => {
  it.each([
    [["steps", 1, "after"], "steps[1].after"],
    [["pacing", "perAccount", "perHour"], "pacing.perAccount.perHour"],
    [["odd key", 0], '["odd key"][0]'],
    [[], ""],
  ])("%j → %s", (path, text) => {
    expect(formatPath(path)).toBe(text);
  });
});
