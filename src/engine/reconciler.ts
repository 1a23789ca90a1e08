/**
 * Settles a send whose outcome is unknown (a `sending` record after a crash, or a timeout, lost
 * connection or 5xx) from what the API shows: the thread between the account and the lead, and its
 * messages since the attempt. Delivered iff a message from our account with the same content hash
 * is newer than the last message of ours we know of, or was created after the attempt began by the
 * server's clock (state/reconcile.ts decides); never by sending again to see.
 */
import { AuthError, InboxError } from "../inbox/errors.js";
import type { Message } from "../inbox/types.js";
import { contentHash } from "../render/content-hash.js";
import { decideReconciliation, reachesBack, type ReconciliationContext } from "../state/reconcile.js";
import type { LeadState, StepRecord } from "../state/types.js";
import type { EngineEvent } from "./events.js";
import { serverTimeOf, type EngineDeps } from "./ports.js";
import { attemptServerAt, stripSending } from "./step-records.js";
import { isStopAbort } from "./stopping.js";

export type ReconcileOutcome = { kind: "delivered"; messageId: string; threadId: string } | { kind: "not-delivered" } | { kind: "unknown" };

/** Pages of 50 read back at most: the attempt is minutes old, so more means a very busy thread. */
const MAX_PAGES = 5;

/** Records the outcome (`sent` or back to `pending`) and returns it; "unknown" when the API could not be read (the record stays `sending`). */
export async function reconcileSend(
  deps: EngineDeps,
  emit: (e: EngineEvent) => void,
  leadId: string,
  stepId: string,
  account: string | undefined,
): Promise<ReconcileOutcome> {
  const { store, api, gate, clock } = deps;
  const lead = store.lead(leadId);
  const rec = lead?.steps[stepId];
  if (!lead || !rec) return { kind: "not-delivered" };
  const ctx = reconciliationContext(deps, lead, stepId, rec);
  let result: Exclude<ReconcileOutcome, { kind: "unknown" }>;
  try {
    const thread = account
      ? await gate.schedule(() => api.lookupThread({ accountLinkId: account, externalPlatformId: leadId }), { priority: 1 })
      : null;
    const messages: Message[] = [];
    if (thread) {
      // Newest first; page back until the messages reach past the attempt.
      let page = await gate.schedule(() => api.listMessages(thread.id, { limit: 50 }), { priority: 1 });
      messages.push(...page.messages);
      for (let n = 1; n < MAX_PAGES && page.nextCursor && !reachesBack(messages, ctx); n++) {
        const cursor = page.nextCursor;
        page = await gate.schedule(() => api.listMessages(thread.id, { limit: 50, cursor }), { priority: 1 });
        messages.push(...page.messages);
      }
    }
    const decision = decideReconciliation(rec, thread, messages, account ?? "", contentHash, ctx);
    if (decision.outcome === "delivered" && thread) {
      result = { kind: "delivered", messageId: decision.messageId, threadId: thread.id };
      // createdAt is the server's clock; the record (and the follow-up it schedules) uses ours.
      const sentAt = serverTimeOf(deps).toLocal(decision.sentAt);
      await store.setStep(leadId, stepId, { ...rec, status: "sent", updatedAt: clock.now(), sentAt, messageId: decision.messageId });
      await store.patchLead(leadId, { threadId: thread.id });
    } else {
      result = { kind: "not-delivered" };
      await store.setStep(leadId, stepId, { ...stripSending(rec), status: "pending", updatedAt: clock.now(), attempts: rec.attempts });
    }
  } catch (err) {
    // Stopping: the record stays `sending` and the next run settles it.
    if (isStopAbort(err, deps.stop)) return { kind: "unknown" };
    if (!(err instanceof InboxError) || err instanceof AuthError) throw err;
    emit({ type: "reconcile.resolved", at: clock.now(), leadId, stepId, outcome: "unknown" });
    return { kind: "unknown" };
  }
  emit({
    type: "reconcile.resolved",
    at: clock.now(),
    leadId,
    stepId,
    outcome: result.kind,
    ...(result.kind === "delivered" ? { messageId: result.messageId } : {}),
  });
  return result;
}

/**
 * What identifies this attempt in the thread: the messages of ours the lead got before it began (sent
 * no later than the attempt was recorded, on our own clock), and the attempt's start on the server's clock.
 */
function reconciliationContext(deps: EngineDeps, lead: LeadState, stepId: string, rec: StepRecord): ReconciliationContext {
  const knownMessageIds = new Set<string>();
  const began = rec.sendingAt ?? Number.POSITIVE_INFINITY;
  for (const [id, other] of Object.entries(lead.steps)) {
    if (id !== stepId && other.messageId !== undefined && (other.sentAt ?? Number.POSITIVE_INFINITY) <= began) knownMessageIds.add(other.messageId);
  }
  return { knownMessageIds, attemptServerAt: attemptServerAt(rec, serverTimeOf(deps)) ?? 0 };
}
