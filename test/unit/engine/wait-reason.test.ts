import { describe, expect, it } from "vitest";
import { explainWait, type WaitContext } from "../../../src/engine/wait-reason.js";
import { LeadWindows } from "../../../src/engine/lead-windows.js";
import { AccountPacer } from "../../../src/schedule/account-pacer.js";
import { ACCOUNT, DAY, MINUTE, T0, contacted, lead, makeCampaign } from "./fakes.js";

const HOUR = 60 * MINUTE;

function context(over: Partial<WaitContext> & { perHour?: number; gapMs?: number; hours?: [number, number] } = {}): WaitContext {
  const base = makeCampaign();
  const campaign = makeCampaign({
    pacing: {
      ...base.pacing,
      window: { ...base.pacing.window, startMinute: (over.hours?.[0] ?? 0) * 60, endMinute: (over.hours?.[1] ?? 24) * 60 },
      perAccount: { ...base.pacing.perAccount, perHour: over.perHour ?? 1000, gapMinMs: over.gapMs ?? 0, gapMaxMs: over.gapMs ?? 0 },
    },
  });
  const pacing = new AccountPacer(campaign.pacing.perAccount);
  return {
    campaign,
    store: { lead: (id: string) => (id === "1" ? contacted("1", T0 - 3 * DAY) : undefined) },
    pacing,
    windows: new LeadWindows(campaign.pacing.window),
    leadsById: new Map([["1", lead("1")]]),
    ...over,
  };
}

describe("explainWait: the real blocker, not a guess", () => {
  it("an account at its hourly cap: the cap, the account, and the instant it frees", () => {
    const ctx = context({ perHour: 2 });
    ctx.pacing.recordSend(ACCOUNT, T0 - 10 * MINUTE);
    ctx.pacing.recordSend(ACCOUNT, T0 - 5 * MINUTE);
    const until = T0 + 50 * MINUTE;
    // Deferred by the engine to the cap's end: held, so its key is the cap's end, not its delay.
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: until, held: true } }, T0, until);
    expect(w).toEqual({ reason: "pacing", cap: "hourly", account: ACCOUNT, detail: `account ${ACCOUNT} reached its hourly cap (2 sends in the last hour)`, at: T0 + 50 * MINUTE });
  });

  it("new leads held by the cap of the account that frees first", () => {
    const ctx = context({ perHour: 1 });
    ctx.pacing.recordSend(ACCOUNT, T0 - 30 * MINUTE);
    const w = explainWait({ ...ctx, campaign: { ...ctx.campaign, accounts: [ACCOUNT] }, fresh: { work: { kind: "sequence", leadId: "2", index: 0 }, at: T0 } }, T0, T0 + 30 * MINUTE);
    expect(w).toMatchObject({ reason: "pacing", cap: "hourly", account: ACCOUNT });
  });

  it("a follow-up whose delay has not passed says so, without a lead id (so a log can fold repeats)", () => {
    const ctx = context();
    const due = T0 + 2 * HOUR;
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: due } }, T0, due);
    expect(w).toEqual({ reason: "follow-up", detail: 'next follow-up "nudge" (due 3d after the previous step)', at: due });
  });

  it("a follow-up pushed to the window's opening: the window", () => {
    const ctx = context({ hours: [9, 17] });
    const opens = Date.UTC(2026, 2, 3, 9, 0, 0);
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: opens, held: true } }, Date.UTC(2026, 2, 2, 18, 0, 0), opens);
    expect(w).toEqual({ reason: "window", detail: "sending window closed", at: opens });
  });

  it("a follow-up falling due at the instant the window opens: its delay, not a closed window", () => {
    // The rehearsal of `outreach init`'s campaign said "sending window closed" at Mon 09:07 inside the window.
    const ctx = context({ hours: [9, 17] });
    const opens = Date.UTC(2026, 2, 5, 9, 0, 0);
    const now = Date.UTC(2026, 2, 2, 9, 7, 37);
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: opens } }, now, opens);
    expect(w).toMatchObject({ reason: "follow-up", at: opens });
  });

  it("a resume with the hourly cap reached: a follow-up due in minutes waits for the cap of its account", () => {
    const ctx = context({ perHour: 2 });
    ctx.pacing.restore(ACCOUNT, [T0 - 20 * MINUTE, T0 - 10 * MINUTE]);
    const due = T0 + 3 * MINUTE;
    const w = explainWait({ ...ctx, bound: { work: { kind: "reply", leadId: "1", stepId: "thanks" }, at: due } }, T0, due);
    expect(w).toEqual({
      reason: "pacing",
      cap: "hourly",
      account: ACCOUNT,
      detail: `account ${ACCOUNT} reached its hourly cap (2 sends in the last hour)`,
      at: T0 + 40 * MINUTE,
    });
  });

  it("a reply step already due, put back to the hourly cap's end: the cap, not its delay", () => {
    const ctx = context({ perHour: 2 });
    ctx.pacing.restore(ACCOUNT, [T0 - 20 * MINUTE, T0 - 10 * MINUTE]);
    const capEnds = T0 + 40 * MINUTE;
    const w = explainWait({ ...ctx, bound: { work: { kind: "reply", leadId: "1", stepId: "thanks" }, at: capEnds, held: true } }, T0, capEnds);
    expect(w).toMatchObject({ reason: "pacing", cap: "hourly", account: ACCOUNT, at: capEnds });
  });

  it("a follow-up whose delay ends inside the account's gap: the gap", () => {
    const ctx = context({ gapMs: 90_000 });
    ctx.pacing.recordSend(ACCOUNT, T0);
    const due = T0 + 1000;
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: due } }, T0, due);
    expect(w).toMatchObject({ reason: "pacing", cap: "gap", account: ACCOUNT, at: T0 + 90_000 });
  });

  it("bound work and a new lead: the one that can go first is named, with its instant", () => {
    const ctx = context({ perHour: 1 });
    ctx.pacing.recordSend(ACCOUNT, T0 - 30 * MINUTE);
    const w = explainWait(
      {
        ...ctx,
        leadsById: new Map([["1", lead("1")], ["2", lead("2", 2)]]),
        bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: T0 + MINUTE },
        fresh: { work: { kind: "sequence", leadId: "2", index: 0 }, at: T0 },
      },
      T0,
      T0 + MINUTE,
    );
    // Lead 1's account is capped for 30 minutes; the other account can start lead 2 now.
    expect(w).toMatchObject({ reason: "follow-up", detail: "next first message", at: T0 + MINUTE });
  });

  it("expiries: open for replies", () => {
    const w = explainWait({ ...context(), bound: { work: { kind: "expire", leadId: "1" }, at: T0 + DAY } }, T0, T0 + DAY);
    expect(w.reason).toBe("replies");
  });
});
