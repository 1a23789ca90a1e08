/** Small facts about step records shared by the step runner and the reconciler. */
import { InboxError } from "../inbox/errors.js";
import type { ReplyStep } from "../config/types.js";
import type { StepRecord } from "../state/types.js";
import type { ServerTime } from "./ports.js";

export function actionsKey(stepId: string): string {
  return `${stepId}:actions`;
}

export function hasActions(step: ReplyStep): boolean {
  const a = step.actions;
  return a.status !== undefined || a.tags.length > 0 || a.assignTo !== undefined || a.markDone === true;
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
