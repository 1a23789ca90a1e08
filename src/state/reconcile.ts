/**
 * Deciding what happened to a send that was recorded as `sending` but never confirmed (the run was
 * killed, the request timed out, the connection dropped). The caller fetches the thread and its newest
 * messages; this pure function decides. Nothing is ever re-sent on a `sending` record without it.
 */
import type { Message, Thread } from "../inbox/types.js";
import { IllegalTransitionError } from "./transitions.js";
import type { StepRecord } from "./types.js";

export { applyTransition, assertLegalTransition, isStepDone, IllegalTransitionError } from "./transitions.js";

/**
 * How far before `sendingAt` a message may be stamped and still count as this attempt. `sendingAt`
 * is our clock, `createdAt` is the API's: if our clock runs ahead of theirs, a message we sent right
 * after recording `sending` carries an earlier timestamp than `sendingAt`. Five minutes covers any
 * sane NTP-less drift, while still excluding an identical text sent in an older campaign run.
 */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60_000;

export type ReconciliationDecision = { outcome: "delivered"; messageId: string; sentAt: number } | { outcome: "not-delivered" };

/**
 * Delivered iff the thread holds a message authored by our account link (`authorId === accountLinkId`)
 * whose content hashes to `record.contentHash`, created no earlier than `sendingAt − CLOCK_SKEW_ALLOWANCE_MS`.
 * The prospect quoting our text back does not count (different author). No thread → not delivered:
 * quick send creates the thread with the first message, so a missing thread proves nothing arrived.
 *
 * Limit: only `recentMessages` are inspected. If the newest page does not reach back to
 * `sendingAt − CLOCK_SKEW_ALLOWANCE_MS` (the thread got more than a page of newer messages), the caller
 * must fetch further pages before deciding, or a delivered message is judged undelivered and re-sent.
 * `reachesBack` below tells the caller whether it has fetched far enough.
 */
export function decideReconciliation(
  record: StepRecord,
  thread: Thread | null,
  recentMessages: Message[],
  accountLinkId: string,
  contentHash: (text: string) => string,
): ReconciliationDecision {
  if (record.status !== "sending" || record.sendingAt === undefined || record.contentHash === undefined) {
    throw new IllegalTransitionError(record.status, "sent", "only a sending record with sendingAt and contentHash can be reconciled");
  }
  if (thread === null) return { outcome: "not-delivered" };
  const cutoff = record.sendingAt - CLOCK_SKEW_ALLOWANCE_MS;
  let best: { messageId: string; sentAt: number } | undefined;
  for (const m of recentMessages) {
    // Deliberately no other filter (threadId, deletedAt, origin): every extra condition is a way to
    // call a delivered message undelivered, and that error re-sends; the opposite error only skips.
    if (m.authorId !== accountLinkId) continue;
    const at = Date.parse(m.createdAt);
    if (!Number.isFinite(at) || at < cutoff) continue;
    if (contentHash(m.content) !== record.contentHash) continue;
    // The earliest match is this attempt; a later identical one would be a duplicate, not the original.
    if (best === undefined || at < best.sentAt) best = { messageId: m.id, sentAt: at };
  }
  return best ? { outcome: "delivered", ...best } : { outcome: "not-delivered" };
}

/** True when `messages` (any order) include one created before the reconciliation cutoff, i.e. paging further cannot find this attempt. */
export function reachesBack(record: StepRecord, messages: Message[]): boolean {
  if (record.sendingAt === undefined) return true;
  const cutoff = record.sendingAt - CLOCK_SKEW_ALLOWANCE_MS;
  return messages.some((m) => Date.parse(m.createdAt) < cutoff);
}
