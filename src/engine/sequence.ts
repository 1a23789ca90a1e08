/** Pure sequence decisions: where a lead stands, and which work goes first in an account's lane. */
import type { ReplyStep, SequenceStep } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { Work } from "./work-queue.js";

export type SequencePosition =
  | { kind: "start"; index: number }
  | { kind: "due"; index: number; at: number }
  | { kind: "done"; lastSentAt: number }
  | { kind: "failed" };

/** Where a lead stands in the no-reply sequence, from its step records alone. */
export function nextSequenceWork(
  sequence: readonly SequenceStep[],
  steps: Readonly<Record<string, { status: string; sentAt?: number }>>,
): SequencePosition {
  let lastSentAt: number | undefined;
  for (const step of sequence) {
    const rec = steps[step.id];
    if (rec?.status === "failed") return { kind: "failed" };
    if (rec?.status === "sent" || rec?.status === "skipped") {
      if (rec.status === "sent") lastSentAt = rec.sentAt ?? lastSentAt;
      continue;
    }
    if (step.index === 0 || lastSentAt === undefined) return { kind: "start", index: step.index };
    return { kind: "due", index: step.index, at: lastSentAt + step.afterMs };
  }
  return { kind: "done", lastSentAt: lastSentAt ?? 0 };
}

/** Lane priority (0 first): settle uncertain sends, then reply steps, follow-ups, and new leads last. */
export function priorityOf(work: Work): number {
  switch (work.kind) {
    case "reconcile":
      return 1;
    case "reply":
      return 2;
    case "sequence":
      return work.index === 0 ? 6 : 3;
    case "expire":
      return 9;
  }
}

/**
 * When the lead's next reply-step DM falls due (epoch ms, on the reply's own clock: its `at` plus the
 * step's delay), or undefined when none will go: no reply, opted out, awaiting review, finished, or every
 * reply step with a template settled (sent, failed, skipped) or not matching the reply. What
 * ReplyHandler.pendingReplyWork queues, for the projections of what remains (`outreach status`).
 * `matchers`: each step's `match` compiled as the handler compiles it (see `replyStepMatchers`).
 */
export function nextReplyStepDue(
  replySteps: readonly ReplyStep[],
  matchers: ReadonlyMap<string, RegExp>,
  state: Pick<LeadState, "reply" | "optedOut" | "review" | "finishedAt" | "steps">,
): number | undefined {
  const reply = state.reply;
  if (!reply || state.optedOut || state.review || state.finishedAt !== undefined) return undefined;
  let due: number | undefined;
  for (const step of replySteps) {
    if (step.template === undefined) continue;
    const rec = state.steps[step.id];
    if (rec && rec.status !== "pending" && rec.status !== "sending") continue;
    if (matchers.get(step.id)?.test(reply.text) === false) continue;
    const at = reply.at + step.delayMs;
    if (due === undefined || at < due) due = at;
  }
  return due;
}

/** Each reply step's `match`, compiled as the reply handler tests it (case-insensitive, Unicode). */
export function replyStepMatchers(replySteps: readonly ReplyStep[]): Map<string, RegExp> {
  const out = new Map<string, RegExp>();
  for (const step of replySteps) if (step.match !== undefined) out.set(step.id, new RegExp(step.match, "iu"));
  return out;
}
