/**
 * What counts against an account's caps in `status`, the pre-flight summary and a resumed run: the DMs
 * it sent — not a reply step's actions (`<id>:actions`) nor an actions-only reply step, which are
 * recorded like sends but put nothing in a thread (a new user's status said 7 sent for 6 DMs).
 */
import { describe, expect, it } from "vitest";
import { remainingWork } from "../../../src/engine/remaining.js";
import type { LeadState, StepRecord } from "../../../src/state/types.js";
import { ACCOUNT, T0, contacted, makeCampaign, replyStep } from "./fakes.js";

const sent = (at: number): StepRecord => ({ status: "sent", updatedAt: at, attempts: 1, sendingAt: at, sentAt: at });

describe("remainingWork: each account's recent sends", () => {
  it("counts the intro and a reply step's message, not its actions nor an actions-only reply step", () => {
    const campaign = makeCampaign({
      replySteps: [
        { ...replyStep(), id: "thanks", actions: { tags: ["warm"] } },
        { kind: "reply", id: "tag-only", delayMs: 0, actions: { tags: ["seen"] } },
      ],
    });
    const lead: LeadState = contacted("1001", T0 - 3_000, {
      reply: { at: T0 - 2_500, text: "sure", messageId: "in_1", via: "events" },
      steps: {
        ...contacted("1001", T0 - 3_000).steps,
        "thanks:actions": sent(T0 - 2_000),
        thanks: sent(T0 - 1_500),
        "tag-only": sent(T0 - 1_000),
      },
    });
    const work = remainingWork(campaign, [{ id: "1001" }], () => lead, T0);
    expect(work.recentSends.get(ACCOUNT)).toEqual([T0 - 3_000, T0 - 1_500]);
  });

  it("counts a message still in flight (sending) by its attempt's start", () => {
    const lead = contacted("1002", T0 - 5_000, { steps: { intro: { status: "sending", updatedAt: T0 - 5_000, attempts: 1, sendingAt: T0 - 5_000 } } });
    const work = remainingWork(makeCampaign(), [{ id: "1002" }], () => lead, T0);
    expect(work.recentSends.get(ACCOUNT)).toEqual([T0 - 5_000]);
  });
});
