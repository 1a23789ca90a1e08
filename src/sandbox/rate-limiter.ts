/**
 * Sliding-window rate limits on the injected clock. Each window keeps the timestamps of the requests it
 * accepted in a ring buffer sized to its limit: a window never holds more than `limit` live entries, so
 * checking and recording are O(1) amortised (expired entries are popped from the head), with no array
 * filtering on the hot path.
 */
import type { RateWindow } from "../config/types.js";

/** The team quota of the current v1 docs: 300/min, 10,000/h, 100,000/day, all enforced at once (reference.md §4). */
export const DEFAULT_TEAM_LIMITS: readonly RateWindow[] = [
  { limit: 300, windowMs: 60_000 },
  { limit: 10_000, windowMs: 3_600_000 },
  { limit: 100_000, windowMs: 86_400_000 },
];

class WindowLog {
  private readonly times: Float64Array;
  private head = 0;
  private size = 0;

  constructor(readonly window: RateWindow) {
    this.times = new Float64Array(Math.max(1, window.limit));
  }

  /** Drops entries that left the window: an entry at t counts while now < t + windowMs. */
  evict(now: number): void {
    const cutoff = now - this.window.windowMs;
    while (this.size > 0 && (this.times[this.head] ?? 0) <= cutoff) {
      this.head = (this.head + 1) % this.times.length;
      this.size--;
    }
  }

  get count(): number {
    return this.size;
  }

  get remaining(): number {
    return Math.max(0, this.window.limit - this.size);
  }

  /** When the oldest live entry leaves the window (ms), or `now` when the window is empty. */
  nextFreeAt(now: number): number {
    return this.size === 0 ? now : (this.times[this.head] ?? now) + this.window.windowMs;
  }

  record(now: number): void {
    if (this.window.limit <= 0) return;
    if (this.size === this.times.length) {
      // Full: only reachable if a caller records past the limit; overwrite the oldest to stay bounded.
      this.head = (this.head + 1) % this.times.length;
      this.size--;
    }
    this.times[(this.head + this.size) % this.times.length] = now;
    this.size++;
  }
}

export interface RateDecision {
  allowed: boolean;
  /** Present when refused: whole seconds until a retry can succeed (Retry-After rounds up). */
  retryAfterSec?: number;
}

/** What the X-RateLimit-* headers describe: the window with the fewest requests left (ties: the shortest). */
export interface RateSnapshot {
  limit: number;
  remaining: number;
  /** Unix seconds at which `remaining` next grows. */
  resetSec: number;
}

export class SlidingWindowLimiter {
  private readonly logs: WindowLog[];

  constructor(windows: readonly RateWindow[]) {
    this.logs = windows.map((w) => new WindowLog(w));
  }

  get isOff(): boolean {
    return this.logs.length === 0;
  }

  /** Records the request if every window has room; a refused request is not counted (it was never processed). */
  take(now: number): RateDecision {
    let waitMs = 0;
    let isFull = false;
    for (const log of this.logs) {
      log.evict(now);
      if (log.remaining > 0) continue;
      isFull = true;
      waitMs = Math.max(waitMs, log.nextFreeAt(now) - now);
    }
    if (isFull) {
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    for (const log of this.logs) log.record(now);
    return { allowed: true };
  }

  snapshot(now: number): RateSnapshot | undefined {
    let tightest: WindowLog | undefined;
    for (const log of this.logs) {
      log.evict(now);
      if (!tightest || log.remaining < tightest.remaining) tightest = log;
      else if (log.remaining === tightest.remaining && log.window.windowMs < tightest.window.windowMs) tightest = log;
    }
    if (!tightest) return undefined;
    return {
      limit: tightest.window.limit,
      remaining: tightest.remaining,
      resetSec: Math.ceil(tightest.nextFreeAt(now) / 1000),
    };
  }
}

/** One limiter per key (account link id), created on first use. */
export class KeyedLimiter {
  private readonly limiters = new Map<string, SlidingWindowLimiter>();

  constructor(private readonly windows: readonly RateWindow[]) {}

  take(key: string, now: number): RateDecision {
    if (this.windows.length === 0) return { allowed: true };
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new SlidingWindowLimiter(this.windows);
      this.limiters.set(key, limiter);
    }
    return limiter.take(now);
  }
}
