/**
 * Runs one piece of work for one lead: a sequence step, a reply step, or the reconciliation of an
 * uncertain send. The exactly-once protocol lives here:
 *   1. `sending` is written durably (with the content's hash) before the request leaves;
 *   2. on success, `sent` with the message id;
 *   3. on a 429 the request was never processed: back to `pending`, and every request is held;
 *   4. on a timeout, 5xx or lost connection the message MAY have been delivered: the thread is
 *      read back and the step is settled from what the API shows, never by sending again blindly.
 */
import type { ReplyStep, SequenceStep } from "../config/types.js";
import {
  AuthError,
  InboxError,
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  SendOutcomeUnknownError,
} from "../inbox/errors.js";
import type { Message } from "../inbox/types.js";
import type { Lead } from "../leads/types.js";
import { contentHash } from "../render/content-hash.js";
import type { LeadState } from "../state/types.js";
import type { EngineEvent } from "./events.js";
import type { EngineDeps } from "./ports.js";
import { reconcileSend } from "./reconciler.js";
import { isStopAbort } from "./stopping.js";
import type { ReplyHandler } from "./reply-handler.js";
import { actionsKey, describeError, hasActions, isAccountProblem, isSettled, stripSending } from "./step-records.js";
import { runReplyActions } from "./reply-actions.js";
import { checkFirstContact } from "./first-contact.js";
import type { Work } from "./work-queue.js";

export interface StepResult {
  messageSent?: boolean;
  /** Run the same work again at this instant. */
  retryAt?: number;
  /** Queue this work next. */
  next?: { work: Work; at: number };
  /** Pause the whole run with this reason. */
  pause?: string;
}

/**
 * A send proven undelivered after a transient failure (5xx, timeout) is attempted at most this many
 * times in total, with exponential backoff from 2 s capped at 60 s — the docs' recipe (rate-limit
 * page: exponential from 1 s, cap 60 s, 5 attempts), starting a little later because every retry
 * is preceded by a read of the thread.
 */
const MAX_ATTEMPTS = 5;
const TRANSIENT_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 60_000;

/** The team's lead claims unreachable (Redis away): ask again this much later. */
const CLAIM_RETRY_MS = 1_000;

/** When the API could not be read at all (the client already retried the read 5 times), look again this much later. */
const RECHECK_MS = 30_000;

/**
 * The wait after a 429 before the same work runs again: the server's Retry-After, but at least 1 s
 * (the docs' backoff starts at 1 s). A Retry-After of 0 or a date in the past would otherwise send
 * the same request again at once, and again, for as long as the server keeps refusing it.
 */
const MIN_RETRY_AFTER_MS = 1_000;

function retryAfter(err: RateLimitedError): number {
  return Math.max(MIN_RETRY_AFTER_MS, err.retryAfterMs);
}

function backoff(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, TRANSIENT_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

export class StepRunner {
  /** Failures of one kind in a row; any success resets it. */
  private streak = { kind: "", count: 0 };

  constructor(
    private readonly deps: EngineDeps,
    private readonly emit: (e: EngineEvent) => void,
    private readonly replies: ReplyHandler,
  ) {}

  /** Whether the work would send a DM (and so is subject to windows, caps and gaps). */
  sendsMessage(work: Work, state: LeadState): boolean {
    if (work.kind === "sequence") return true;
    if (work.kind !== "reply") return false;
    const step = this.replyStep(work.stepId);
    return step?.template !== undefined && state.steps[work.stepId]?.status !== "sent";
  }

  async run(work: Work, lead: Lead, account: string, isNew: boolean): Promise<StepResult> {
    switch (work.kind) {
      case "sequence":
        return this.runSequenceStep(lead, account, work.index, isNew);
      case "reply":
        return this.runReplyStep(lead, account, work.stepId);
      case "reconcile":
        return this.runReconcile(lead, work.stepId);
      case "expire":
        return {};
    }
  }

  private async runSequenceStep(lead: Lead, account: string, index: number, isNew: boolean): Promise<StepResult> {
    const { store, campaign } = this.deps;
    const step = campaign.sequence[index];
    if (!step) return {};
    if (isNew) await store.patchLead(lead.id, { account });
    const state = store.lead(lead.id);
    if (!state || state.reply || state.finishedAt !== undefined) return {};
    if (isSettled(state.steps[step.id])) return {};

    if (index === 0) {
      const stopped = await this.guardFirstContact(lead.id, step.id);
      if (stopped) return stopped;
    }
    // A follow-up: a reply may have landed since it was queued, so the thread itself is read first —
    // after `sending` is on disk (sendStep), so no write stands between that read and the send.
    const replied =
      index > 0 ? async (): Promise<boolean> => this.replies.checkThread(lead.id, account, this.deps.store.lead(lead.id) ?? state) : undefined;
    return this.sendStep(
      lead,
      account,
      step,
      () => {
        const threadId = this.deps.store.lead(lead.id)?.threadId;
        return threadId && index > 0 ? { threadId } : {};
      },
      replied,
    );
  }

  /**
   * The claim and the conversation check before a first message (first-contact.ts). Returns the
   * result to end the step with (skipped, or retry later), or undefined to go on and send.
   */
  private async guardFirstContact(leadId: string, stepId: string): Promise<StepResult | undefined> {
    let verdict;
    try {
      verdict = await checkFirstContact(this.deps, leadId);
    } catch (err) {
      return this.transient(leadId, stepId, err);
    }
    const now = this.deps.clock.now();
    if (verdict.ok === true) return undefined;
    if (verdict.ok === "later") {
      const retryAt = now + CLAIM_RETRY_MS;
      this.emit({ type: "send.retry", at: now, leadId, stepId, reason: verdict.reason, retryAt });
      return { retryAt };
    }
    // The whole no-reply sequence is skipped: its follow-ups would be cold messages too.
    const { store, campaign } = this.deps;
    for (const step of campaign.sequence) {
      const rec = store.lead(leadId)?.steps[step.id];
      if (isSettled(rec)) continue;
      await store.setStep(leadId, step.id, { ...stripSending(rec), status: "skipped", updatedAt: now, attempts: rec?.attempts ?? 0, reason: verdict.reason });
    }
    await this.replies.finish(leadId, "skipped");
    this.emit({ type: "lead.skipped", at: now, leadId, stepId, reason: verdict.reason });
    return {};
  }

  private async runReplyStep(lead: Lead, account: string, stepId: string): Promise<StepResult> {
    const step = this.replyStep(stepId);
    const state = this.deps.store.lead(lead.id);
    // An opt-out, or a reply awaiting review, never gets a reply step.
    if (!step || !state?.reply || state.optedOut || state.review || isSettled(state.steps[stepId])) return {};

    if (hasActions(step) && !isSettled(state.steps[actionsKey(stepId)])) {
      // Actions first: they are idempotent PATCHes, so a crash after them and before the message
      // repeats nothing harmful, while the message itself keeps the exactly-once protocol.
      try {
        await runReplyActions(this.deps, this.emit, lead, state, step, actionsKey(stepId));
      } catch (err) {
        return this.transient(lead.id, actionsKey(stepId), err);
      }
    }
    if (!step.template) {
      // An actions-only step is done once its actions are: recorded through `sending` like any step.
      const now = this.deps.clock.now();
      await this.deps.store.setStep(lead.id, stepId, { status: "sending", updatedAt: now, attempts: 1, sendingAt: now });
      await this.deps.store.setStep(lead.id, stepId, { status: "sent", updatedAt: now, attempts: 1, sendingAt: now, sentAt: now });
      await this.replies.finishIfDone(lead.id);
      return {};
    }
    const threadId = state.threadId;
    if (!threadId) {
      return this.fail(lead.id, stepId, "no thread is known for this lead, so the reply step cannot be sent in it");
    }
    return this.sendStep(lead, account, step, () => ({ threadId }));
  }

  /**
   * The exactly-once send: durable `sending`, request, then `sent` — or a settled failure. `replied`, for
   * a follow-up, reads the thread between the durable write and the request: true (a reply is there)
   * takes the attempt back (never sent) and skips the step.
   */
  private async sendStep(
    lead: Lead,
    account: string,
    step: SequenceStep | ReplyStep,
    where: () => { threadId?: string },
    replied?: () => Promise<boolean>,
  ): Promise<StepResult> {
    const { store, clock, api, gate, renderer } = this.deps;
    const rendered = renderer.render(step.id, lead);
    if (!rendered.ok) {
      const why = rendered.errors.map((e) => (e.variable ? `${e.variable}: ${e.message}` : e.message)).join("; ");
      return this.fail(lead.id, step.id, `template: ${why}`);
    }
    const content = rendered.text;
    const prev = store.lead(lead.id)?.steps[step.id];
    const attempts = (prev?.attempts ?? 0) + 1;
    // A request the server refused before processing it (429, 401, account offline) is no delivery
    // attempt: counting it would fail a lead after a 429 storm and a single real 5xx (MAX_ATTEMPTS).
    const notAnAttempt = prev?.attempts ?? 0;
    const sendingAt = clock.now();
    await store.setStep(lead.id, step.id, {
      status: "sending",
      updatedAt: sendingAt,
      attempts,
      sendingAt,
      // The server's view of this instant, for reconciliation (state/reconcile.ts): our clock may be off.
      ...(this.deps.serverTime ? { serverSendingAt: this.deps.serverTime.toServer(sendingAt) } : {}),
      contentHash: contentHash(content),
    });

    if (replied) {
      let hasReplied: boolean;
      try {
        hasReplied = await replied();
      } catch (err) {
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        return this.transient(lead.id, step.id, err);
      }
      if (hasReplied) {
        // Nothing left: the reply recorded skipped every pending step; this one was mid-attempt.
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        await store.setStep(lead.id, step.id, { status: "skipped", updatedAt: clock.now(), attempts: notAnAttempt, reason: "replied" });
        return {};
      }
    }

    const { threadId } = where();
    try {
      const sent = await gate.schedule(
        async () => {
          if (threadId) {
            const message = await api.sendInThread(threadId, { content });
            return { message, threadId };
          }
          const r = await api.quickSend({ accountLinkId: account, externalPlatformId: lead.id, content });
          return { message: r.message, threadId: r.thread.id };
        },
        // Follow-ups first (0): their thread check just ran, and every wait here widens the window in which
        // a reply landing cannot stop them. Reply steps next, new leads last.
        { priority: step.kind === "reply" ? 3 : step.index === 0 ? 6 : 0 },
      );
      return this.recordSent(lead.id, account, step, sent.message, sent.threadId);
    } catch (err) {
      if (isStopAbort(err, this.deps.stop)) {
        // Dropped from the gate by a stop before it left: nothing was sent.
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        return {};
      }
      if (err instanceof RateLimitedError) {
        // Never processed by the server (reference §2): safe to send again after the hold.
        const until = clock.now() + retryAfter(err);
        gate.holdUntil(until, "the Inbox API answered 429 Too Many Requests");
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        return { retryAt: until };
      }
      if (err instanceof SendOutcomeUnknownError) return this.settleUncertain(lead, account, step, err);
      if (err instanceof AuthError && err.status === 401) {
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        return { pause: "the Inbox API rejected the token (401). Check INBOX_API_TOKEN, then run the same command again." };
      }
      if (err instanceof InboxError && isAccountProblem(err)) {
        await store.setStep(lead.id, step.id, { ...stripSending(prev), status: "pending", updatedAt: clock.now(), attempts: notAnAttempt });
        return { pause: `account link ${account} cannot send (${describeError(err)}). Reconnect it in Inbox, then run the same command again.` };
      }
      if (err instanceof AuthError || err instanceof NotFoundError || err instanceof InvalidRequestError) {
        // This lead cannot be messaged (unknown prospect, DMs closed, add-on missing): the campaign goes on.
        return this.fail(lead.id, step.id, describeError(err), err.code ?? String(err.status ?? ""));
      }
      throw err;
    }
  }

  private async recordSent(
    leadId: string,
    account: string,
    step: SequenceStep | ReplyStep,
    message: Pick<Message, "id" | "createdAt">,
    threadId: string,
  ): Promise<StepResult> {
    const { store, clock, pacing, campaign } = this.deps;
    const now = clock.now();
    const prev = store.lead(leadId)?.steps[step.id];
    // Reconciliation may already have recorded it as sent (sent is terminal: never written twice).
    if (prev?.status !== "sent") {
      await store.setStep(leadId, step.id, { ...(prev ?? { attempts: 1 }), status: "sent", updatedAt: now, sentAt: now, messageId: message.id });
    }
    if (store.lead(leadId)?.threadId !== threadId) await store.patchLead(leadId, { threadId });
    pacing.recordSend(account, now);
    this.streak = { kind: "", count: 0 };
    this.replies.markOpen(leadId, threadId);
    this.emit({ type: "lead.sent", at: now, leadId, stepId: step.id, account, messageId: message.id, threadId });

    if (step.kind === "reply") {
      await this.replies.finishIfDone(leadId);
      return { messageSent: true };
    }
    const following = campaign.sequence[step.index + 1];
    if (following) {
      return { messageSent: true, next: { work: { kind: "sequence", leadId, index: following.index }, at: now + following.afterMs } };
    }
    return { messageSent: true, next: { work: { kind: "expire", leadId }, at: now + campaign.replies.keepOpenMs } };
  }

  /** A send that may or may not have gone out: read the thread back and settle from what it shows. */
  private async settleUncertain(lead: Lead, account: string, step: SequenceStep | ReplyStep, err: SendOutcomeUnknownError): Promise<StepResult> {
    const outcome = await reconcileSend(this.deps, this.emit, lead.id, step.id, account);
    if (outcome.kind === "delivered") {
      return this.recordSent(lead.id, account, step, { id: outcome.messageId, createdAt: "" }, outcome.threadId);
    }
    const now = this.deps.clock.now();
    const attempts = this.deps.store.lead(lead.id)?.steps[step.id]?.attempts ?? 1;
    if (outcome.kind === "unknown") {
      // Cannot tell yet: keep `sending` (nothing will re-send it) and look again later.
      const retryAt = now + RECHECK_MS;
      this.emit({ type: "send.retry", at: now, leadId: lead.id, stepId: step.id, reason: `outcome unknown (${describeError(err.cause)}); will check the thread again`, retryAt });
      return { ...this.countFailure("outcome-unknown"), next: { work: { kind: "reconcile", leadId: lead.id, stepId: step.id }, at: retryAt } };
    }
    if (attempts >= MAX_ATTEMPTS) return this.fail(lead.id, step.id, `not delivered after ${attempts} attempts (${describeError(err.cause)})`);
    const retryAt = now + backoff(attempts);
    this.emit({ type: "send.retry", at: now, leadId: lead.id, stepId: step.id, reason: `not delivered (${describeError(err.cause)})`, retryAt });
    return { ...this.countFailure(err.cause.name), retryAt };
  }

  private async runReconcile(lead: Lead, stepId: string): Promise<StepResult> {
    const resolved = await this.reconcile(lead.id, stepId);
    const now = this.deps.clock.now();
    if (!resolved) {
      return { ...this.countFailure("outcome-unknown"), next: { work: { kind: "reconcile", leadId: lead.id, stepId }, at: now + RECHECK_MS } };
    }
    const state = this.deps.store.lead(lead.id);
    const rec = state?.steps[stepId];
    const seq = this.deps.campaign.sequence.find((s) => s.id === stepId);
    if (rec?.status === "sent") {
      if (!seq) return {};
      const following = this.deps.campaign.sequence[seq.index + 1];
      const at = (rec.sentAt ?? now) + (following?.afterMs ?? this.deps.campaign.replies.keepOpenMs);
      return { next: { work: following ? { kind: "sequence", leadId: lead.id, index: following.index } : { kind: "expire", leadId: lead.id }, at } };
    }
    return { next: { work: seq ? { kind: "sequence", leadId: lead.id, index: seq.index } : { kind: "reply", leadId: lead.id, stepId }, at: now } };
  }

  /**
   * Settles one `sending` record through the API. Returns false when the API could not be read
   * (the record stays `sending`, so nothing re-sends it).
   */
  async reconcile(leadId: string, stepId: string): Promise<boolean> {
    const state = this.deps.store.lead(leadId);
    const rec = state?.steps[stepId];
    if (!state || rec?.status !== "sending") return true;
    if (stepId.endsWith(":actions") || rec.contentHash === undefined) {
      // No message behind it (reply actions are idempotent writes): simply run it again.
      await this.deps.store.setStep(leadId, stepId, { ...stripSending(rec), status: "pending", updatedAt: this.deps.clock.now(), attempts: rec.attempts });
      return true;
    }
    const outcome = await reconcileSend(this.deps, this.emit, leadId, stepId, state.account);
    return outcome.kind !== "unknown";
  }

  /** A transient failure of a read before sending: try again later, pausing if it keeps happening. */
  private transient(leadId: string, stepId: string, err: unknown): StepResult {
    // The run is stopping: the next run plans this work again from the state.
    if (isStopAbort(err, this.deps.stop)) return {};
    if (err instanceof RateLimitedError) {
      const until = this.deps.clock.now() + retryAfter(err);
      this.deps.gate.holdUntil(until, "the Inbox API answered 429 Too Many Requests");
      return { retryAt: until };
    }
    if (err instanceof AuthError && err.status === 401) {
      return { pause: "the Inbox API rejected the token (401). Check INBOX_API_TOKEN, then run the same command again." };
    }
    if (!(err instanceof InboxError)) throw err;
    const retryAt = this.deps.clock.now() + RECHECK_MS;
    this.emit({ type: "send.retry", at: this.deps.clock.now(), leadId, stepId, reason: describeError(err), retryAt });
    return { ...this.countFailure(err.name), retryAt };
  }

  private async fail(leadId: string, stepId: string, reason: string, code?: string): Promise<StepResult> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const prev = store.lead(leadId)?.steps[stepId];
    await store.setStep(leadId, stepId, { ...stripSending(prev), status: "failed", updatedAt: now, attempts: prev?.attempts ?? 0, reason });
    await this.replies.finish(leadId, "failed");
    this.emit({ type: "lead.failed", at: now, leadId, stepId, reason, ...(code ? { code } : {}) });
    return this.countFailure(code ?? reason);
  }

  /** Counts a failure; N of the same kind in a row pause the run (an account or plan problem, not a lead problem). */
  private countFailure(kind: string): StepResult {
    this.streak = this.streak.kind === kind ? { kind, count: this.streak.count + 1 } : { kind, count: 1 };
    const max = this.deps.options.maxConsecutiveFailures;
    if (this.streak.count >= max) {
      return { pause: `${this.streak.count} failures in a row of the same kind (${kind}); stopping before more leads are affected.` };
    }
    return {};
  }

  private replyStep(stepId: string): ReplyStep | undefined {
    return this.deps.campaign.replySteps.find((s) => s.id === stepId);
  }
}
