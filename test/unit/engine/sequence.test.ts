import { describe, expect, it } from "vitest";
import { nextSequenceWork } from "../../../src/engine/sequence.js";
import type { StepRecord } from "../../../src/state/types.js";
import { DAY, sequenceSteps, T0 } from "./fakes.js";

const three = sequenceSteps(0, 3 * DAY, 5 * DAY); // intro, nudge, nudge-2
const sent = (at: number): StepRecord => ({ status: "sent", updatedAt: at, attempts: 1, sendingAt: at, sentAt: at });
const rec = (status: StepRecord["status"]): StepRecord => ({ status, updatedAt: T0, attempts: status === "pending" ? 0 : 1 });

describe("nextSequenceWork: where a lead stands in the no-reply sequence", () => {
  it.each<[string, Record<string, StepRecord>, ReturnType<typeof nextSequenceWork>]>([
    ["a new lead starts at the intro", {}, { kind: "start", index: 0 }],
    ["an intro left pending is started again", { intro: rec("pending") }, { kind: "start", index: 0 }],
    ["an intro still `sending` is not past (reconciliation settles it first)", { intro: rec("sending") }, { kind: "start", index: 0 }],
    ["the follow-up is due `after` the intro's actual send time", { intro: sent(T0) }, { kind: "due", index: 1, at: T0 + 3 * DAY }],
    [
      "the second follow-up counts from the first follow-up's send, not the intro's",
      { intro: sent(T0), nudge: sent(T0 + 4 * DAY) },
      { kind: "due", index: 2, at: T0 + 9 * DAY },
    ],
    [
      "a follow-up `sending` is still due (the runner reconciles before re-sending)",
      { intro: sent(T0), nudge: rec("sending") },
      { kind: "due", index: 1, at: T0 + 3 * DAY },
    ],
    [
      "every step sent: done, open for replies from the last send",
      { intro: sent(T0), nudge: sent(T0 + 3 * DAY), "nudge-2": sent(T0 + 8 * DAY) },
      { kind: "done", lastSentAt: T0 + 8 * DAY },
    ],
    [
      "follow-ups skipped after a reply: done, open from the intro",
      { intro: sent(T0), nudge: rec("skipped"), "nudge-2": rec("skipped") },
      { kind: "done", lastSentAt: T0 },
    ],
    ["a failed intro fails the lead", { intro: rec("failed") }, { kind: "failed" }],
    ["a failed follow-up fails the lead", { intro: sent(T0), nudge: rec("failed") }, { kind: "failed" }],
    ["records of steps no longer in the campaign are ignored", { intro: sent(T0), removed: rec("failed") }, { kind: "due", index: 1, at: T0 + 3 * DAY }],
  ])("%s", (_name, steps, expected) => {
    expect(nextSequenceWork(three, steps)).toEqual(expected);
  });

  it("a single-step sequence is done once the intro is sent", () => {
    expect(nextSequenceWork(sequenceSteps(0), { intro: sent(T0) })).toEqual({ kind: "done", lastSentAt: T0 });
  });
});
