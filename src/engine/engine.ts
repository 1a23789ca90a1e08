/**
 * The campaign engine: decides what is due for each lead and runs it, one send per account at a
 * time, under the team API quota, the sending windows and the per-account pacing. It keeps every
 * promise of the product:
 *  - no lead ever gets the same step twice: a step is recorded `sending` durably before the request
 *    leaves, and any `sending` record is reconciled through the API before anything is re-sent;
 *  - no lead is forgotten: the plan is rebuilt from the state and the CSV at every start;
 *  - follow-ups go only to leads who have not replied: replies are ingested before work is picked,
 *    and every follow-up is preceded by a check of the thread itself.
 * The loop never sleeps while a send is in flight, which is what lets a simulated clock jump safely.
 */
import { PausedError } from "../errors.js";
import type { Lead } from "../leads/types.js";
import { chooseAccount } from "../schedule/assign.js";
import { nextWindowStart } from "../schedule/windows.js";
import type { EngineEvent, RunOutcome, RunSummary } from "./events.js";
import type { EngineDeps } from "./ports.js";
import { ReplyHandler } from "./reply-handler.js";
import { StepRunner, type StepResult } from "./step-runner.js";
import { finishedSuppressed, summarize } from "./summary.js";
import { WorkQueue, type Work } from "./work-queue.js";
import { LeadWindows } from "./lead-windows.js";
import { planRun, restorePacing } from "./planning.js";
import { priorityOf } from "./sequence.js";
import { ProgressGuard, yieldToEventLoop } from "./progress-guard.js";
import { interruptibleGate, isStopAbort } from "./stopping.js";
import { explainWait, type ExplainedWait } from "./wait-reason.js";

/** Why a wait's own sleep was cut short (it ended, or the run stops): read by nobody, cheap to pass. */
const WAIT_OVER = "wait over";

export interface RunResult {
  outcome: RunOutcome;
  summary: RunSummary;
}

export async function runCampaign(deps: EngineDeps): Promise<RunResult> {
  return new CampaignEngine(deps).run();
}

class CampaignEngine {
  private readonly queue = new WorkQueue();
  private readonly leadsById = new Map<string, Lead>();
  private readonly windows: LeadWindows;
  private readonly steps: StepRunner;
  private readonly replies: ReplyHandler;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly guard = new ProgressGuard();
  /** Leads assigned per account, for balancing new leads. */
  private readonly load = new Map<string, number>();
  private readonly startedAt: number;
  private sentThisRun = 0;
  private pausedReason: string | undefined;
  private lastPollAt = Number.NEGATIVE_INFINITY;
  /**
   * The last wait reported, so a wake-up for a reply poll does not repeat it. Any other event clears
   * it: after a send or a reply the display shows activity, and the same wait must be reported again.
   */
  private lastWait = "";

  private readonly deps: EngineDeps;

  constructor(given: EngineDeps) {
    // A stop drops requests still waiting in the gate (a quota hold can last minutes): see stopping.ts.
    const deps = { ...given, gate: interruptibleGate(given.gate, given.stop) };
    this.deps = deps;
    this.startedAt = deps.clock.now();
    for (const lead of deps.leads) this.leadsById.set(lead.id, lead);
    for (const account of deps.campaign.accounts) this.load.set(account, 0);
    this.windows = new LeadWindows(deps.campaign.pacing.window);
    const emit = (e: EngineEvent): void => {
      this.lastWait = "";
      deps.emit(e);
    };
    this.replies = new ReplyHandler(deps, this.leadsById, emit, (work, at) => this.queue.pushBound(work, at));
    this.steps = new StepRunner(deps, emit, this.replies);
  }

  async run(): Promise<RunResult> {
    const { store, clock, campaign } = this.deps;
    // Any lead already in the state means an earlier run made progress.
    const resumed = store.leads().next().done === false;
    restorePacing({ deps: this.deps, leads: this.leadsById.values(), queue: this.queue, replies: this.replies, load: this.load });

    // Uncertain sends from an earlier run are settled before anything else is sent.
    await this.reconcileUncertain();
    // Catch up on replies that arrived while we were stopped, before planning follow-ups.
    await this.pollReplies(true);
    const counts = await planRun({ deps: this.deps, leads: this.leadsById.values(), queue: this.queue, replies: this.replies, load: this.load });
    const optedOutEarlier = finishedSuppressed(this.deps, this.leadsById).length;
    this.deps.emit({
      type: "run.started",
      at: clock.now(),
      campaign: campaign.name,
      leads: this.leadsById.size + optedOutEarlier,
      accounts: campaign.accounts,
      firstStep: campaign.sequence[0]?.id ?? "",
      resumed,
      ...counts,
      finished: counts.finished + optedOutEarlier,
    });

    const outcome = await this.loop();
    await Promise.allSettled(this.inFlight);
    // The next send as the caps, gaps and windows allow it — not merely when the next step falls due.
    const due = this.nextDueAt();
    const nextSendAt = due === undefined ? undefined : this.explainNext(clock.now(), due).at;
    const summary = summarize(this.deps, this.leadsById, this.startedAt, this.sentThisRun, nextSendAt, this.pausedReason, finishedSuppressed(this.deps, this.leadsById));
    this.deps.emit({ type: "run.finished", at: clock.now(), outcome, summary });
    return { outcome, summary };
  }

  private async loop(): Promise<RunOutcome> {
    const { clock, stop, options } = this.deps;
    for (;;) {
      if (this.pausedReason) return this.drain("paused");
      if (stop.aborted) return this.drain("interrupted");
      if (options.limit !== undefined && this.sentThisRun >= options.limit) return this.drain("limit-reached");

      const polled = await this.pollReplies(false);
      const dispatched = this.dispatchDue(clock.now());
      if (dispatched > 0) {
        this.guard.progressed();
        continue;
      }
      // Nothing started: give timers, sockets and signal handlers their turn before looking again.
      // Awaiting settled promises alone would run as microtasks and starve them (issue 8).
      await yieldToEventLoop();

      if (this.inFlight.size > 0) {
        await Promise.race([...this.inFlight, this.deps.replies.arrival?.() ?? never()]);
        continue;
      }
      const next = this.nextDueAt();
      if (next === undefined) return "completed";
      if (options.once) return "once-done";
      if (!polled && this.guard.idlePass(clock.now())) {
        this.pausedReason ??= this.spinReason(next);
        continue;
      }
      await this.waitUntil(next);
    }
  }

  /** The pause message when the progress guard trips: what was due, and that it is our bug. */
  private spinReason(next: number): string {
    const work = this.queue.peekBound();
    const what = work && this.queue.nextBoundAt() === next ? ` (${work.kind} for lead ${work.leadId})` : "";
    return (
      `internal error: the run loop made no progress in ${this.guard.idlePasses} passes; the work due at ` +
      `${new Date(next).toISOString()}${what} could not be started. This is a bug, please report it; nothing was sent twice`
    );
  }

  private async drain(outcome: RunOutcome): Promise<RunOutcome> {
    if (this.inFlight.size > 0) {
      this.deps.emit({ type: "run.stopping", at: this.deps.clock.now(), inFlight: this.inFlight.size });
      await Promise.allSettled(this.inFlight);
    }
    return outcome;
  }

  /** Starts every piece of work that is due now and allowed; returns how many started. */
  private dispatchDue(now: number): number {
    let started = 0;
    // Due follow-ups, reply steps and retries go before new leads.
    // --limit counts sends in flight too: check before taking each piece of work, not only after one started.
    while (!this.limitReached()) {
      const work = this.queue.popBoundDue(now);
      if (!work) break;
      if (this.tryStart(work, now)) started++;
    }
    for (;;) {
      if (this.limitReached() || this.deps.stop.aborted || this.pausedReason) break;
      const available = this.deps.campaign.accounts.filter(
        (a) => !this.deps.lanes.isBusy(a) && this.deps.pacing.nextAllowedAt(a, now) <= now,
      );
      if (available.length === 0) break;
      const work = this.queue.popFreshDue(now);
      if (!work) break;
      const lead = this.leadsById.get(work.leadId);
      if (!lead) continue;
      const opens = nextWindowStart(this.windows.for(lead), now);
      if (opens > now) {
        this.queue.deferFresh(work, opens, now, lead.position);
        continue;
      }
      const account = chooseAccount(available, this.load);
      this.load.set(account, (this.load.get(account) ?? 0) + 1);
      this.start(account, work, lead, true);
      started++;
    }
    return started;
  }

  /** Runs bound work now if its account, pacing and window allow; otherwise re-queues it. */
  private tryStart(work: Work, now: number): boolean {
    const state = this.deps.store.lead(work.leadId);
    const lead = this.leadsById.get(work.leadId);
    if (!lead || !state) return false;
    if (work.kind === "expire") {
      this.track(this.replies.expire(work.leadId));
      return false;
    }
    const account = state.account;
    if (!account) {
      // Only first messages lack an account; they belong in the fresh queue.
      this.queue.pushFresh(work, now, lead.position);
      return false;
    }
    if (this.deps.lanes.isBusy(account)) {
      this.queue.park(account, work);
      return false;
    }
    if (this.steps.sendsMessage(work, state)) {
      const allowed = this.deps.pacing.nextAllowedAt(account, now);
      if (allowed > now) {
        this.queue.deferBound(work, allowed, now);
        return false;
      }
      const opens = nextWindowStart(this.windows.for(lead), now);
      if (opens > now) {
        this.queue.deferBound(work, opens, now);
        return false;
      }
    }
    this.start(account, work, lead, false);
    return true;
  }

  private start(account: string, work: Work, lead: Lead, isNew: boolean): void {
    const task = this.deps.lanes
      .run(account, priorityOf(work), () => this.steps.run(work, lead, account, isNew))
      .then((result) => this.afterStep(work, result))
      .catch((err: unknown) => {
        // A request dropped by a stop leaves its state as it was: the next run plans it again.
        if (isStopAbort(err, this.deps.stop)) return;
        // A failed state write (a PausedError saying why) or a bug: stop safely rather than guess.
        this.pausedReason ??= pauseReason(err, ` while running ${work.kind} for lead ${work.leadId}`);
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.guard.progressed();
        this.queue.release(account, this.deps.clock.now());
      });
    this.inFlight.add(task);
  }

  /** Keeps a state write that needs no account in the in-flight set, so the run waits for it. */
  private track(p: Promise<void>): void {
    const task = p
      .catch((err: unknown) => {
        if (isStopAbort(err, this.deps.stop)) return;
        this.pausedReason ??= pauseReason(err, "");
      })
      .finally(() => {
        this.inFlight.delete(task);
        this.guard.progressed();
      });
    this.inFlight.add(task);
  }

  private afterStep(work: Work, result: StepResult): void {
    if (result.messageSent) this.sentThisRun++;
    if (result.pause) this.pausedReason ??= result.pause;
    if (result.retryAt !== undefined) this.queue.pushBound(work, result.retryAt);
    if (result.next) this.queue.pushBound(result.next.work, result.next.at);
  }

  private limitReached(): boolean {
    const { limit } = this.deps.options;
    return limit !== undefined && this.sentThisRun + this.inFlight.size >= limit;
  }

  /** Earliest instant at which anything could happen; undefined when nothing is left. */
  private nextDueAt(): number | undefined {
    const candidates: number[] = [];
    const bound = this.queue.nextBoundAt();
    if (bound !== undefined) candidates.push(bound);
    const fresh = this.queue.nextFreshAt();
    if (fresh !== undefined) {
      const now = this.deps.clock.now();
      const accountFree = Math.min(...this.deps.campaign.accounts.map((a) => this.deps.pacing.nextAllowedAt(a, now)));
      candidates.push(Math.max(fresh, accountFree));
    }
    if (candidates.length === 0) return undefined;
    return Math.min(...candidates);
  }

  /** Why the next piece of work waits and when it can really go (epoch ms): caps, gaps and windows applied. */
  private explainNext(now: number, until: number): ExplainedWait {
    const bound = this.queue.peekBound();
    const boundAt = this.queue.nextBoundAt();
    const fresh = this.queue.peekFresh();
    const freshAt = this.queue.nextFreshAt();
    return explainWait(
      {
        ...this.deps,
        windows: this.windows,
        leadsById: this.leadsById,
        ...(bound && boundAt !== undefined ? { bound: { work: bound, at: boundAt, held: this.queue.isHeld(bound) } } : {}),
        ...(fresh && freshAt !== undefined ? { fresh: { work: fresh, at: freshAt } } : {}),
      },
      now,
      until,
    );
  }

  /** Sleeps until `until`, waking for reply polls and pushed replies, and reporting why it waits. */
  private async waitUntil(until: number): Promise<void> {
    const { clock, stop, options } = this.deps;
    const now = clock.now();
    const wakeForPoll = this.replies.hasOpenLeads() ? this.lastPollAt + options.pollIntervalMs : Infinity;
    const target = Math.max(now, Math.min(until, wakeForPoll));
    // `shown` is when the next send can really go: the head may wake us sooner only to meet a cap.
    const { at: shown, ...reason } = this.explainNext(now, until);
    const key = `${shown}:${reason.detail}`;
    // Waits under a second are routine between two pieces of work; reporting them is noise.
    if (shown - now >= 1000 && key !== this.lastWait) {
      this.lastWait = key;
      this.deps.emit({ type: "waiting", at: now, until: shown, ...reason });
    }
    const ac = new AbortController();
    // A reason of our own: abort() without one builds a DOMException with a stack trace, once per wait.
    const onStop = (): void => ac.abort(WAIT_OVER);
    stop.addEventListener("abort", onStop, { once: true });
    try {
      const arrival = this.deps.replies.arrival?.();
      await Promise.race([clock.sleep(target - now, ac.signal), ...(arrival ? [arrival] : [])]);
    } finally {
      ac.abort(WAIT_OVER);
      stop.removeEventListener("abort", onStop);
    }
  }

  /** Polls for replies when the interval has passed or replies were pushed; returns whether it polled. */
  private async pollReplies(force: boolean): Promise<boolean> {
    const now = this.deps.clock.now();
    if (!force && now - this.lastPollAt < this.deps.options.pollIntervalMs && !this.replies.hasPushed()) return false;
    this.lastPollAt = now;
    await this.replies.poll(this.deps.stop);
    return true;
  }

  /** Settles every `sending` record left by an interrupted run before anything is sent again. */
  private async reconcileUncertain(): Promise<void> {
    const uncertain: { leadId: string; stepId: string }[] = [];
    for (const state of this.deps.store.leads()) {
      for (const [stepId, rec] of Object.entries(state.steps)) {
        if (rec.status === "sending") uncertain.push({ leadId: state.id, stepId });
      }
    }
    if (uncertain.length === 0) return;
    this.deps.emit({ type: "reconcile.started", at: this.deps.clock.now(), count: uncertain.length });
    for (const { leadId, stepId } of uncertain) {
      const resolved = await this.steps.reconcile(leadId, stepId);
      if (!resolved && !this.deps.stop.aborted) this.pausedReason ??= `could not confirm whether lead ${leadId} got step "${stepId}" (the Inbox API did not answer); nothing was re-sent`;
    }
  }


}

function never(): Promise<never> {
  return new Promise<never>(() => undefined);
}

/** Why a failed task pauses the run: a PausedError says it (a failed state write); anything else is a bug. */
function pauseReason(err: unknown, where: string): string {
  if (err instanceof PausedError) return err.message;
  return `internal error${where}: ${err instanceof Error ? err.message : String(err)}`;
}
