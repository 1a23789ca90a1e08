import { describe, expect, it } from "vitest";
import { explainWait, type WaitContext } from "../../../src/engine/wait-reason.js";
import { LeadWindows } from "../../../src/engine/lead-windows.js";
import { AccountPacer } from "../../../src/schedule/account-pacer.js";
import { ACCOUNT, DAY, MINUTE, T0, contacted, lead, makeCampaign } from "./fakes.js";

const HOUR = 60 * MINUTE;

function context(over: Partial<WaitContext> & { perHour?: number; hours?: [number, number] } = {}): WaitContext {
  const base = makeCampaign();
  const campaign = makeCampaign({
    pacing: {
      ...base.pacing,
      window: { ...base.pacing.window, startMinute: (over.hours?.[0] ?? 0) * 60, endMinute: (over.hours?.[1] ?? 24) * 60 },
      perAccount: { ...base.pacing.perAccount, perHour: over.perHour ?? 1000, gapMinMs: 0, gapMaxMs: 0 },
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
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: until } }, T0, until);
    expect(w).toEqual({ reason: "pacing", cap: "hourly", account: ACCOUNT, detail: `account ${ACCOUNT} reached its hourly cap (2 sends in the last hour)` });
  });

  it("new leads held by the cap of the account that frees first", () => {
    const ctx = context({ perHour: 1 });
    ctx.pacing.recordSend(ACCOUNT, T0 - 30 * MINUTE);
    const w = explainWait({ ...ctx, campaign: { ...ctx.campaign, accounts: [ACCOUNT] }, freshAt: T0 }, T0, T0 + 30 * MINUTE);
    expect(w).toMatchObject({ reason: "pacing", cap: "hourly", account: ACCOUNT });
  });

  it("a follow-up whose delay has not passed says so, without a lead id (so a log can fold repeats)", () => {
    const ctx = context();
    const due = T0 + 2 * HOUR;
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: due } }, T0, due);
    expect(w).toEqual({ reason: "follow-up", detail: 'next follow-up "nudge" (due 3d after the previous step)' });
  });

  it("a follow-up pushed to the window's opening: the window", () => {
    const ctx = context({ hours: [9, 17] });
    const opens = Date.UTC(2026, 2, 3, 9, 0, 0);
    const w = explainWait({ ...ctx, bound: { work: { kind: "sequence", leadId: "1", index: 1 }, at: opens } }, Date.UTC(2026, 2, 2, 18, 0, 0), opens);
    expect(w).toEqual({ reason: "window", detail: "sending window closed" });
  });

  it("expiries: open for replies", () => {
    const w = explainWait({ ...context(), bound: { work: { kind: "expire", leadId: "1" }, at: T0 + DAY } }, T0, T0 + DAY);
    expect(w.reason).toBe("replies");
  });
});
