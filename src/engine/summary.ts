/** Campaign figures derived from the state: the engine's final summary and `outreach status` share them. */
import type { Campaign } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { RunSummary, StepCounts } from "./events.js";
import type { EngineDeps } from "./ports.js";

/**
 * The run's final summary. Counts the state of every lead of the CSV (`leadsById`, and `alsoCounted`) in one reading pass
 * over the store: a run's idle leads are decoded one at a time and let go (state/lead-map.ts), never
 * all held at once (1,000,000 leads as objects would be ~600 MB).
 */
export function summarize(
  deps: Pick<EngineDeps, "campaign" | "store" | "clock">,
  leadsById: ReadonlyMap<string, unknown>,
  startedAt: number,
  sentThisRun: number,
  nextDueAt: number | undefined,
  pausedReason: string | undefined,
  alsoCounted: readonly string[] = [],
): RunSummary {
  const counted = alsoCounted.length === 0 ? leadsById : new Set([...leadsById.keys(), ...alsoCounted]);
  const counts = countSteps(deps.campaign, statesOf(deps.store.leads(), counted), counted.size);
  return {
    startedAt,
    endedAt: deps.clock.now(),
    sentThisRun,
    ...counts,
    ...(nextDueAt !== undefined ? { nextDueAt } : {}),
    ...(pausedReason !== undefined ? { pausedReason } : {}),
  };
}

/** The states of the leads in `counted`, as the store's pass reads them. */
function* statesOf(states: Iterable<LeadState>, counted: { has(id: string): boolean }): Generator<LeadState> {
  for (const state of states) if (counted.has(state.id)) yield state;
}

/**
 * The suppressed CSV rows (EngineDeps.suppressedIds) whose lead this campaign finished: still its
 * leads in the counts (an opt-out appends the lead to the suppression file), as `outreach status` has them.
 */
export function finishedSuppressed(deps: Pick<EngineDeps, "suppressedIds" | "store">, leadsById: ReadonlyMap<string, unknown>): string[] {
  return (deps.suppressedIds ?? []).filter((id) => !leadsById.has(id) && deps.store.lead(id)?.finishedAt !== undefined);
}

/** Per-step and per-lead counts over `states`; leads with no state yet count as pending. */
export function countSteps(
  campaign: Pick<Campaign, "sequence" | "replySteps">,
  states: Iterable<LeadState>,
  leadCount: number,
): StepTotals {
  const tally = new StepTally(campaign);
  for (const state of states) tally.add(state);
  return tally.totals(leadCount);
}

/** What `countSteps` gives: the run summary's counts. */
export type StepTotals = Omit<RunSummary, "startedAt" | "endedAt" | "sentThisRun" | "nextDueAt" | "pausedReason">;

/**
 * `countSteps` a lead at a time, for a pass that reads each lead once and lets it go (`outreach
 * status` over 100,000 leads): `add` every lead that has a state, then `totals` with the CSV's count.
 */
export class StepTally {
  private readonly steps: StepCounts[];
  private readonly byId: Map<string, StepCounts>;
  private finished = 0;
  private replied = 0;
  private optedOut = 0;
  private needsReview = 0;
  private failedLeads = 0;
  private seen = 0;

  constructor(campaign: Pick<Campaign, "sequence" | "replySteps">) {
    this.steps = [...campaign.sequence.map((s) => blank(s.id, "sequence")), ...campaign.replySteps.map((s) => blank(s.id, "reply"))];
    this.byId = new Map(this.steps.map((s) => [s.stepId, s]));
  }

  add(state: LeadState): void {
    this.seen++;
    if (state.finishedAt !== undefined) this.finished++;
    if (state.reply) this.replied++;
    if (state.optedOut) this.optedOut++;
    if (state.review) this.needsReview++;
    if (state.finishReason === "failed") this.failedLeads++;
    if (state.reply?.afterStep) {
      const c = this.byId.get(state.reply.afterStep);
      if (c) c.replies++;
    }
    for (const c of this.steps) {
      const st = state.steps[c.stepId]?.status;
      if (st === "sent") c.sent++;
      else if (st === "failed") c.failed++;
      else if (st === "skipped") c.skipped++;
      else if (state.finishedAt === undefined && (c.kind === "sequence" || state.reply)) c.pending++;
    }
  }

  /** The counts, `leadCount` leads in all: those never `add`ed are pending for every sequence step. */
  totals(leadCount: number): StepTotals {
    const steps = this.steps.map((c) => ({ ...c, pending: c.kind === "sequence" ? c.pending + leadCount - this.seen : c.pending }));
    return { leads: leadCount, finished: this.finished, replied: this.replied, optedOut: this.optedOut, needsReview: this.needsReview, failedLeads: this.failedLeads, steps };
  }
}

function blank(stepId: string, kind: "sequence" | "reply"): StepCounts {
  return { stepId, kind, sent: 0, failed: 0, skipped: 0, pending: 0, replies: 0 };
}
