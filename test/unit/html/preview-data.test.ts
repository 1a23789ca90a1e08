import { describe, expect, it } from "vitest";
import { displayName, leadEntry, ScheduleTable, skippedEntry } from "../../../src/html/preview-data.js";
import type { Lead } from "../../../src/leads/types.js";

const lead = (fields: Record<string, string>, extra: Partial<Lead> = {}): Lead => ({ id: "42", position: 1, line: 2, fields, ...extra });

describe("displayName", () => {
  it.each([
    [{ name: "Ada Lovelace" }, "Ada Lovelace"],
    [{ "Full Name": "Grace Hopper" }, "Grace Hopper"],
    [{ first_name: "Alan", last_name: "Turing" }, "Alan Turing"],
    [{ "First Name": "Edsger" }, "Edsger"],
    [{ display_name: "", first_name: "" }, undefined],
    [{ company: "Acme" }, undefined],
  ])("%j → %s", (fields, expected) => expect(displayName(fields)).toBe(expected));
});

describe("lead entries", () => {
  it("keep each step's text, or its errors, in step order", () => {
    const l = lead({ first_name: "Ada" }, { username: "ada", timezone: "Europe/London" });
    const entry = JSON.parse(
      leadEntry(l, [
        { leadId: "42", line: 2, position: 1, step: "intro", kind: "sequence", text: "Hi Ada" },
        { leadId: "42", line: 2, position: 1, step: "nudge", kind: "sequence", errors: [{ variable: "company", message: "is empty" }, { message: "too long" }] },
      ], false),
    );
    expect(entry).toEqual({ l: 2, i: "42", u: "ada", n: "Ada", z: "Europe/London", s: "blocked", m: ["Hi Ada", [["company", "is empty"], [null, "too long"]]] });
  });

  it("describe a skipped row with its reason and message", () => {
    expect(JSON.parse(skippedEntry({ reason: "duplicate", line: 9, position: 8, id: "7", message: "same id as line 3" }))).toEqual({
      l: 9, i: "7", s: "skipped", r: "duplicate", x: "same id as line 3",
    });
  });
});

describe("ScheduleTable", () => {
  it("writes accounts and times in seconds per ready lead, null where a step is not projected", () => {
    const t = new ScheduleTable(2, 2);
    t.record(0, 0, 1, 1_000_000);
    t.record(1, 0, 0, 2_000_400);
    t.record(0, 1, 1, 5_000_000);
    expect(JSON.parse([...t.json()].join(""))).toEqual({ a: [1, 0], t: [[1000, 5000], [2000, null]] });
  });
});
