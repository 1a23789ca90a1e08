/** Campaign figures derived from the state: the engine's final summary and `outreach status` share them. */
import type { Campaign } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { RunSummary, StepCounts } from "./events.js";
import type { EngineDeps } from "./ports.js";

/**
 * The run's final summary. Counts the state of every lead of the CSV (`leadsById`) in one reading pass
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
): RunSummary {
  const counts = countSteps(deps.campaign, statesOf(deps.store.leads(), leadsById), leadsById.size);
  return {
    startedAt,
    endedAt: deps.clock.now(),
    sentThisRun,
    ...counts,
    ...(nextDueAt !== undefined ? { nextDueAt } : {}),
    ...(pausedReason !== undefined ? { pausedReason } : {}),
  };
}

/** The states of the leads in `leadsById`, as the store's pass reads them. */
function* statesOf(states: Iterable<LeadState>, leadsById: ReadonlyMap<string, unknown>): Generator<LeadState> {
  for (const state of states) if (leadsById.has(state.id)) yield state;
}

/** Per-step and per-lead counts over `states`; leads with no state yet count as pending. */
export function countSteps(
  campaign: Pick<Campaign, "sequence" | "replySteps">,
  states: Iterable<LeadState>,
  leadCount: number,
): Omit<RunSummary, "startedAt" | "endedAt" | "sentThisRun" | "nextDueAt" | "pausedReason"> {
  const steps: StepCounts[] = [
    ...campaign.sequence.map((s) => blank(s.id, "sequence")),
    ...campaign.replySteps.map((s) => blank(s.id, "reply")),
  ];
  const byId = new Map(steps.map((s) => [s.stepId, s]));
  let finished = 0;
  let replied = 0;
  let optedOut = 0;
  let needsReview = 0;
  let failedLeads = 0;
  let seen = 0;
  for (const state of states) {
    seen++;
    if (state.finishedAt !== undefined) finished++;
    if (state.reply) replied++;
    if (state.optedOut) optedOut++;
    if (state.review) needsReview++;
    if (state.finishReason === "failed") failedLeads++;
    if (state.reply?.afterStep) {
      const c = byId.get(state.reply.afterStep);
      if (c) c.replies++;
    }
    for (const c of steps) {
      const st = state.steps[c.stepId]?.status;
      if (st === "sent") c.sent++;
      else if (st === "failed") c.failed++;
      else if (st === "skipped") c.skipped++;
      else if (state.finishedAt === undefined && (c.kind === "sequence" || state.reply)) c.pending++;
    }
  }
  // Leads never touched are pending for every sequence step.
  for (const c of steps) if (c.kind === "sequence") c.pending += leadCount - seen;
  return { leads: leadCount, finished, replied, optedOut, needsReview, failedLeads, steps };
}

function blank(stepId: string, kind: "sequence" | "reply"): StepCounts {
  return { stepId, kind, sent: 0, failed: 0, skipped: 0, pending: 0, replies: 0 };
}
