/**
 * `outreach status` keeps a summary and finishes the report later (engine/status-summary.ts): the
 * report from a summary made at t0 and finished at t1 must be exactly the report made at t1 — every
 * count, each account's sends in the last hour and 24 h, and the next send after caps and windows —
 * over random states with zones, caps, replies, failures and sends from a clock that ran ahead.
 */
import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { statusAt, summarizeStatus, type StatusLead, type StatusReport, type StatusSummary } from "../../../src/engine/status-summary.js";
import { remainingWork, type RemainingWork } from "../../../src/engine/remaining.js";
import { leadsToReview } from "../../../src/engine/review.js";
import { countSteps } from "../../../src/engine/summary.js";
import { nextReplyStepDue, replyStepMatchers } from "../../../src/engine/sequence.js";
import type { LeadMap } from "../../../src/state/lead-map.js";
import type { LeadState, StepRecord } from "../../../src/state/types.js";
import { seededRandom } from "../../../src/sandbox/ids.js";
import { DAY, MINUTE, makeCampaign, replyStep, statusCampaign } from "./fakes.js";

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 13, 15, 0, 0); // Fri 10:00 New York
const ZONES = [undefined, "Europe/London", "Asia/Tokyo", "America/Los_Angeles"];

function campaign(perHour: number, perDay: number): Campaign {
  return statusCampaign(perHour, perDay);
}

/** A random campaign state: leads not started, under way, replied, failed, finished; sends over the last 3 days (some "in the future"). */
function randomState(seed: string, c: Campaign, n: number): { leads: StatusLead[]; states: Map<string, LeadState> } {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const leads: StatusLead[] = [];
  const states = new Map<string, LeadState>();
  for (let i = 0; i < n; i++) {
    const id = String(1_000_000_000 + i);
    const timezone = pick(ZONES);
    leads.push(timezone ? { id, timezone } : { id });
    const r = rnd();
    if (r < 0.25) continue; // not started
    const at = T - Math.floor(rnd() * 3 * DAY) + (rnd() < 0.05 ? 2 * HOUR : 0);
    const sent = (t: number): StepRecord => ({ status: "sent", updatedAt: t, attempts: 1, sendingAt: t, sentAt: t, messageId: `m${i}_${t}` });
    const steps: Record<string, StepRecord> = { intro: sent(at) };
    if (rnd() < 0.4) steps.nudge = sent(at + 2 * DAY > T + DAY ? at : at + Math.floor(rnd() * HOUR));
    if (rnd() < 0.08) steps.nudge = { status: "failed", updatedAt: at, attempts: 3, reason: pick(["not delivered after 3 attempts (500)", "DMs closed"]) };
    if (rnd() < 0.05) steps.intro = { status: "skipped", updatedAt: at, attempts: 0, reason: "already in conversation" };
    const state: LeadState = { id, account: pick(c.accounts), steps };
    if (rnd() < 0.1) state.reply = { at: at + HOUR, text: "sounds good", messageId: `in${i}`, via: "events" };
    if (rnd() < 0.03) state.review = { at: at + HOUR, reason: "may be an opt-out" };
    if (rnd() < 0.1) {
      state.finishedAt = at + HOUR;
      state.finishReason = pick(["completed", "opted-out", "failed", "replied"]);
      if (state.finishReason === "opted-out") state.optedOut = true;
    }
    if (rnd() < 0.03) state.steps = { intro: { status: "pending", updatedAt: at, attempts: 1 } }; // bound, intro not sent yet
    states.set(id, state);
  }
  return { leads, states };
}

describe("status summary: kept at t0, finished at t1, equals the report made at t1", () => {
  for (const seed of ["a", "b", "c", "d", "e", "f"]) {
    it(`seed ${seed}`, () => {
      const rnd = seededRandom("caps", seed);
      const c = campaign(1 + Math.floor(rnd() * 30), 20 + Math.floor(rnd() * 200));
      const { leads, states } = randomState(seed, c, 400);
      const state = { leads: states };
      const kept = JSON.parse(JSON.stringify(summarizeStatus(c, state, leads, 7, T))) as ReturnType<typeof summarizeStatus>;
      // Not a vacuous comparison: leads of every kind, a next send, sends against the caps.
      const now = statusAt(c, kept, T);
      expect(now.leads.notStarted * now.leads.waitingForFollowUp * now.leads.finished * now.leads.openForReplies).toBeGreaterThan(0);
      expect(now.nextDueAt).toEqual(expect.any(Number));
      expect(now.accounts.some((a) => a.sentLastHour > 0)).toBe(true);
      for (const later of [0, 1, 30 * MINUTE, 59 * MINUTE, 3 * HOUR, 20 * HOUR, DAY + 1, 3 * DAY]) {
        const t1 = T + later;
        expect(statusAt(c, kept, t1)).toEqual(statusAt(c, summarizeStatus(c, state, leads, 7, t1), t1));
      }
    });
  }

  it("counts what it should: sends in the last hour and 24 h, not those older or still ahead of the clock", () => {
    const c = campaign(20, 80);
    const sent = (t: number): StepRecord => ({ status: "sent", updatedAt: t, attempts: 1, sendingAt: t, sentAt: t });
    const states = new Map<string, LeadState>([
      ["1", { id: "1", account: "acc0", steps: { intro: sent(T - 30 * MINUTE) } }],
      ["2", { id: "2", account: "acc0", steps: { intro: sent(T - 5 * HOUR) } }],
      ["3", { id: "3", account: "acc0", steps: { intro: sent(T - 2 * DAY) } }],
      ["4", { id: "4", account: "acc1", steps: { intro: sent(T + 10 * MINUTE) } }],
    ]);
    const leads = [...states.keys()].map((id) => ({ id }));
    const kept = summarizeStatus(c, { leads: states }, leads, 0, T);
    expect(statusAt(c, kept, T).accounts.map((a) => [a.id, a.leads, a.sentLastHour, a.sentLast24h])).toEqual([
      ["acc0", 3, 1, 2],
      ["acc1", 1, 0, 0],
      ["acc2", 0, 0, 0],
    ]);
    // Twenty minutes on: lead 4's send (the clock that wrote it ran ahead) is in the last hour.
    expect(statusAt(c, kept, T + 20 * MINUTE).accounts[1]).toMatchObject({ sentLastHour: 1, sentLast24h: 1 });
  });
});

describe("status summary: where each lead stands, as a person reads it", () => {
  it("a lead bound to an account whose first message has not gone out is not started, not waiting for a follow-up", () => {
    const c = campaign(20, 80);
    const at = T - HOUR;
    const states = new Map<string, LeadState>([
      ["1", { id: "1", account: "acc0", steps: { intro: { status: "sending", updatedAt: at, attempts: 1, sendingAt: at } } }],
      ["2", { id: "2", account: "acc1", steps: { intro: { status: "pending", updatedAt: at, attempts: 1 } } }],
      ["3", { id: "3", account: "acc0", steps: { intro: { status: "sent", updatedAt: at, attempts: 1, sendingAt: at, sentAt: at } } }],
    ]);
    const leads = ["1", "2", "3", "4"].map((id) => ({ id }));
    const report = statusAt(c, summarizeStatus(c, { leads: states }, leads, 0, T), T);
    expect(report.leads).toMatchObject({ total: 4, notStarted: 3, waitingForFollowUp: 1 });
    expect(report.steps[0]).toMatchObject({ stepId: "intro", sent: 1, pending: 3 });
    // Their accounts still count them for the next send (caps and gaps): the next send is now.
    expect(report.nextDueAt).toBeGreaterThanOrEqual(T);
  });
});

describe("status summary: the next send counts reply steps", () => {
  it("a reply step due in minutes is the next send, not a follow-up two days away (a tester saw 'in 1d 23h' with 29 thank-yous due)", () => {
    const c = campaign(20, 80);
    const sent = (t: number): StepRecord => ({ status: "sent", updatedAt: t, attempts: 1, sendingAt: t, sentAt: t });
    const states = new Map<string, LeadState>([
      ["1", { id: "1", account: "acc0", steps: { intro: sent(T - DAY) } }], // its nudge: due T + DAY
      ["2", { id: "2", account: "acc1", steps: { intro: sent(T - DAY) }, reply: { at: T - 5 * MINUTE, text: "sounds good", messageId: "in2", via: "events" } }],
    ]);
    const leads = [{ id: "1" }, { id: "2" }];
    const at = (s: Map<string, LeadState>): number | null => statusAt(c, summarizeStatus(c, { leads: s }, leads, 0, T), T).nextDueAt;
    // The thank-you goes 10 minutes after the reply (replyStep's delay), inside the window (Fri 10:00 New York).
    expect(at(states)).toBe(T + 5 * MINUTE);
    // Sent, opted out, awaiting review, or not matching: no reply step left, the follow-up is next.
    const without = (patch: Partial<LeadState>): Map<string, LeadState> => new Map([...states, ["2", { ...states.get("2")!, ...patch }]]);
    const nudge = at(without({ steps: { intro: sent(T - DAY), "thank-you": sent(T - MINUTE) } }));
    expect(nudge).toBeGreaterThanOrEqual(T + DAY);
    expect(at(without({ optedOut: true }))).toBe(nudge);
    expect(at(without({ review: { at: T, reason: "may be an opt-out" } }))).toBe(nudge);
    const matching = makeCampaign({ ...c, replySteps: [replyStep({ match: "^yes" })] });
    expect(statusAt(matching, summarizeStatus(matching, { leads: states }, leads, 0, T), T).nextDueAt).toBe(nudge);
  });
});

describe("status summary: one pass, each lead read once", () => {
  for (const seed of ["g", "h", "i", "j"]) {
    it(`equals the summary made by a pass per figure (seed ${seed}), reading each CSV lead's state once and never get()`, () => {
      const c = campaign(10, 100);
      const { leads, states } = randomState(seed, c, 600);
      // Some failures beyond the 20 named per reason, and skipped first steps beyond the 50 named.
      for (const [i, s] of [...states.values()].entries()) {
        if (i % 3 === 0) s.steps.nudge = { status: "failed", updatedAt: T, attempts: 3, reason: "DMs closed" };
        if (i % 4 === 1) s.steps.intro = { status: "skipped", updatedAt: T, attempts: 0, reason: "already in conversation" };
      }
      const reads = new Map<string, number>();
      const view = {
        size: states.size,
        get: (): LeadState | undefined => {
          throw new Error("get() keeps the lead: the pass must peek");
        },
        peek: (id: string): LeadState | undefined => {
          reads.set(id, (reads.get(id) ?? 0) + 1);
          return states.get(id);
        },
      };
      const made = summarizeStatus(c, { leads: view }, leads, 3, T);
      expect(made).toEqual(referenceSummary(c, { leads: states }, leads, 3, T));
      expect(made.report.failures[0]!.count).toBeGreaterThan(20);
      expect(made.report.notContactedCount).toBeGreaterThan(50);
      expect([...reads.values()].every((n) => n === 1)).toBe(true);
      expect(reads.size).toBe(leads.length);
    });
  }
});

/** The summary as it was made before the one-pass tallies: a pass over the leads per figure (the oracle). */
function referenceSummary(
  campaign: Pick<Campaign, "name" | "stateFile" | "sequence" | "replySteps" | "accounts">,
  state: { leads: Pick<LeadMap, "get" | "size"> } | undefined,
  csvLeads: readonly StatusLead[],
  skippedRows: number,
  computedAt: number,
): StatusSummary {
  const stateOf = (id: string): LeadState | undefined => state?.leads.get(id);
  const states = csvLeads.map((l) => stateOf(l.id)).filter((s): s is LeadState => s !== undefined);
  const counts = countSteps(campaign, states, csvLeads.length);
  // Sends up to a day after computedAt count too: a clock that was ahead wrote them, and they come
  // into the last 24 h as `now` moves on.
  const work = remainingWork(campaign, csvLeads, stateOf, computedAt, { sendsFrom: computedAt - DAY, sendsTo: Number.POSITIVE_INFINITY });
  const contacted = states.filter((l) => Object.values(l.steps).some((s) => s.status === "sent")).length;
  const firstStep = campaign.sequence[0]?.id ?? "";
  const notContacted = states.flatMap((l) => {
    const rec = l.steps[firstStep];
    return rec?.status === "skipped" ? [{ leadId: l.id, reason: rec.reason ?? "skipped" }] : [];
  });
  const leadsPer = new Map<string, number>();
  for (const s of states) if (s.account) leadsPer.set(s.account, (leadsPer.get(s.account) ?? 0) + 1);
  return {
    computedAt,
    report: {
      campaign: campaign.name,
      stateFile: campaign.stateFile,
      started: state !== undefined && state.leads.size > 0,
      leads: {
        total: work.leads,
        // (Since: a lead bound to an account, its first message not sent, counts as not started.)
        notStarted: work.toStart.length + work.followUps.filter((f) => f.step === 0).length,
        waitingForFollowUp: work.followUps.filter((f) => f.step > 0).length,
        openForReplies: work.openForReplies,
        finished: work.finished,
        failed: work.failed,
      },
      skippedRows,
      leadsInState: state?.leads.size ?? 0,
      steps: counts.steps,
      contacted,
      replied: counts.replied,
      replyRate: contacted ? counts.replied / contacted : 0,
      optedOut: counts.optedOut,
      needsReview: leadsToReview(states),
      finished: counts.finished,
      failures: groupFailures(states),
      notContacted: notContacted.slice(0, 50),
      notContactedCount: notContacted.length,
      replySteps: counts.steps.filter((s) => s.kind === "reply").map(({ stepId, sent, skipped, failed, pending }) => ({ stepId, sent, skipped, failed, pending })),
    },
    accountLeads: campaign.accounts.map((a) => leadsPer.get(a) ?? 0),
    toStartZones: [...new Set(work.toStart.map((z) => z ?? null))],
    toStart: work.toStart.length,
    // (Since: a replied lead's next reply-step DM is offered beside the follow-ups, in CSV order.)
    followUps: earliestFollowUps(withReplySteps(campaign, csvLeads, stateOf, work.followUps)),
    recentSends: Object.fromEntries(work.recentSends),
  };
}
function groupFailures(states: readonly LeadState[]): StatusReport["failures"] {
  const failures = new Map<string, { count: number; leads: string[] }>();
  for (const lead of states) {
    for (const [stepId, rec] of Object.entries(lead.steps)) {
      if (rec.status !== "failed") continue;
      const key = `${stepId}: ${rec.reason ?? "unknown"}`;
      const f = failures.get(key) ?? { count: 0, leads: [] };
      f.count++;
      if (f.leads.length < 20) f.leads.push(lead.id);
      failures.set(key, f);
    }
  }
  return [...failures].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count);
}

function earliestFollowUps(followUps: RemainingWork["followUps"]): RemainingWork["followUps"] {
  const earliest = new Map<string, RemainingWork["followUps"][number]>();
  for (const f of followUps) {
    const key = `${f.account}\0${f.timezone ?? ""}`;
    const seen = earliest.get(key);
    if (!seen || f.dueAt < seen.dueAt) earliest.set(key, f);
  }
  return [...earliest.values()];
}

/** The follow-ups, with each replied lead's next reply-step DM (as a send after the last sequence step) in CSV order. */
function withReplySteps(
  campaign: Pick<Campaign, "sequence" | "replySteps">,
  csvLeads: readonly StatusLead[],
  stateOf: (id: string) => LeadState | undefined,
  followUps: RemainingWork["followUps"],
): RemainingWork["followUps"] {
  const byLead = new Map(followUps.map((f) => [f.leadId, f]));
  const matchers = replyStepMatchers(campaign.replySteps);
  const out: RemainingWork["followUps"] = [];
  for (const lead of csvLeads) {
    const f = byLead.get(lead.id);
    if (f) out.push(f);
    const state = stateOf(lead.id);
    const due = state?.account ? nextReplyStepDue(campaign.replySteps, matchers, state) : undefined;
    if (state?.account && due !== undefined) out.push({ leadId: lead.id, step: campaign.sequence.length, dueAt: due, account: state.account, ...(lead.timezone ? { timezone: lead.timezone } : {}) });
  }
  return out;
}
