/**
 * The team quota gate when several runners share one team: the same `ApiLimiter` the engine, the
 * client and the reply sources already use (schedule/api-limiter.ts), but every start is granted by
 * the team's log in Redis (team-quota.ts) instead of a local count.
 *
 * Locally it keeps a priority queue (0 first, FIFO within a priority) and a cap on requests in flight;
 * one loop asks Redis for the head job's start, so this runner competes in the team's queue with its
 * most urgent work. What it promises:
 *  - never a start Redis did not grant: while Redis is unreachable every new request is HELD (requests
 *    already in flight finish); when it is back, this runner first puts its own requests back (in case
 *    Redis restarted empty), then goes on. The quota is never exceeded and no state is lost;
 *  - a 429 or the server's headers seen by any runner hold all of them (a team-wide hold key);
 *  - a runner that dies frees its share: its queue entry lapses after WAITER_LEASE_MS and its
 *    unanswered requests after IN_FLIGHT_LEASE_MS + one window.
 */
import type { ApiLimiter, ApiLimiterStats, ScheduleOptions } from "../schedule/api-limiter.js";
import { LimiterStoppedError, isThrottleStatus } from "../schedule/api-limiter.js";
import type { LearnedWindow } from "../schedule/learned-quota.js";
import { MinHeap } from "../schedule/min-heap.js";
import type { RateLimitInfo } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import type { TeamRedis } from "./redis-connection.js";
import type { TeamQuota } from "./team-quota.js";

/** Retry interval while Redis is unreachable (ioredis reconnects on its own meanwhile). */
const REDIS_RETRY_MS = 250;
/**
 * Poll interval while another runner's turn comes first (its start frees our turn), and twice that
 * while a slot waits on someone else's response. Short against a slot of the documented quota
 * (60 s / 300 = 200 ms); each poll is one Redis round trip.
 */
const TURN_POLL_MS = 10;
/** Longest single wait, so this runner's place in the team's queue stays alive (WAITER_LEASE_MS). */
const MAX_WAIT_MS = 1_000;
/**
 * After Redis came back empty, every runner holds this long so all can put their requests back
 * first: twice ioredis's longest reconnect delay (redis-connection.ts).
 */
export const RESEED_GRACE_MS = 2_000;
/** A 429 without Retry-After: v1's body says "Try again in 60 seconds" (reference.md §4). */
const DEFAULT_THROTTLE_MS = 60_000;

export interface SharedLimiterOptions {
  quota: TeamQuota;
  redis: TeamRedis;
  clock: Clock;
  /** Requests in flight at once from this runner; default 8 (as the local gate). */
  maxConcurrent?: number;
  /** The Redis URL without its password, for messages. */
  where: string;
  /** Redis lost and back again, for the reporter. */
  onNotice?: (level: "info" | "warn", message: string) => void;
}

interface Job {
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  priority: number;
  queued: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export function createSharedLimiter(opts: SharedLimiterOptions): ApiLimiter {
  return new SharedLimiter(opts);
}

class SharedLimiter implements ApiLimiter {
  onHold?: (until: number, reason: string) => void;
  /** Never called: the shared log keeps the configured windows; a stricter server is met by its 429s and headers, held team-wide. */
  onLearned?: (window: LearnedWindow) => void;
  private readonly queue = new MinHeap<Job>();
  private readonly maxConcurrent: number;
  private seq = 0;
  private running = 0;
  private pumping = false;
  private stopped = false;
  private readonly stopping = new AbortController();
  /** Aborted to cut a wait short: a job finished or a more urgent one arrived. */
  private nap = new AbortController();
  private readonly idle: (() => void)[] = [];
  private localHold = 0;
  private isInTeamQueue = false;
  private isRedisDown = false;
  /** Set when the connection came back: put our requests back before asking for a start. */
  private needsReseed = false;
  private lastTeamHold = 0;
  private scheduledCount = 0;
  private doneCount = 0;
  private heldCount = 0;
  private grants = 0;


  /** The team gate learns no window of its own (see onLearned). */
  learnedWindows(): LearnedWindow[] {
    return [];
  }
  constructor(private readonly opts: SharedLimiterOptions) {
    this.maxConcurrent = opts.maxConcurrent ?? 8;
    opts.redis.onReconnect(() => {
      this.needsReseed = true;
      this.wake();
      void this.pump();
    });
  }

  get heldUntil(): number | undefined {
    return this.localHold > this.opts.clock.now() ? this.localHold : undefined;
  }

  schedule<T>(fn: () => Promise<T>, opts?: ScheduleOptions): Promise<T> {
    if (this.stopped) return Promise.reject(new LimiterStoppedError());
    const signal = opts?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const priority = Math.min(9, Math.max(0, Math.trunc(opts?.priority ?? 5)));
    this.scheduledCount++;
    return new Promise<T>((resolve, reject) => {
      const job: Job = { fn, resolve: resolve as (v: unknown) => void, reject, priority, queued: true, signal, onAbort: undefined };
      if (signal) {
        job.onAbort = () => {
          if (!job.queued) return;
          job.queued = false; // left in the heap; the pump discards it
          this.doneCount++;
          reject(signal.reason);
        };
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job, priority * 2 ** 40 + this.seq++);
      this.wake();
      void this.pump();
    });
  }

  observe(info: RateLimitInfo, status: number): void {
    const now = this.opts.clock.now();
    const resetAhead = info.resetAt !== undefined && info.resetAt > now ? info.resetAt : undefined;
    if (isThrottleStatus(status) || (status === 503 && info.retryAfterMs !== undefined)) {
      const until = info.retryAfterMs !== undefined ? now + info.retryAfterMs : (resetAhead ?? now + DEFAULT_THROTTLE_MS);
      this.holdUntil(until, `the API answered ${status} (rate limited); every runner of the team holds`);
      return;
    }
    // Only when little is left is the server's count worth a Redis call: it can then show usage by
    // clients outside the log (another tool of the team), which must hold every runner.
    if (info.remaining !== undefined && info.limit !== undefined && resetAhead !== undefined && info.remaining <= this.maxConcurrent) {
      const remaining = info.remaining;
      this.opts.quota.observe(info.limit, remaining, resetAhead).then(
        (placed) => {
          if (placed) this.noteHold(resetAhead, `the team's API quota has ${remaining} requests left until it resets (used outside this team's runners)`);
        },
        () => undefined,
      );
    }
  }

  holdUntil(at: number, reason: string): void {
    if (at <= this.opts.clock.now()) return;
    this.noteHold(at, reason);
    // Redis unreachable: the hold stays local and is put back by the reseed on reconnection.
    this.opts.quota.hold(at).catch(() => undefined);
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.stopping.abort();
      for (let job = this.queue.pop(); job; job = this.queue.pop()) {
        if (!job.queued) continue;
        job.queued = false;
        this.release(job);
        this.doneCount++;
        job.reject(new LimiterStoppedError());
      }
      if (this.isInTeamQueue) this.opts.quota.leave().catch(() => undefined);
    }
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): ApiLimiterStats {
    const queued = this.scheduledCount - this.doneCount - this.running;
    return { scheduled: this.scheduledCount, done: this.doneCount, held: this.heldCount, queued, running: this.running };
  }

  /** The one loop that asks the team for starts; re-entered when work arrives or a job finishes. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.running < this.maxConcurrent) {
        // Even with nothing queued: after Redis restarted empty, the team needs our requests back now.
        if (this.needsReseed || this.isRedisDown) {
          const wait = await this.reseed();
          if (wait > 0) {
            await this.sleep(wait);
            continue;
          }
        }
        const job = this.head();
        if (!job) {
          if (this.isInTeamQueue) {
            this.isInTeamQueue = false;
            this.opts.quota.leave().catch(() => undefined);
          }
          return;
        }
        const now = this.opts.clock.now();
        if (this.localHold > now) {
          await this.sleep(this.localHold - now);
          continue;
        }
        const wait = await this.tryStart(job);
        if (wait > 0) await this.sleep(wait);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Asks Redis for a start at `job`'s priority; returns how long to wait before asking again (0: ask at once). */
  private async tryStart(job: Job): Promise<number> {
    try {
      const admission = await this.opts.quota.acquire(job.priority);
      this.isInTeamQueue = !admission.granted;
      if (admission.granted) {
        if (++this.grants % 1_000 === 0) this.opts.quota.prune();
        // The slot goes to the most urgent job now queued (a more urgent one may have arrived while
        // Redis answered); if the queue emptied (aborted), it counts as used, which is safe.
        const next = this.head();
        if (next) {
          this.queue.pop();
          this.start(next, admission.member);
        } else {
          void this.opts.quota.complete(admission.member).catch(() => undefined);
        }
        return 0;
      }
      if (admission.reason === "hold") {
        this.noteHold(this.opts.clock.now() + admission.waitMs, "another runner of the team was told to wait (429 or the server's rate-limit headers)");
        return Math.min(admission.waitMs, MAX_WAIT_MS);
      }
      if (admission.reason === "turn") return TURN_POLL_MS;
      // Beyond the longest window the slot waits on a response in flight (its lease), not on time: poll.
      return admission.waitMs > MAX_WAIT_MS ? TURN_POLL_MS * 2 : Math.max(1, admission.waitMs);
    } catch (err) {
      return this.lost(err);
    }
  }

  /** Puts this runner's requests back after a reconnection; returns how long to wait (0: done). */
  private async reseed(): Promise<number> {
    try {
      this.needsReseed = false;
      const lost = await this.opts.quota.reseed(RESEED_GRACE_MS);
      if (this.isRedisDown) {
        this.isRedisDown = false;
        this.opts.onNotice?.("info", `the team's Redis at ${this.opts.where} is back${lost ? " (it had lost its data: this runner's requests were put back)" : ""}; continuing`);
      }
      return 0;
    } catch (err) {
      this.needsReseed = true;
      return this.lost(err);
    }
  }

  /** Redis did not answer: hold every start (reported once per outage); returns the retry delay. */
  private lost(err: unknown): number {
    if (!this.isRedisDown) {
      this.isRedisDown = true;
      this.heldCount++;
      const reason = `the team's Redis at ${this.opts.where} is unreachable (${describe(err)}): holding every request until it is back, so the team's quota is never exceeded`;
      this.opts.onNotice?.("warn", reason);
      this.onHold?.(this.opts.clock.now() + REDIS_RETRY_MS, reason);
    }
    return REDIS_RETRY_MS;
  }

  private start(job: Job, member: string): void {
    job.queued = false;
    this.release(job);
    this.running++;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(job.fn());
    } catch (error) {
      result = Promise.reject(error);
    }
    const settle = (): void => {
      // Best effort: if Redis is away, the in-flight lease stands in, and the reseed puts the real instant back.
      this.opts.quota.complete(member).catch(() => undefined);
      this.running--;
      this.doneCount++;
      this.wake();
      void this.pump();
      if (this.running === 0 && this.stopped) for (const resolve of this.idle.splice(0)) resolve();
    };
    result.then(
      (value) => {
        settle();
        job.resolve(value);
      },
      (error: unknown) => {
        settle();
        job.reject(error);
      },
    );
  }

  /** The most urgent job still queued, or undefined. */
  private head(): Job | undefined {
    for (let job = this.queue.peek(); job; job = this.queue.peek()) {
      if (job.queued) return job;
      this.queue.pop();
    }
    return undefined;
  }

  private noteHold(until: number, reason: string): void {
    if (until > this.localHold) this.localHold = until;
    // One report per hold instant: every poll during a team-wide hold would otherwise repeat it.
    if (until <= this.lastTeamHold + 1) return;
    this.lastTeamHold = until;
    this.heldCount++;
    this.onHold?.(until, reason);
  }

  private sleep(ms: number): Promise<void> {
    return this.opts.clock.sleep(ms, AbortSignal.any([this.stopping.signal, this.nap.signal]));
  }

  private wake(): void {
    this.nap.abort();
    this.nap = new AbortController();
  }

  private release(job: Job): void {
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}
