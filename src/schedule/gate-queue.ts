/**
 * What every team-quota gate shares, whoever grants the starts: the `ApiLimiter` contract the engine,
 * the client and the reply sources use; a priority queue of jobs (0 first, FIFO within a priority)
 * with aborts, a cap on requests in flight, stop and stats; learning a stricter server quota from the
 * responses (learned-quota.ts); and reading a 429 or 503's hold. The local gate (api-limiter.ts)
 * grants starts from its own sliding-window count; the team gate (team/shared-limiter.ts) asks Redis.
 */
import type { RateWindow } from "../config/types.js";
import type { RateLimitInfo } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { QuotaLearner, type LearnedWindow } from "./learned-quota.js";
import { MinHeap } from "./min-heap.js";

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

/**
 * Until when a response tells every request to wait (ms, our clock): a 429, or a 503 with Retry-After —
 * `Retry-After`, else a future `X-RateLimit-Reset`, else v1's 60 s. Undefined for any other response.
 */
export function throttledUntil(info: RateLimitInfo, status: number, now: number): number | undefined {
  if (!isThrottleStatus(status) && !(status === 503 && info.retryAfterMs !== undefined)) return undefined;
  if (info.retryAfterMs !== undefined) return now + info.retryAfterMs;
  return info.resetAt !== undefined && info.resetAt > now ? info.resetAt : now + DEFAULT_THROTTLE_MS;
}

// Priority occupies the high part of the heap key and a sequence number the low part, so equal
// priorities pop FIFO; 9·2^40 + 2^40 stays below 2^53.
const PRIORITY_SCALE = 2 ** 40;

/** A job waiting for (or holding) a start. `queued` turns false when it starts, aborts or is dropped. */
export interface QueuedJob {
  readonly fn: () => Promise<unknown>;
  readonly priority: number;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  queued: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export interface GateQueueOptions {
  clock: Clock;
  /** Requests in flight at once; default 8. */
  maxConcurrent?: number;
  /** The configured quota windows; a server limit below all of them is learned. [] = "off": nothing learned. */
  windows: readonly RateWindow[];
}

/**
 * The queue and its bookkeeping; subclasses decide when the head job may start (`dispatch`) and what a
 * start and its response mean for their count (`opened`, `closed`, `learn`, `unlearn`, `observeRemaining`).
 * `Ticket` is what a start hands to its response (a ring slot, a Redis member).
 */
export abstract class GateQueue<Ticket> implements ApiLimiter {
  onHold?: (until: number, reason: string) => void;
  onLearned?: (window: LearnedWindow) => void;
  protected readonly clock: Clock;
  protected readonly maxConcurrent: number;
  /** Learns a stricter server quota; only when windows are configured ("off" trusts the user). */
  protected readonly learner: QuotaLearner | undefined;
  protected running = 0;
  protected stopped = false;
  /** Aborted by stop(): cuts every wait short. */
  protected readonly stopping = new AbortController();
  protected heldCount = 0;
  private readonly queue = new MinHeap<QueuedJob>();
  private seq = 0;
  private readonly idle: (() => void)[] = [];
  private scheduledCount = 0;
  private doneCount = 0;

  constructor(opts: GateQueueOptions) {
    const maxConcurrent = opts.maxConcurrent ?? 8;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new RangeError(`maxConcurrent must be an integer >= 1, got ${maxConcurrent}`);
    }
    this.maxConcurrent = maxConcurrent;
    this.clock = opts.clock;
    this.learner = opts.windows.length > 0 ? new QuotaLearner(opts.windows) : undefined;
  }

  abstract get heldUntil(): number | undefined;
  abstract holdUntil(at: number, reason: string): void;
  /** Starts queued jobs as far as allowed, or arranges to be called again (a job arrived or settled). */
  protected abstract dispatch(): void;
  /** A start of the head job was granted: count it; the ticket comes back in `closed`. */
  protected abstract opened(): Ticket;
  /** The response to a start arrived at `at` (or it failed before reaching the server). */
  protected abstract closed(ticket: Ticket, at: number): void;
  /** Enforce a stricter window learned from the server (or its new, shorter length). */
  protected abstract learn(window: LearnedWindow): void;
  /** Stop enforcing the learned window with this limit: the server stopped reporting it. */
  protected abstract unlearn(limit: number): void;
  /** A 2xx/4xx/5xx response's X-RateLimit-* headers (not a throttle): hold if others spent the quota. */
  protected abstract observeRemaining(info: RateLimitInfo, now: number): void;

  learnedWindows(): LearnedWindow[] {
    return this.learner?.windows() ?? [];
  }

  schedule<T>(fn: () => Promise<T>, opts?: ScheduleOptions): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const priority = Math.min(9, Math.max(0, Math.trunc(opts?.priority ?? 5)));
    this.scheduledCount++;
    return new Promise<T>((resolve, reject) => {
      const job: QueuedJob = { fn, priority, resolve: resolve as (v: unknown) => void, reject, queued: true, signal, onAbort: undefined };
      // Fast path (no gate, nothing queued, a free slot): start now, no heap, no clock read.
      if (this.queue.size === 0 && this.running < this.maxConcurrent && this.isOpen()) {
        this.run(job);
        return;
      }
      if (signal) {
        job.onAbort = () => {
          if (!job.queued) return;
          job.queued = false; // left in the heap; head() discards it when it surfaces
          this.doneCount++;
          reject(abortReason(signal));
        };
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job, priority * PRIORITY_SCALE + this.seq++);
      this.dispatch();
    });
  }

  observe(info: RateLimitInfo, status: number): void {
    const now = this.clock.now();
    for (const limit of this.learner?.expire(now) ?? []) this.unlearn(limit);
    const until = throttledUntil(info, status, now);
    if (until !== undefined) {
      this.holdUntil(until, `the API answered ${status} (rate limited)`);
      return;
    }
    const learned = this.learner?.observe(info, now);
    if (learned) {
      this.learn(learned);
      this.onLearned?.(learned);
    }
    this.observeRemaining(info, now);
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopping.abort();
      for (let job = this.queue.pop(); job; job = this.queue.pop()) {
        if (!job.queued) continue;
        job.queued = false;
        release(job);
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

  /** True when a job may start at once without asking anyone (no quota, no hold): the fast path. */
  protected isOpen(): boolean {
    return false;
  }

  /** The most urgent job still queued, or undefined (aborted ones are discarded on the way). */
  protected head(): QueuedJob | undefined {
    for (let job = this.queue.peek(); job; job = this.queue.peek()) {
      if (job.queued) return job;
      this.queue.pop();
    }
    return undefined;
  }

  /** Starts the most urgent queued job (a start was granted); false when none is left. */
  protected startHead(): boolean {
    const job = this.head();
    if (!job) return false;
    this.queue.pop();
    this.run(job);
    return true;
  }

  /** The earliest start among requests still in flight (ms), or undefined (none, or nothing learned). */
  protected earliestRunningStart(): number | undefined {
    return this.learner?.earliestRunning();
  }

  private run(job: QueuedJob): void {
    job.queued = false;
    release(job);
    const ticket = this.opened();
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
        this.settle(ticket, startedAt, true);
        job.resolve(value);
      },
      (error: unknown) => {
        this.settle(ticket, startedAt, isCounted(error));
        job.reject(error);
      },
    );
  }

  private settle(ticket: Ticket, startedAt: number, counted: boolean): void {
    const at = this.clock.now();
    // The quota counts the request as of its response (sliding-window.ts), so its slot closes now.
    this.closed(ticket, at);
    this.learner?.ended(startedAt, at, counted);
    this.running--;
    this.doneCount++;
    if (!this.stopped) this.dispatch();
    if (this.running === 0 && this.stopped) for (const resolve of this.idle.splice(0)) resolve();
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

function release(job: QueuedJob): void {
  if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}
