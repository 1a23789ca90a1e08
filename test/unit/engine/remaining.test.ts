/**
 * What counts against an account's caps in `status`, the pre-flight summary and a resumed run: the DMs
 * it sent — not a reply step's actions (`<id>:actions`) nor an actions-only reply step, which are
 * recorded like sends but put nothing in a thread (a new user's status said 7 sent for 6 DMs).
 */
import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { projectFirstSend, projectRemaining, remainingWork } from "../../../src/engine/remaining.js";
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

const MIN = 60_000;
const DAY = 86_400_000;
const T = Date.parse("2026-03-13T20:00:00Z"); // a Friday, after New York's window closed

function campaign(perDay: number): Pick<Campaign, "sequence" | "replySteps" | "accounts" | "pacing"> {
  return {
    replySteps: [],
    sequence: [
      { id: "intro", afterMs: 0 },
      { id: "nudge", afterMs: 2 * DAY },
      { id: "last", afterMs: 3 * DAY },
    ] as Campaign["sequence"],
    accounts: ["acct0", "acct1"],
    pacing: {
      window: { timezone: "America/New_York", days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 },
      perAccount: { perHour: 20, perDay, gapMinMs: 2 * MIN, gapMaxMs: 4 * MIN },
      api: [],
    },
  };
}

const ZONES = [undefined, "Asia/Tokyo", "Europe/London"];

/** `n` leads; the first `started` got the intro from acct0/acct1 at staggered times in the past. */
function world(n: number, started: number): { leads: { id: string; timezone?: string }[]; states: Map<string, LeadState> } {
  const leads = Array.from({ length: n }, (_, i) => {
    const zone = ZONES[i % ZONES.length];
    return zone ? { id: `lead${i}`, timezone: zone } : { id: `lead${i}` };
  });
  const states = new Map<string, LeadState>();
  for (let i = 0; i < started; i++) {
    const at = T - 3 * DAY + i * 7 * MIN;
    states.set(`lead${i}`, {
      id: `lead${i}`,
      account: `acct${i % 2}`,
      steps: { intro: { status: "sent", updatedAt: at, attempts: 1, sentAt: at } },
    });
  }
  return { leads, states };
}

describe("projectFirstSend", () => {
  it.each([
    { what: "nothing started", n: 40, started: 0, perDay: 80 },
    { what: "every lead waits for a follow-up, in three zones", n: 300, started: 300, perDay: 80 },
    { what: "some started, some new; caps already spent today", n: 300, started: 150, perDay: 5 },
    { what: "follow-ups due later than the new leads can start", n: 10, started: 3, perDay: 80 },
  ])("$what: the full projection's first send", ({ n, started, perDay }) => {
    const c = campaign(perDay);
    const { leads, states } = world(n, started);
    const work = remainingWork(c, leads, (id) => states.get(id), T);
    const full = projectRemaining(c, work, T);
    expect(full).toBeDefined();
    expect(projectFirstSend(c, work, T)).toBe(full!.firstSendAt);
  });

  it("undefined when nothing remains", () => {
    const c = campaign(80);
    const work = remainingWork(c, [], () => undefined, T);
    expect(projectFirstSend(c, work, T)).toBeUndefined();
  });
});
