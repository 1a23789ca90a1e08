/**
 * What a reply does to a lead. The first inbound message after our first send:
 *  - ends the no-reply sequence (remaining follow-ups are recorded `skipped: replied`);
 *  - is classified (replies/opt-out.ts): an opt-out stops everything and adds the lead to the
 *    suppression file; an ambiguous reply marks the lead for review (`outreach review`) and stops it —
 *    no reply step fires and nothing more is sent until a person decides;
 *  - otherwise queues the reply steps whose `match` it satisfies (each once per lead).
 * Later replies only count when they opt out (or are ambiguous) after the lead finished.
 */
import type { Lead } from "../leads/types.js";
import { compileReplyClassifier, type ReplyClassifier } from "../replies/opt-out.js";
import type { InboundReply } from "../replies/inbound.js";
import type { LeadState, ReplyRecord } from "../state/types.js";
import type { EngineEvent } from "./events.js";
import { serverTimeOf, type EngineDeps } from "./ports.js";
import { replyStepMatchers } from "./sequence.js";
import { attemptServerAt } from "./step-records.js";
import { ThreadIndex } from "./thread-index.js";
import type { Work } from "./work-queue.js";

/**
 * A reply older than our first send belongs to an earlier conversation. Both sides are on the server's
 * clock (replies carry createdAt; our send's start is converted, see firstAttemptServerAt), so this only
 * absorbs the measurement's error and an API whose servers disagree among themselves.
 */
const SERVER_TIME_MARGIN_MS = 5 * 60_000;

export class ReplyHandler {
  private readonly classify: ReplyClassifier;
  private readonly matchers: ReadonlyMap<string, RegExp>;
  /** Leads contacted and not finished: the ones whose replies matter. */
  private readonly open = new Set<string>();
  private readonly threadToLead = new ThreadIndex((leadId) => this.deps.store.lead(leadId)?.threadId);

  constructor(
    private readonly deps: EngineDeps,
    private readonly leadsById: ReadonlyMap<string, Lead>,
    private readonly emit: (e: EngineEvent) => void,
    private readonly queue: (work: Work, at: number) => void,
  ) {
    this.classify = compileReplyClassifier(deps.campaign.replies.optOut);
    this.matchers = replyStepMatchers(deps.campaign.replySteps);
    for (const state of deps.store.leads()) {
      if (state.threadId) this.threadToLead.set(state.threadId, state.id);
      if (state.account && state.finishedAt === undefined) this.open.add(state.id);
    }
  }

  markOpen(leadId: string, threadId?: string): void {
    this.open.add(leadId);
    if (threadId) this.threadToLead.set(threadId, leadId);
  }

  hasOpenLeads(): boolean {
    return this.open.size > 0;
  }

  hasPushed(): boolean {
    return this.deps.replies.hasPending?.() ?? false;
  }

  /**
   * Ingests what the reply source has. Each batch's cursor is committed only after its replies are
   * recorded (a crash in between re-reads them; recording is idempotent), then the next batch is read.
   */
  async poll(signal: AbortSignal): Promise<void> {
    if (this.open.size === 0 && this.deps.store.meta.eventsSeq !== null) return;
    for (let round = 0; round < 100; round++) {
      let batch;
      try {
        batch = await this.deps.replies.fetch(signal);
      } catch (err) {
        if (signal.aborted) return; // stopping: the next run polls from the saved cursor
        // The per-follow-up thread check still protects every lead; the poll is retried next time.
        this.emit({ type: "replies.gap", at: this.deps.clock.now(), message: `could not poll for replies: ${err instanceof Error ? err.message : String(err)}` });
        return;
      }
      for (const reply of batch.replies) await this.record(reply, reply.via);
      if (batch.gap) {
        this.emit({ type: "replies.gap", at: this.deps.clock.now(), message: batch.gap });
        if (this.deps.options.checkThreadsOnGap) await this.checkAllOpenThreads();
      }
      await batch.commit();
      if (!batch.more || signal.aborted) return;
    }
  }

  /** Records a reply if it is the first one from a lead of this campaign. */
  async record(reply: InboundReply, via: ReplyRecord["via"]): Promise<void> {
    const leadId = this.threadToLead.get(reply.threadId) ?? this.leadByPlatformId(reply);
    if (!leadId) return;
    const { store, clock, campaign } = this.deps;
    const state = store.lead(leadId);
    if (!state?.account || state.reply) return;
    if (reply.accountLinkId && reply.accountLinkId !== state.account) return;
    const firstSendAt = this.firstAttemptServerAt(state);
    if (firstSendAt === undefined || reply.at < firstSendAt - SERVER_TIME_MARGIN_MS) return;
    if (state.finishedAt !== undefined) return this.recordLateOptOut(leadId, reply);

    const afterStep = lastSentSequenceStep(state, campaign.sequence.map((s) => s.id));
    const record: ReplyRecord = { at: reply.at, messageId: reply.messageId, text: reply.text.slice(0, 500), via, ...(afterStep ? { afterStep } : {}) };
    await store.patchLead(leadId, { reply: record, ...(reply.prospectId && !state.prospectId ? { prospectId: reply.prospectId } : {}) });
    const now = clock.now();
    this.emit({ type: "lead.replied", at: now, leadId, via, text: record.text, ...(afterStep ? { afterStep } : {}) });

    // The no-reply sequence ends here; its unsent steps are recorded as skipped for the funnel.
    for (const step of campaign.sequence) {
      const rec = state.steps[step.id];
      if (!rec || rec.status === "pending") {
        await store.setStep(leadId, step.id, { status: "skipped", updatedAt: now, attempts: rec?.attempts ?? 0, reason: "replied" });
      }
    }

    const verdict = this.classify(reply.text);
    if (verdict.class === "opt-out") {
      await this.optOut(leadId, reply, verdict.reason);
      for (const step of campaign.replySteps) {
        await store.setStep(leadId, step.id, { status: "skipped", updatedAt: now, attempts: 0, reason: "opted out" });
      }
      await this.finish(leadId, "opted-out");
      return;
    }
    if (verdict.class === "ambiguous") {
      // Reply steps stay pending: if a person decides it was no opt-out, they fire on the next run.
      await this.markForReview(leadId, verdict.reason);
      await this.finish(leadId, "needs-review");
      return;
    }
    const pending = await this.pendingReplyWork(store.lead(leadId) ?? state, now);
    for (const p of pending) this.queue(p.work, p.at);
    if (pending.length === 0) await this.finishIfDone(leadId);
  }

  /**
   * A reply from a lead already finished (its reply window closed, or it failed): no reply step
   * fires any more (keepOpenFor), but a request to stop is still put on the do-not-contact list, and
   * an unclear one is still listed for review.
   */
  private async recordLateOptOut(leadId: string, reply: InboundReply): Promise<void> {
    const state = this.deps.store.lead(leadId);
    if (state?.optedOut) return;
    const verdict = this.classify(reply.text);
    if (verdict.class === "opt-out") await this.optOut(leadId, reply, verdict.reason);
    else if (verdict.class === "ambiguous" && !state?.review) await this.markForReview(leadId, verdict.reason);
  }

  private async optOut(leadId: string, reply: InboundReply, reason: string): Promise<void> {
    const { store, campaign, clock } = this.deps;
    await store.patchLead(leadId, { optedOut: true, ...(store.lead(leadId)?.review ? { review: undefined } : {}) });
    await this.deps.suppress(leadId, `opted out in "${campaign.name}" on ${new Date(reply.at).toISOString()}: ${reason}`);
    this.emit({ type: "lead.opted-out", at: clock.now(), leadId, reason });
  }

  private async markForReview(leadId: string, reason: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.patchLead(leadId, { review: { at: now, reason } });
    this.emit({ type: "lead.needs-review", at: now, leadId, reason });
  }

  /** Reply steps still to run for a lead that has replied; non-matching steps are recorded as skipped. */
  async pendingReplyWork(state: LeadState, now: number): Promise<{ work: Work; at: number }[]> {
    const reply = state.reply;
    if (!reply || state.optedOut || state.review) return [];
    const out: { work: Work; at: number }[] = [];
    for (const step of this.deps.campaign.replySteps) {
      const rec = state.steps[step.id];
      if (rec && rec.status !== "pending" && rec.status !== "sending") continue;
      const matcher = this.matchers.get(step.id);
      if (matcher && !matcher.test(reply.text)) {
        await this.deps.store.setStep(state.id, step.id, { status: "skipped", updatedAt: now, attempts: 0, reason: `reply did not match /${step.match}/` });
        continue;
      }
      const work: Work = rec?.status === "sending" ? { kind: "reconcile", leadId: state.id, stepId: step.id } : { kind: "reply", leadId: state.id, stepId: step.id };
      // reply.at is the server's createdAt: the delay runs on our clock from that instant.
      out.push({ work, at: Math.max(now, serverTimeOf(this.deps).toLocal(reply.at) + step.delayMs) });
    }
    return out;
  }

  /**
   * Before a follow-up: one read of the thread's latest messages. A prospect message newer than our
   * first send means they replied after the follow-up was queued; it is recorded and the follow-up dropped.
   */
  async checkThread(leadId: string, account: string, state: LeadState): Promise<boolean> {
    const { api, gate } = this.deps;
    const threadId = state.threadId;
    if (!threadId) return false;
    // Priority 0, like the follow-up send that follows it: the less waits between this read and that
    // send, the smaller the window in which a reply cannot stop the follow-up (v1 has no conditional send).
    const page = await gate.schedule(() => api.listMessages(threadId, { limit: 20 }), { priority: 0 });
    // Only messages since our first send count: the thread may hold an earlier conversation, and
    // its oldest prospect message would otherwise hide a new reply (record() rejects old ones).
    const since = (this.firstAttemptServerAt(state) ?? Number.POSITIVE_INFINITY) - SERVER_TIME_MARGIN_MS;
    const inbound = page.messages
      .filter((m) => m.authorId !== account && !m.deletedAt && Date.parse(m.createdAt) >= since)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
    if (!inbound) return false;
    await this.record(
      { messageId: inbound.id, threadId, accountLinkId: account, prospectPlatformId: leadId, text: inbound.content, at: Date.parse(inbound.createdAt) },
      "thread-check",
    );
    return this.deps.store.lead(leadId)?.reply !== undefined;
  }

  /** After a seq gap or a stop longer than the events' retention: read every open thread once. */
  private async checkAllOpenThreads(): Promise<void> {
    for (const leadId of [...this.open]) {
      const state = this.deps.store.lead(leadId);
      if (!state?.account || state.reply) continue;
      try {
        await this.checkThread(leadId, state.account, state);
      } catch {
        // The per-follow-up check still protects this lead.
      }
    }
  }

  /** A lead's reply window closed with no reply: it is done. */
  async expire(leadId: string): Promise<void> {
    const state = this.deps.store.lead(leadId);
    if (!state || state.finishedAt !== undefined || state.reply) return;
    await this.finish(leadId, "no-reply");
  }

  async finishIfDone(leadId: string): Promise<void> {
    const state = this.deps.store.lead(leadId);
    if (!state?.reply) return;
    const done = this.deps.campaign.replySteps.every((s) => {
      const st = state.steps[s.id]?.status;
      return st === "sent" || st === "failed" || st === "skipped";
    });
    if (done) await this.finish(leadId, ReplyHandler.finishReasonOf(state));
  }

  /** Why a replied lead with no reply work left is finished. */
  static finishReasonOf(state: LeadState): string {
    return state.optedOut ? "opted-out" : state.review ? "needs-review" : "replied";
  }

  async finish(leadId: string, reason: string): Promise<void> {
    this.open.delete(leadId);
    const state = this.deps.store.lead(leadId);
    if (state?.finishedAt !== undefined) return;
    await this.deps.store.patchLead(leadId, { finishedAt: this.deps.clock.now(), finishReason: reason });
  }

  /** When our first attempt to message this lead began, on the server's clock (replies' createdAt compare with it). */
  private firstAttemptServerAt(state: LeadState): number | undefined {
    let first: number | undefined;
    for (const rec of Object.values(state.steps)) {
      const at = attemptServerAt(rec, serverTimeOf(this.deps));
      if (at !== undefined && (first === undefined || at < first)) first = at;
    }
    return first;
  }

  private leadByPlatformId(reply: InboundReply): string | undefined {
    const id = reply.prospectPlatformId;
    return id !== undefined && this.leadsById.has(id) ? id : undefined;
  }
}

function lastSentSequenceStep(state: LeadState, order: string[]): string | undefined {
  let last: string | undefined;
  for (const id of order) if (state.steps[id]?.status === "sent") last = id;
  return last;
}
