/**
 * The status summary from kept facts (engine/status-facts.ts) equals the summary from the leads' states
 * (engine/status-summary.ts summarizeStatus, with the CSV's rows and the suppression file applied as
 * platform/lead-roster.ts applies them) — over random states, suppression lists, bad zones, times of
 * asking, and leads the journal changed after the facts were kept (overrides) — also after the facts
 * went through their bytes.
 */
import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { factsPlan, leadFacts, StatusFacts, summarizeFacts, type FactsRows, type LeadFacts } from "../../../src/engine/status-facts.js";
import { summarizeStatus } from "../../../src/engine/status-summary.js";
import { applyRoster } from "../../../src/platform/lead-roster.js";
import { seededRandom } from "../../../src/sandbox/ids.js";
import type { LeadState, StepRecord } from "../../../src/state/types.js";
import { DAY, MINUTE, statusCampaign } from "./fakes.js";

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 13, 15, 0, 0);
const ZONES = ["Europe/London", "Asia/Tokyo", "America/Los_Angeles"];

function campaign(): Campaign {
  return statusCampaign(10, 100);
}

/** A random lead state: every kind the summary tells apart (see status-summary.test.ts). */
function randomLead(rnd: () => number, c: Campaign, id: string): LeadState | undefined {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)]!;
  if (rnd() < 0.2) return undefined;
  const at = T - Math.floor(rnd() * 3 * DAY) + (rnd() < 0.05 ? 2 * HOUR : 0);
  const sent = (t: number): StepRecord => ({ status: "sent", updatedAt: t, attempts: 1, sendingAt: t, sentAt: t, messageId: `m${id}_${t}` });
  const steps: Record<string, StepRecord> = { intro: sent(at) };
  if (rnd() < 0.4) steps.nudge = sent(at + Math.floor(rnd() * HOUR));
  if (rnd() < 0.08) steps.nudge = { status: "failed", updatedAt: at, attempts: 3, reason: pick(["not delivered after 3 attempts (500)", "DMs closed"]) };
  if (rnd() < 0.05) steps.intro = { status: "skipped", updatedAt: at, attempts: 0, reason: pick(["already in conversation", "claimed by another campaign"]) };
  if (rnd() < 0.05) steps.intro = { status: "sending", updatedAt: at, attempts: 1, sendingAt: at };
  if (rnd() < 0.04) steps.other = { status: pick(["sent", "failed"] as const), updatedAt: at, attempts: 1, sentAt: at, reason: "not in this campaign" };
  const state: LeadState = { id, steps };
  if (rnd() < 0.93) state.account = pick([...c.accounts, "gone-account"]);
  if (rnd() < 0.1) state.reply = { at: at + HOUR, text: `reply ${id}`, messageId: `in${id}`, via: "events", ...(rnd() < 0.7 ? { afterStep: pick(["intro", "nudge", "thank-you"]) } : {}) };
  if (rnd() < 0.05) state.steps["thank-you"] = sent(at + 2 * HOUR);
  if (rnd() < 0.04) state.review = { at: at + Math.floor(rnd() * 3) * HOUR, reason: "may be an opt-out" };
  if (rnd() < 0.12) {
    state.finishedAt = at + HOUR;
    state.finishReason = pick(["completed", "opted-out", "failed", "replied"]);
    if (state.finishReason === "opted-out") state.optedOut = true;
  }
  if (rnd() < 0.03) state.steps = { intro: { status: "pending", updatedAt: at, attempts: 1 } };
  return state;
}

function world(seed: string, n: number): { c: Campaign; rows: FactsRows; states: Map<string, LeadState>; suppressed: Set<string> } {
  const rnd = seededRandom("facts", seed);
  const c = campaign();
  const ids: string[] = [];
  const zones: number[] = [];
  const states = new Map<string, LeadState>();
  const suppressed = new Set<string>();
  for (let i = 0; i < n; i++) {
    const id = String(1_000_000_000 + i);
    ids.push(id);
    const z = rnd();
    zones.push(z < 0.05 ? -2 : z < 0.35 ? -1 : Math.floor(rnd() * ZONES.length));
    const state = randomLead(rnd, c, id);
    if (state) states.set(id, state);
    if (rnd() < 0.07) suppressed.add(id);
  }
  // Leads in the state but not in the CSV, and a suppressed id in no row.
  states.set("42", { id: "42", account: "acc0", steps: {} });
  suppressed.add("7");
  return { c, rows: { ids, zones, zoneNames: ZONES, otherSkipped: 3 }, states, suppressed };
}

function factsOf(c: Campaign, rows: FactsRows, states: ReadonlyMap<string, LeadState>): StatusFacts {
  const plan = factsPlan(c);
  const facts = new StatusFacts(rows.ids.length, plan.stepIds.length);
  rows.ids.forEach((id, r) => {
    const s = states.get(id);
    facts.push(r, s && leadFacts(plan, s));
  });
  return facts;
}

function expected(c: Campaign, rows: FactsRows, states: ReadonlyMap<string, LeadState>, suppressed: ReadonlySet<string>, at: number) {
  const { leads, skippedRows } = applyRoster({ ...rows, ids: [...rows.ids], zones: [...rows.zones], zoneNames: [...rows.zoneNames] }, suppressed, (id) => states.get(id));
  return summarizeStatus(c, { leads: states }, leads, skippedRows, at);
}

describe("summarizeFacts equals summarizeStatus", () => {
  for (const seed of ["a", "b", "c", "d", "e"]) {
    it(`random states, suppression and zones (seed ${seed}), at several times, through the facts' bytes`, () => {
      const { c, rows, states, suppressed } = world(seed, 700);
      const facts = factsOf(c, rows, states);
      const { columns, json } = facts.toBytes();
      const reread = StatusFacts.fromBytes(rows.ids.length, factsPlan(c).stepIds.length, columns, json);
      for (const at of [T, T + 30 * MINUTE, T + DAY + 1, T - 2 * DAY]) {
        const want = expected(c, rows, states, suppressed, at);
        const ctx = { campaign: c, leadsInState: states.size, suppressed, computedAt: at };
        expect(summarizeFacts(ctx, rows, facts)).toEqual(want);
        expect(summarizeFacts(ctx, rows, reread)).toEqual(want);
      }
      // Not vacuous: every branch of the summary has leads in it.
      const s = expected(c, rows, states, suppressed, T).report;
      expect(s.leads.notStarted * s.leads.waitingForFollowUp * s.leads.openForReplies * s.leads.finished * s.leads.failed).toBeGreaterThan(0);
      expect(s.needsReview.length * s.failures.length * s.notContactedCount * s.optedOut * s.skippedRows).toBeGreaterThan(0);
    });
  }

  it("rows the journal changed since the facts were kept (overrides: new states, states gone) count as their new states", () => {
    const { c, rows, states, suppressed } = world("journal", 500);
    const facts = factsOf(c, rows, states);
    const rnd = seededRandom("journal-changes");
    const now = new Map(states);
    const override = new Map<number, LeadFacts | undefined>();
    const plan = factsPlan(c);
    for (let r = 0; r < rows.ids.length; r += 1 + Math.floor(rnd() * 6)) {
      const id = rows.ids[r]!;
      const changed = randomLead(rnd, c, id);
      if (changed) now.set(id, changed);
      else now.delete(id);
      override.set(r, changed && leadFacts(plan, changed));
    }
    expect(override.size).toBeGreaterThan(100);
    const ctx = { campaign: c, leadsInState: now.size, suppressed, computedAt: T };
    expect(summarizeFacts(ctx, rows, facts, override)).toEqual(expected(c, rows, now, suppressed, T));
    // And a row read back as one object gives the same facts as its state.
    for (let r = 0; r < 50; r++) {
      const s = states.get(rows.ids[r]!);
      expect(facts.at(r)).toEqual(s && { ...leadFacts(plan, s), rare: leadFacts(plan, s).rare });
    }
  });

  it("facts bytes of another shape are refused", () => {
    const { c, rows, states } = world("shape", 50);
    const { columns, json } = factsOf(c, rows, states).toBytes();
    const steps = factsPlan(c).stepIds.length;
    expect(() => StatusFacts.fromBytes(51, steps, columns, json)).toThrow();
    expect(() => StatusFacts.fromBytes(50, steps, columns.subarray(0, columns.length - 8), json)).toThrow();
    expect(StatusFacts.fromBytes(50, steps, columns, json).rows).toBe(50);
  });
});
