import { describe, expect, it } from "vitest";
import { countSteps, summarize } from "../../../src/engine/summary.js";
import type { LeadState, StepRecord } from "../../../src/state/types.js";
import { contacted, harness, lead, makeCampaign, replyStep, sequenceSteps, T0, DAY } from "./fakes.js";

const campaign = makeCampaign({ sequence: sequenceSteps(0, 3 * DAY), replySteps: [replyStep()] });
const r = (status: StepRecord["status"], reason?: string): StepRecord => ({ status, updatedAt: T0, attempts: 1, ...(reason ? { reason } : {}) });

describe("countSteps", () => {
  it("counts a funnel: sent, replied after which step, skipped follow-ups, pending reply steps", () => {
    const states: LeadState[] = [
      // Replied after the intro; the nudge was skipped; the thank-you is still to send.
      { ...contacted("1", T0), steps: { intro: r("sent"), nudge: r("skipped", "replied") }, reply: { at: T0, messageId: "m", text: "hi", via: "events", afterStep: "intro" } },
      // Replied after the nudge and got the thank-you: finished.
      {
        ...contacted("2", T0),
        steps: { intro: r("sent"), nudge: r("sent"), "thank-you": r("sent") },
        reply: { at: T0, messageId: "m", text: "hi", via: "webhook", afterStep: "nudge" },
        finishedAt: T0,
        finishReason: "replied",
      },
      // Opted out after the intro.
      {
        ...contacted("3", T0),
        steps: { intro: r("sent"), nudge: r("skipped"), "thank-you": r("skipped") },
        reply: { at: T0, messageId: "m", text: "stop", via: "events", afterStep: "intro" },
        optedOut: true,
        finishedAt: T0,
        finishReason: "opted-out",
      },
      // Intro failed.
      { id: "4", steps: { intro: r("failed") }, finishedAt: T0, finishReason: "failed" },
      // Intro sent, waiting for the nudge.
      { ...contacted("5", T0), steps: { intro: r("sent") } },
    ];
    const counts = countSteps(campaign, states, 7);
    expect(counts).toMatchObject({ leads: 7, finished: 3, replied: 3, optedOut: 1, failedLeads: 1 });
    expect(counts.steps).toEqual([
      // Leads 6 and 7 have no state yet: pending for every sequence step.
      { stepId: "intro", kind: "sequence", sent: 4, failed: 1, skipped: 0, pending: 2, replies: 2 },
      { stepId: "nudge", kind: "sequence", sent: 1, failed: 0, skipped: 2, pending: 1 + 2, replies: 1 },
      // Only replied, unfinished leads are pending for a reply step.
      { stepId: "thank-you", kind: "reply", sent: 1, failed: 0, skipped: 1, pending: 1, replies: 0 },
    ]);
  });

  it("with no state at all, everything is pending", () => {
    const counts = countSteps(campaign, [], 3);
    expect(counts.steps.map((s) => [s.stepId, s.pending])).toEqual([["intro", 3], ["nudge", 3], ["thank-you", 0]]);
  });

  it("summarize counts only the current CSV's leads and carries the run's figures", () => {
    const h = harness({ campaign, leads: [lead("1", 1), lead("2", 2)], states: [contacted("1", T0), contacted("removed", T0)] });
    const sum = summarize(h.deps, new Map(h.deps.leads.map((l) => [l.id, l])), T0 - 1000, 1, T0 + DAY, undefined);
    expect(sum).toMatchObject({ startedAt: T0 - 1000, endedAt: T0, sentThisRun: 1, leads: 2, nextDueAt: T0 + DAY });
    expect(sum.steps[0]).toMatchObject({ stepId: "intro", sent: 1, pending: 1 });
    expect("pausedReason" in sum).toBe(false);
  });
});
