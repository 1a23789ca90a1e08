/**
 * What a run does before its loop: rebuild every account's recent sends (for the caps) and the
 * to-do list — from the CSV and the state alone, so no lead is forgotten whatever stopped the last run.
 */
import type { Lead } from "../leads/types.js";
import type { LeadState } from "../state/types.js";
import type { EngineDeps } from "./ports.js";
import { ReplyHandler } from "./reply-handler.js";
import { nextSequenceWork } from "./sequence.js";
import { messageStepIds, messageTimes, stripSending } from "./step-records.js";
import type { WorkQueue } from "./work-queue.js";

export interface PlanContext {
  deps: EngineDeps;
  leads: Iterable<Lead>;
  queue: WorkQueue;
  replies: ReplyHandler;
  /** Leads assigned per account, for balancing new leads; filled here from the state. */
  load: Map<string, number>;
}

/** Accounts' sends in the last 24 h go back into the pacer, so caps hold across restarts. */
export function restorePacing(ctx: PlanContext): void {
  const { deps, load } = ctx;
  const since = deps.clock.now() - 86_400_000;
  const times = new Map<string, number[]>();
  const messageSteps = messageStepIds(deps.campaign);
  for (const state of deps.store.leads()) {
    if (!state.account) continue;
    load.set(state.account, (load.get(state.account) ?? 0) + 1);
    for (const at of messageTimes(state, messageSteps)) {
      if (at >= since) {
        const list = times.get(state.account) ?? [];
        list.push(at);
        times.set(state.account, list);
      }
    }
  }
  for (const [account, list] of times) deps.pacing.restore(account, list.sort((x, y) => x - y));
}

/**
 * A lead whose account was removed from the campaign (accepted with --accept-changes): its thread is
 * that account's, so a follow-up or reply step from another account would open a second, cold
 * conversation — and sending from the removed account is what the user just asked us not to do.
 * Its unsent sequence steps are recorded as skipped with the reason, and it is finished; a reply that
 * still arrives is seen (an opt-out still reaches the suppression file).
 */
async function skipForRemovedAccount(ctx: PlanContext, state: LeadState, now: number): Promise<void> {
  const { deps, replies } = ctx;
  const reason = `its account ${state.account} was removed from the campaign; a follow-up from another account would start a new conversation`;
  let first: string | undefined;
  for (const step of deps.campaign.sequence) {
    const rec = state.steps[step.id];
    // Only steps never attempted: a record still `sending` was settled by reconciliation before planning.
    if (rec !== undefined && rec.status !== "pending") continue;
    first ??= step.id;
    await deps.store.setStep(state.id, step.id, { ...stripSending(rec), status: "skipped", updatedAt: now, attempts: rec?.attempts ?? 0, reason });
  }
  await replies.finish(state.id, state.reply ? ReplyHandler.finishReasonOf(state) : "skipped");
  if (first !== undefined) deps.emit({ type: "lead.skipped", at: now, leadId: state.id, stepId: first, reason });
}

/** --retry-failed: the lead's failed steps go back to pending (an explicit retry edge) and it reopens. */
async function reopenIfFailed(deps: EngineDeps, leadId: string, now: number): Promise<void> {
  const { store } = deps;
  const state = store.lead(leadId);
  if (!state || state.finishReason !== "failed") return;
  for (const [stepId, rec] of Object.entries(state.steps)) {
    if (rec.status !== "failed") continue;
    const { reason: _r, ...rest } = rec;
    await store.setStep(leadId, stepId, { ...rest, status: "pending", updatedAt: now });
    deps.emit({ type: "lead.retrying", at: now, leadId, stepId, previousReason: rec.reason ?? "unknown" });
  }
  await store.patchLead(leadId, { finishedAt: undefined, finishReason: undefined });
}

/** Builds the to-do list from the CSV and the state: every lead gets exactly one next piece of work. */
export async function planRun(ctx: PlanContext): Promise<{ toStart: number; inProgress: number; finished: number }> {
  const { deps, queue, replies } = ctx;
  const { store, campaign, clock } = deps;
  const now = clock.now();
  let toStart = 0;
  let inProgress = 0;
  let finished = 0;
  for (const lead of ctx.leads) {
    if (deps.options.retryFailed) await reopenIfFailed(deps, lead.id, now);
    const state = store.lead(lead.id);
    if (state?.finishedAt !== undefined) {
      finished++;
      continue;
    }
    if (state?.account !== undefined && !campaign.accounts.includes(state.account)) {
      await skipForRemovedAccount(ctx, state, now);
      finished++;
      continue;
    }
    if (state?.reply) {
      const pending = await replies.pendingReplyWork(state, now);
      if (pending.length === 0) {
        await replies.finish(lead.id, ReplyHandler.finishReasonOf(state));
        finished++;
      } else {
        for (const p of pending) queue.pushBound(p.work, p.at);
        inProgress++;
      }
      continue;
    }
    const next = nextSequenceWork(campaign.sequence, state?.steps ?? {});
    if (next.kind === "failed") {
      await replies.finish(lead.id, "failed");
      finished++;
    } else if (next.kind === "start" && !state?.account) {
      queue.pushFresh({ kind: "sequence", leadId: lead.id, index: 0 }, now, lead.position);
      toStart++;
    } else if (next.kind === "start" || next.kind === "due") {
      const at = next.kind === "due" ? next.at : now;
      queue.pushBound({ kind: "sequence", leadId: lead.id, index: next.index }, at);
      inProgress++;
    } else {
      // Every sequence step sent: open for replies until keepOpenFor has passed.
      queue.pushBound({ kind: "expire", leadId: lead.id }, next.lastSentAt + campaign.replies.keepOpenMs);
      replies.markOpen(lead.id);
      inProgress++;
    }
  }
  return { toStart, inProgress, finished };
}
