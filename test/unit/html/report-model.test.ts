import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { buildReportModel } from "../../../src/html/report-model.js";
import { reportPage } from "../../../src/html/report-page.js";
import type { LeadState, StateSnapshot } from "../../../src/state/types.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-12-01T15:00:00Z"); // 10:00 in New York

const campaign = {
  name: "Test <campaign>",
  accounts: ["acctA", "acctB"],
  sequence: [
    { kind: "sequence", id: "intro", template: "/t/intro.hbs", afterMs: 0, index: 0 },
    { kind: "sequence", id: "nudge", template: "/t/nudge.hbs", afterMs: 3 * DAY, index: 1 },
  ],
  replySteps: [{ kind: "reply", id: "thanks", template: "/t/thanks.hbs", delayMs: 0, actions: { tags: ["replied"] } }],
  pacing: {
    window: { timezone: "America/New_York", days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 },
    perAccount: { perHour: 20, perDay: 80, gapMinMs: 45_000, gapMaxMs: 180_000 },
    api: [],
  },
} as unknown as Campaign;

const sent = (at: number) => ({ status: "sent" as const, updatedAt: at, attempts: 1, sentAt: at });

function snapshot(leads: LeadState[]): StateSnapshot {
  return { meta: {} as StateSnapshot["meta"], leads: Object.fromEntries(leads.map((l) => [l.id, l])) };
}

describe("buildReportModel", () => {
  const model = buildReportModel(
    campaign,
    snapshot([
      { id: "1", account: "acctA", steps: { intro: sent(T0), nudge: sent(T0 + 3 * DAY) }, finishedAt: T0 + 4 * DAY, finishReason: "completed" },
      { id: "2", account: "acctB", steps: { intro: sent(T0), thanks: sent(T0 + DAY), "thanks:actions": sent(T0 + DAY) }, reply: { at: T0 + DAY, messageId: "m", text: "yes <b>please</b>", afterStep: "intro", via: "events" } },
      { id: "3", account: "acctA", steps: { intro: sent(T0 + 60_000) }, reply: { at: T0 + 2 * DAY, messageId: "n", text: "STOP", via: "events" }, optedOut: true, finishedAt: T0 + 2 * DAY },
      { id: "4", account: "acctB", steps: { intro: { status: "failed", updatedAt: T0, attempts: 1, reason: "recipient unavailable" } }, finishedAt: T0, finishReason: "failed" },
      { id: "5", account: "acctA", steps: { intro: sent(T0 + 120_000) } },
    ]),
    T0 + 5 * DAY,
  );

  it("counts the funnel, replies and opt-outs", () => {
    expect(model).toMatchObject({ leadsInState: 5, contacted: 4, replied: 2, replyRate: 0.5, optedOut: 1, failedLeads: 1, open: 1 });
    expect(model.steps.find((s) => s.stepId === "intro")).toMatchObject({ sent: 4, failed: 1, replies: 1 });
    expect(model.optOuts.map((r) => r.leadId)).toEqual(["3"]);
    expect(model.latestReplies.map((r) => r.leadId)).toEqual(["3", "2"]);
    expect(model.failures).toEqual([{ reason: "intro: recipient unavailable", count: 1, leads: ["4"] }]);
    expect(model.nextDueAt).toBe(T0 + 120_000 + 3 * DAY);
  });

  it("counts sends per account per day in the campaign's zone", () => {
    expect([...model.sendsPerDay[0]!.days]).toEqual([["2026-12-01", 3], ["2026-12-04", 1]]);
    // The reply step's message counts; its actions record is not a message.
    expect([...model.sendsPerDay[1]!.days]).toEqual([["2026-12-01", 1], ["2026-12-02", 1]]);
    expect([...model.repliesPerDay]).toEqual([["2026-12-02", 1], ["2026-12-03", 1]]);
  });

  it("renders a page with escaped names and replies, and no script", () => {
    const html = reportPage(campaign, model);
    expect(html).toContain("Test &lt;campaign&gt;");
    expect(html).toContain("yes &lt;b&gt;please&lt;/b&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("script-src 'none'");
  });
});
