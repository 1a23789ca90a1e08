/**
 * Why the engine is waiting, for the `waiting` event: what the next due work is (a follow-up, a
 * reply step, a retry, a reply window closing) or, for first messages, the window or the pacing.
 */
import type { EngineEvent } from "./events.js";
import type { WorkQueue } from "./work-queue.js";

type WaitEvent = Extract<EngineEvent, { type: "waiting" }>;

/** @param until the instant (epoch ms) the engine sleeps until. */
export function describeWait(queue: WorkQueue, until: number): Pick<WaitEvent, "reason" | "detail"> {
  const bound = queue.nextBoundAt();
  const next = queue.peekBound();
  if (bound !== undefined && next && Math.abs(bound - until) < 1) {
    switch (next.kind) {
      case "expire":
        return { reason: "replies", detail: "contacted leads stay open for replies (replies.keepOpenFor)" };
      case "reconcile":
        return { reason: "retry", detail: "checking an uncertain send again" };
      case "reply":
        return { reason: "follow-up", detail: "next reply step (its delay, window or pacing)" };
      case "sequence":
        return { reason: "follow-up", detail: next.index > 0 ? "next follow-up (its delay, window or pacing)" : "next first message" };
    }
  }
  const fresh = queue.nextFreshAt();
  if (fresh !== undefined && Math.abs(fresh - until) < 1) return { reason: "window", detail: "sending window closed" };
  if (fresh !== undefined) return { reason: "pacing", detail: "per-account pacing (caps and gaps)" };
  return { reason: "replies", detail: "leads are open for replies" };
}
