/** Small facts about step records shared by the step runner and the reconciler. */
import { InboxError } from "../inbox/errors.js";
import type { Campaign, ReplyStep } from "../config/types.js";
import type { LeadState, StepRecord } from "../state/types.js";
import type { ServerTime } from "./ports.js";

export function actionsKey(stepId: string): string {
  return `${stepId}:actions`;
}

export function hasActions(step: ReplyStep): boolean {
  const a = step.actions;
  return a.status !== undefined || a.tags.length > 0 || a.assignTo !== undefined || a.markDone === true;
}

/**
 * The ids of the steps whose records are DMs: every sequence step and each reply step with a template.
 * A reply step's `<id>:actions` record, and an actions-only reply step, go through `sending`/`sent` like a
 * send but put no message in a thread — they must not count against caps or as messages sent.
 */
export function messageStepIds(campaign: Pick<Campaign, "sequence" | "replySteps">): Set<string> {
  return new Set([...campaign.sequence.map((s) => s.id), ...campaign.replySteps.filter((s) => s.template !== undefined).map((s) => s.id)]);
}

/**
 * When each of the lead's DMs went out (epoch ms, `sentAt`), or began going out for one still in flight
 * (`sendingAt`): what the per-account caps count. `messageSteps` comes from `messageStepIds`.
 */
export function messageTimes(state: LeadState, messageSteps: ReadonlySet<string>): number[] {
  const times: number[] = [];
  for (const stepId of Object.keys(state.steps)) {
    if (!messageSteps.has(stepId)) continue;
    const rec = state.steps[stepId]!;
    const at = rec.sentAt ?? (rec.status === "sending" ? rec.sendingAt : undefined);
    if (at !== undefined) times.push(at);
  }
  return times;
}

export function isSettled(rec: StepRecord | undefined): boolean {
  return rec?.status === "sent" || rec?.status === "failed" || rec?.status === "skipped";
}

/** A step record without the fields that only describe an in-flight attempt. */
export function stripSending(rec: StepRecord | undefined): Omit<StepRecord, "status" | "updatedAt" | "attempts"> {
  if (!rec) return {};
  const { sendingAt: _s, serverSendingAt: _ss, contentHash: _h, status: _st, updatedAt: _u, attempts: _a, ...rest } = rec;
  return rest;
}

/**
 * When the record's attempt (or, for a step sent without one, its send) began, on the API server's
 * clock (epoch ms): measured when it was recorded, else converted with today's measurement.
 */
export function attemptServerAt(rec: StepRecord, serverTime: ServerTime): number | undefined {
  if (rec.serverSendingAt !== undefined) return rec.serverSendingAt;
  const local = rec.sendingAt ?? rec.sentAt;
  return local === undefined ? undefined : serverTime.toServer(local);
}

export function isAccountProblem(err: InboxError): boolean {
  return /ACCOUNT_LINK|accountLink/i.test(err.code ?? "");
}

export function describeError(err: unknown): string {
  if (err instanceof InboxError) {
    const status = err.status !== undefined ? `${err.status}` : err.name;
    const code = err.code ? ` ${err.code}` : "";
    return `${status}${code}: ${err.serverMessage ?? err.message}`;
  }
  return String(err);
}
