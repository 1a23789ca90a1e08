/**
 * Deciding what happened to a send that was recorded as `sending` but never confirmed (the run was
 * killed, the request timed out, the connection dropped). The caller fetches the thread and its newest
 * messages; this pure function decides. Nothing is ever re-sent on a `sending` record without it.
 *
 * Nothing here compares a time of this machine's clock with one of the API's: a client clock minutes
 * off once turned every lost response into a duplicate. Two rules, both in the API's own terms:
 *  1. Identity: when the thread shows a message this lead already got from us (an earlier step's
 *     message id), a matching message NEWER than it is this attempt — clocks play no part.
 *  2. Otherwise (the first step, or that message is beyond the pages read): a matching message created
 *     no earlier than the attempt's start as the SERVER's clock showed it (`serverSendingAt`, measured
 *     when the attempt was recorded: inbox/server-clock.ts), less SERVER_TIME_ALLOWANCE_MS.
 */
import type { Message, Thread } from "../inbox/types.js";
import { IllegalTransitionError } from "./transitions.js";
import type { StepRecord } from "./types.js";

export { applyTransition, assertLegalTransition, isStepDone, IllegalTransitionError } from "./transitions.js";

/**
 * How far before the attempt's start (server clock) a message may be stamped and still count as this
 * attempt. The start is converted with a measured offset (±1 s or better), so this only has to cover an
 * API whose servers disagree among themselves; it still excludes an identical text sent in an older run.
 */
export const SERVER_TIME_ALLOWANCE_MS = 5 * 60_000;

export type ReconciliationDecision = { outcome: "delivered"; messageId: string; sentAt: number } | { outcome: "not-delivered" };

export interface ReconciliationContext {
  /** Ids of messages this lead already got from us in this campaign (its other steps' messageId). */
  knownMessageIds: ReadonlySet<string>;
  /**
   * Epoch ms on the API server's clock when the attempt began: the record's `serverSendingAt`, else
   * its `sendingAt` converted with the offset measured now (identity when nothing was measured).
   */
  attemptServerAt: number;
}

/**
 * Delivered iff the thread holds a message authored by our account link (`authorId === accountLinkId`)
 * whose content hashes to `record.contentHash` and that is this attempt by one of the two rules above;
 * `sentAt` is the message's `createdAt` (server clock, epoch ms). The prospect quoting our text back does
 * not count (different author). No thread → not delivered: quick send creates the thread with the first
 * message, so a missing thread proves nothing arrived.
 *
 * Limit: only `recentMessages` are inspected. If they reach back neither to a known message nor past
 * the cutoff (more than a page of newer messages), the caller must fetch further pages before deciding,
 * or a delivered message is judged undelivered and re-sent: `reachesBack` tells it when to stop.
 * @throws IllegalTransitionError for a record that is not `sending` with a content hash (a caller bug).
 */
export function decideReconciliation(
  record: StepRecord,
  thread: Thread | null,
  recentMessages: Message[],
  accountLinkId: string,
  contentHash: (text: string) => string,
  ctx: ReconciliationContext,
): ReconciliationDecision {
  if (record.status !== "sending" || record.sendingAt === undefined || record.contentHash === undefined) {
    throw new IllegalTransitionError(record.status, "sent", "only a sending record with sendingAt and contentHash can be reconciled");
  }
  if (thread === null) return { outcome: "not-delivered" };
  const after = anchorOf(recentMessages, ctx);
  const cutoff = after ?? ctx.attemptServerAt - SERVER_TIME_ALLOWANCE_MS;
  let best: { messageId: string; sentAt: number } | undefined;
  for (const m of recentMessages) {
    // Deliberately no other filter (threadId, deletedAt, origin): every extra condition is a way to
    // call a delivered message undelivered, and that error re-sends; the opposite error only skips.
    if (m.authorId !== accountLinkId || ctx.knownMessageIds.has(m.id)) continue;
    const at = Date.parse(m.createdAt);
    // Stamped in the same millisecond as the anchor counts as after it: wrongly "delivered" only skips.
    if (!Number.isFinite(at) || at < cutoff) continue;
    if (contentHash(m.content) !== record.contentHash) continue;
    // The earliest match is this attempt; a later identical one would be a duplicate, not the original.
    if (best === undefined || at < best.sentAt) best = { messageId: m.id, sentAt: at };
  }
  return best ? { outcome: "delivered", ...best } : { outcome: "not-delivered" };
}

/** True when `messages` (any order) reach a known message or one created before the cutoff: paging further cannot find this attempt. */
export function reachesBack(messages: Message[], ctx: ReconciliationContext): boolean {
  if (anchorOf(messages, ctx) !== undefined) return true;
  const cutoff = ctx.attemptServerAt - SERVER_TIME_ALLOWANCE_MS;
  return messages.some((m) => Date.parse(m.createdAt) < cutoff);
}

/** createdAt (server ms) of the newest message of ours already known, when the page holds one. */
function anchorOf(messages: Message[], ctx: ReconciliationContext): number | undefined {
  let anchor: number | undefined;
  for (const m of messages) {
    if (!ctx.knownMessageIds.has(m.id)) continue;
    const at = Date.parse(m.createdAt);
    if (Number.isFinite(at) && (anchor === undefined || at > anchor)) anchor = at;
  }
  return anchor;
}
