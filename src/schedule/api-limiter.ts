/**
 * The team's Inbox API quota kept by this runner alone (no team Redis), shared by every request it
 * makes (reads included): the queue of gate-queue.ts, an exact sliding-window gate per quota window,
 * and holds driven by the server's rate-limit headers and 429s.
 *
 * Why not Bottleneck for the queue (the plan was Bottleneck for queue/priority/concurrency): measured
 * on Node 20, Bottleneck 2.19.5 serialises every job through `setTimeout(0)` hops (LocalDatastore's
 * `yieldLoop`, `_run`), ~2.3 ms of real time per job whatever maxConcurrent is, i.e. < 440 jobs/s,
 * against the 500 sends/s target and the < 0.1 ms/job budget. Those real timers also race a
 * SimulatedClock: the clock jumps to the next sleep while a job sits in Bottleneck's timer. The queue
 * is a MinHeap, dispatches synchronously, and waits only through the injected clock.
 */
import type { RateWindow } from "../config/types.js";
import type { RateLimitInfo } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { GateQueue, type ApiLimiter } from "./gate-queue.js";
import type { LearnedWindow } from "./learned-quota.js";
import { SlidingWindowGate, defaultQuotaMargin } from "./sliding-window.js";

export { isThrottleStatus, LimiterStoppedError, throttledUntil } from "./gate-queue.js";
export type { ApiLimiter, ApiLimiterStats, ScheduleOptions } from "./gate-queue.js";

export interface ApiLimiterOptions {
  /** The quota windows, all enforced at once; [] = "off" (no gate). */
  windows: RateWindow[];
  /** Requests in flight at once; default 8. */
  maxConcurrent?: number;
  clock: Clock;
  /** Extra wait past each window's edge; default defaultQuotaMargin (1 s, or 1% of a shorter window; see there for why). */
  marginMs?: number;
}

// A wait for quota this long is announced (onHold); shorter ones are ordinary pacing.
const LONG_WAIT_MS = 10_000;
// The longest quota window is a day; a reset header further out than that is wrong, not a reason to stall longer.
const MAX_HOLD_MS = 86_400_000;

export function createApiLimiter(opts: ApiLimiterOptions): ApiLimiter {
  return new QuotaLimiter(opts);
}

/** Tickets are the gate's start numbers; -1 when there is no gate ("off"). */
class QuotaLimiter extends GateQueue<number> {
  private readonly gate: SlidingWindowGate;
  private readonly marginOf: (windowMs: number) => number;
  /** End of the current hold; 0 = none. Cleared lazily once passed. */
  private holdAt = 0;
  /** The end of the last long quota wait announced through onHold (see noticeLongWait). */
  private noticedUntil = 0;
  /** True while one clock.sleep is pending to re-run dispatch(); one wake-up at a time is enough. */
  private sleeping = false;

  constructor(opts: ApiLimiterOptions) {
    super(opts);
    const margin = opts.marginMs;
    this.marginOf = margin === undefined ? defaultQuotaMargin : () => margin;
    this.gate = new SlidingWindowGate(opts.windows, this.marginOf);
  }

  get heldUntil(): number | undefined {
    return this.holdAt > this.clock.now() ? this.holdAt : undefined;
  }

  holdUntil(at: number, reason: string): void {
    const now = this.clock.now();
    const until = Math.min(at, now + MAX_HOLD_MS);
    if (until <= now || until <= this.holdAt) return;
    this.holdAt = until;
    this.heldCount++;
    this.onHold?.(until, reason);
    // No wake-up needed: jobs already started are unaffected, and the next dispatch() sees the hold.
  }

  protected override isOpen(): boolean {
    return this.gate.isOff && this.holdAt === 0;
  }

  protected learn(window: LearnedWindow): void {
    this.gate.learn(window.limit, window.windowMs, this.marginOf(window.windowMs));
  }

  protected unlearn(limit: number): void {
    this.gate.unlearn(limit);
  }

  /**
   * Requests already in flight will spend what is left, so hold when they alone could use it up —
   * but only when the server has counted usage we did not make (other clients of the team share the
   * quota). When its count is within ours, the sliding-window gate already paces to the exact
   * instant, and a hold until the reset (whole seconds) would only waste quota.
   */
  protected observeRemaining(info: RateLimitInfo, now: number): void {
    const resetAhead = info.resetAt !== undefined && info.resetAt > now ? info.resetAt : undefined;
    if (info.remaining === undefined || resetAhead === undefined || info.remaining > this.running) return;
    // The server counted this response's request somewhere after its start, so every request of ours
    // it can have counted was answered after (that start − the window): the earliest start still in
    // flight bounds it. Counting ours only up to `now` would miss those answered in between and take
    // our own requests for someone else's (a needless hold: ~15% of a 1 s quota measured).
    const ours = info.limit !== undefined ? this.gate.remainingFor(info.limit, this.earliestRunningStart() ?? now) : undefined;
    if (ours !== undefined && info.remaining >= ours) return;
    this.holdUntil(resetAhead, `the team's API quota has ${info.remaining} requests left until it resets`);
  }

  /** Starts queued jobs while a slot is free and the quota allows; otherwise sleeps until it may. */
  protected dispatch(): void {
    while (this.running < this.maxConcurrent && !this.stopped) {
      if (!this.head()) return;
      if (!this.gate.isOff || this.holdAt !== 0) {
        const now = this.clock.now();
        const at = this.startAllowedAt(now);
        // Infinity: the quota's next slot waits on a response still in flight; its settling dispatches again.
        if (at === Number.POSITIVE_INFINITY) return;
        if (at > now) {
          this.noticeLongWait(now, at);
          return this.wakeIn(at - now);
        }
      }
      this.startHead();
    }
  }

  protected opened(): number {
    return this.gate.isOff ? -1 : this.gate.begin();
  }

  protected closed(slot: number, at: number): void {
    if (slot >= 0) this.gate.end(slot, at);
  }

  /**
   * A quota window (configured or learned from the server) that keeps every request waiting for long is
   * announced like a hold, so a run that waits an hour says so instead of falling silent.
   */
  private noticeLongWait(now: number, at: number): void {
    if (at - now < LONG_WAIT_MS || at <= this.holdAt || at <= this.noticedUntil) return;
    this.noticedUntil = at;
    this.onHold?.(at, "the team's API quota is used up until then");
  }

  private startAllowedAt(now: number): number {
    let at = this.gate.nextStartAt(now);
    if (this.holdAt !== 0) {
      if (this.holdAt <= now) this.holdAt = 0;
      else if (this.holdAt > at) at = this.holdAt;
    }
    return at;
  }

  private wakeIn(ms: number): void {
    if (this.sleeping) return; // the pending wake-up re-checks; waits only grow while nothing starts
    this.sleeping = true;
    void this.clock.sleep(ms, this.stopping.signal).then(() => {
      this.sleeping = false;
      this.dispatch();
    });
  }
}
