/**
 * The team's Inbox API quota, shared by every request the runner makes (reads included): a priority
 * queue with a concurrency cap, an exact sliding-window gate per quota window, and holds driven by the
 * server's rate-limit headers and 429s.
 *
 * Why not Bottleneck for the queue (the plan was Bottleneck for queue/priority/concurrency): measured
 * on Node 20, Bottleneck 2.19.5 serialises every job through `setTimeout(0)` hops (LocalDatastore's
 * `yieldLoop`, `_run`), ~2.3 ms of real time per job whatever maxConcurrent is, i.e. < 440 jobs/s,
 * against the 500 sends/s target and the < 0.1 ms/job budget. Those real timers also race a
 * SimulatedClock: the clock jumps to the next sleep while a job sits in Bottleneck's timer. The queue
 * below is a MinHeap, dispatches synchronously, and waits only through the injected clock.
 */
import type { RateWindow } from "../config/types.js";
import type { RateLimitInfo } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { QuotaLearner, type LearnedWindow } from "./learned-quota.js";
import { MinHeap } from "./min-heap.js";
import { SlidingWindowGate, defaultQuotaMargin } from "./sliding-window.js";

export interface ScheduleOptions {
  /** 0 (highest) … 9 (lowest), as the account lanes; default 5. FIFO within a priority. */
  priority?: number;
  /** Aborting before the job starts rejects it with the signal's reason; a started job runs on. */
  signal?: AbortSignal;
}

export interface ApiLimiterStats {
  /** Jobs accepted by schedule(). */
  scheduled: number;
  /** Jobs settled: resolved, rejected, aborted before start, or dropped by stop(). */
  done: number;
  /** Times a hold was placed or extended. */
  held: number;
  /** Jobs waiting for a start slot. */
  queued: number;
  /** Jobs started and not yet settled. */
  running: number;
}

export interface ApiLimiter {
  schedule<T>(fn: () => Promise<T>, opts?: ScheduleOptions): Promise<T>;
  /** Feed every response's rate-limit headers and status here; 429s and a spent quota hold new starts. */
  observe(info: RateLimitInfo, status: number): void;
  /** Holds every new start until `at` (never shortens a hold). Queued jobs wait; none fails. */
  holdUntil(at: number, reason: string): void;
  /** The instant the current hold ends, or undefined when not held. */
  readonly heldUntil: number | undefined;
  /** Called when a hold is placed or extended: the reporter shows it. */
  onHold?: (until: number, reason: string) => void;
  /** Called when the server's headers show a stricter quota than configured, and whenever its learned length shrinks (a window not reported for a while is forgotten: learned-quota.ts). */
  onLearned?: (window: LearnedWindow) => void;
  /** Quota windows learned from the server so far (schedule/learned-quota.ts). */
  learnedWindows(): LearnedWindow[];
  /** Drops queued jobs (rejected with LimiterStoppedError) and resolves once running jobs settle. */
  stop(): Promise<void>;
  stats(): ApiLimiterStats;
}

export interface ApiLimiterOptions {
  /** The quota windows, all enforced at once; [] = "off" (no gate). */
  windows: RateWindow[];
  /** Requests in flight at once; default 8. */
  maxConcurrent?: number;
  clock: Clock;
  /** Extra wait past each window's edge; default defaultQuotaMargin (1 s, or 2% of a shorter window; see there for why). */
  marginMs?: number;
}

/** Thrown to jobs still queued when the limiter stops. */
export class LimiterStoppedError extends Error {
  override readonly name = "LimiterStoppedError";
  constructor() {
    super("The API limiter was stopped before this request could start.");
  }
}

/** True for a response that means "slow down": 429 Too Many Requests. */
export function isThrottleStatus(status: number): boolean {
  return status === 429;
}

// A 429 without Retry-After or a future reset: v1's 429 body says "Try again in 60 seconds" (reference.md §4).
const DEFAULT_THROTTLE_MS = 60_000;
// A wait for quota this long is announced (onHold); shorter ones are ordinary pacing.
const LONG_WAIT_MS = 10_000;
// The longest quota window is a day; a reset header further out than that is wrong, not a reason to stall longer.
const MAX_HOLD_MS = 86_400_000;
// Priority occupies the high part of the heap key and a sequence number the low part, so equal
// priorities pop FIFO; 9·2^40 + 2^40 stays below 2^53.
const PRIORITY_SCALE = 2 ** 40;

const QUEUED = 0;
const STARTED = 1;
const SETTLED = 2;

interface Job {
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  state: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export function createApiLimiter(opts: ApiLimiterOptions): ApiLimiter {
  return new QuotaLimiter(opts);
}

class QuotaLimiter implements ApiLimiter {
  onHold?: (until: number, reason: string) => void;
  onLearned?: (window: LearnedWindow) => void;
  private readonly clock: Clock;
  private readonly gate: SlidingWindowGate;
  /** Learns a stricter server quota; only when windows are configured ("off" trusts the user). */
  private readonly learner: QuotaLearner | undefined;
  private readonly marginOf: (windowMs: number) => number;
  private readonly maxConcurrent: number;
  private readonly queue = new MinHeap<Job>();
  private seq = 0;
  private running = 0;
  /** End of the current hold; 0 = none. Cleared lazily once passed. */
  private holdAt = 0;
  /** The end of the last long quota wait announced through onHold (see noticeLongWait). */
  private noticedUntil = 0;
  /** True while one clock.sleep is pending to re-run drain(); one wake-up at a time is enough. */
  private sleeping = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly idle: (() => void)[] = [];
  private scheduledCount = 0;
  private doneCount = 0;
  private heldCount = 0;

  constructor(opts: ApiLimiterOptions) {
    const maxConcurrent = opts.maxConcurrent ?? 8;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be an integer >= 1, got ${maxConcurrent}`);
    }
    this.maxConcurrent = maxConcurrent;
    this.clock = opts.clock;
    const margin = opts.marginMs;
    this.marginOf = margin === undefined ? defaultQuotaMargin : () => margin;
    this.gate = new SlidingWindowGate(opts.windows, this.marginOf);
    this.learner = opts.windows.length > 0 ? new QuotaLearner(opts.windows) : undefined;
  }

  learnedWindows(): LearnedWindow[] {
    return this.learner?.windows() ?? [];
  }

  get heldUntil(): number | undefined {
    return this.holdAt > this.clock.now() ? this.holdAt : undefined;
  }

  schedule<T>(fn: () => Promise<T>, opts?: ScheduleOptions): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const priority = Math.min(9, Math.max(0, Math.trunc(opts?.priority ?? 5)));
    this.scheduledCount++;
    return new Promise<T>((resolve, reject) => {
      const job: Job = { fn, resolve: resolve as (v: unknown) => void, reject, state: QUEUED, signal, onAbort: undefined };
      // Fast path ("off", nothing queued, a free slot): start now, no heap, no clock read.
      if (this.queue.size === 0 && this.running < this.maxConcurrent && this.gate.isOff && this.holdAt === 0) {
        this.start(job);
        return;
      }
      if (signal) {
        job.onAbort = () => {
          if (job.state !== QUEUED) return;
          job.state = SETTLED; // left in the heap; drain() discards it when it surfaces
          this.doneCount++;
          reject(abortReason(signal));
        };
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job, priority * PRIORITY_SCALE + this.seq++);
      this.drain();
    });
  }

  observe(info: RateLimitInfo, status: number): void {
    const now = this.clock.now();
    for (const limit of this.learner?.expire(now) ?? []) this.gate.unlearn(limit);
    const learned = isThrottleStatus(status) ? undefined : this.learner?.observe(info, now);
    if (learned) {
      this.gate.learn(learned.limit, learned.windowMs, this.marginOf(learned.windowMs));
      this.onLearned?.(learned);
    }
    const resetAhead = info.resetAt !== undefined && info.resetAt > now ? info.resetAt : undefined;
    if (isThrottleStatus(status) || (status === 503 && info.retryAfterMs !== undefined)) {
      const until = info.retryAfterMs !== undefined ? now + info.retryAfterMs : (resetAhead ?? now + DEFAULT_THROTTLE_MS);
      this.holdUntil(until, `the API answered ${status} (rate limited)`);
      return;
    }
    // Requests already in flight will spend what is left, so hold when they alone could use it up —
    // but only when the server has counted usage we did not make (other clients of the team share the
    // quota). When its count matches ours, the sliding-window gate already paces to the exact instant,
    // and a hold until the reset (whole seconds) would only waste quota.
    if (info.remaining !== undefined && resetAhead !== undefined && info.remaining <= this.running) {
      const ours = info.limit !== undefined ? this.gate.remainingFor(info.limit, now) : undefined;
      if (ours !== undefined && info.remaining >= ours) return;
      this.holdUntil(resetAhead, `the team's API quota has ${info.remaining} requests left until it resets`);
    }
  }

  holdUntil(at: number, reason: string): void {
    const now = this.clock.now();
    const until = Math.min(at, now + MAX_HOLD_MS);
    if (until <= now || until <= this.holdAt) return;
    this.holdAt = until;
    this.heldCount++;
    this.onHold?.(until, reason);
    // No wake-up needed: jobs already started are unaffected, and the next drain() sees the hold.
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopping.abort();
      for (let job = this.queue.pop(); job; job = this.queue.pop()) {
        if (job.state !== QUEUED) continue;
        job.state = SETTLED;
        this.release(job);
        this.doneCount++;
        job.reject(new LimiterStoppedError());
      }
    }
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): ApiLimiterStats {
    const queued = this.scheduledCount - this.doneCount - this.running;
    return { scheduled: this.scheduledCount, done: this.doneCount, held: this.heldCount, queued, running: this.running };
  }

  /** Starts queued jobs while a slot is free and the quota allows; otherwise sleeps until it may. */
  private drain(): void {
    while (this.running < this.maxConcurrent && !this.stopped) {
      const job = this.queue.peek();
      if (!job) return;
      if (job.state !== QUEUED) {
        this.queue.pop();
        continue;
      }
      if (!this.gate.isOff || this.holdAt !== 0) {
        const now = this.clock.now();
        const at = this.startAllowedAt(now);
        // Infinity: the quota's next slot waits on a response still in flight; its finish() drains again.
        if (at === Number.POSITIVE_INFINITY) return;
        if (at > now) {
          this.noticeLongWait(now, at);
          return this.wakeIn(at - now);
        }
      }
      this.queue.pop();
      this.start(job);
    }
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
      this.drain();
    });
  }

  private start(job: Job): void {
    job.state = STARTED;
    this.release(job);
    // The quota counts the request as of its response (see sliding-window.ts), so the slot is
    // closed when the job settles.
    const slot = this.gate.isOff ? -1 : this.gate.begin();
    const startedAt = this.learner ? this.clock.now() : 0;
    this.learner?.started(startedAt);
    this.running++;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(job.fn());
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        if (slot >= 0) this.gate.end(slot, this.clock.now());
        this.learner?.ended(startedAt, this.clock.now(), true);
        this.finish();
        job.resolve(value);
      },
      (error: unknown) => {
        if (slot >= 0) this.gate.end(slot, this.clock.now());
        this.learner?.ended(startedAt, this.clock.now(), isCounted(error));
        this.finish();
        job.reject(error);
      },
    );
  }

  private finish(): void {
    this.running--;
    this.doneCount++;
    if (this.queue.size > 0) this.drain();
    if (this.running === 0 && this.stopped) for (const resolve of this.idle.splice(0)) resolve();
  }

  private release(job: Job): void {
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
  }
}

/**
 * Whether the server counted a request that failed with `error`: not when it refused it (429: "a refused
 * request is not counted") or the connection was never made. Everything else reached it.
 */
function isCounted(error: unknown): boolean {
  const e = error as { status?: unknown; isConnectFailure?: unknown } | null;
  return !(typeof e === "object" && e !== null && ((typeof e.status === "number" && isThrottleStatus(e.status)) || e.isConnectFailure === true));
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
