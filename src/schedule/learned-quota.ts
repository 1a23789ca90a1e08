/**
 * Learning the team's real quota from the server when it is stricter than the configured one: a team
 * on a smaller plan, a server that changed its limits. The API reports, on every response, the window
 * with the fewest requests left (reference.md §4): `X-RateLimit-Limit` L, `X-RateLimit-Remaining` r and
 * `X-RateLimit-Reset` R, the instant `remaining` next grows. It never says how long that window is, so
 * the length is learned here from what we know of our own requests.
 *
 * The rule, for a sliding window of length W (reference.md §4: "sliding windows"): at the server's
 * instant p of this request, c = L − r requests lie in (p − W, p], the oldest of them at p_old, and
 * R ≥ p_old + W (R is rounded up to whole seconds). So W ≤ R − p_old ≤ R − (a lower bound of p_old).
 * A lower bound of p_old: the c-th latest START among requests certainly counted by then — those
 * answered before this one can have left (before the earliest start of any request still in flight),
 * and this one. Other clients of the team only make c larger, which makes the bound looser, never
 * wrong. Every response gives such an upper bound; the smallest one seen is the estimate, and it
 * approaches W as the rounding of R meets requests at different sub-second phases.
 *
 * Only upper bounds are used, so the gate paces at L per (estimate ≥ W) and never exceeds the server's
 * limit once it has been seen. `R` must already be on our clock and late rather than early
 * (inbox/server-clock.ts converts it that way), or the bound would be too small.
 */
import type { RateWindow } from "../config/types.js";
import type { RateLimitInfo } from "../inbox/types.js";

/** Requests remembered for the bound: more than any limit it learns (it learns limits below the configured ones). */
const HISTORY = 1024;

export interface LearnedWindow extends RateWindow {
  /** How many responses bounded the estimate so far. */
  samples: number;
  /** When the server last reported this limit (ms, our clock). */
  seenAt: number;
}

/**
 * A learned window the server has not reported for this long is dropped (its quota was raised, or a
 * temporary squeeze ended): at least 30 s, or ten of its windows. Should it bind again, the server
 * reports it again before it is spent (the headers show the window with the fewest requests left).
 */
export function forgetAfterMs(windowMs: number): number {
  return Math.max(30_000, 10 * windowMs);
}

export class QuotaLearner {
  private readonly starts = new Float64Array(HISTORY);
  private readonly ends = new Float64Array(HISTORY);
  private next = 0;
  private count = 0;
  /** Start times of requests in flight (a handful: at most the limiter's concurrency). */
  private readonly running: number[] = [];
  private readonly learned = new Map<number, LearnedWindow>();
  private readonly smallestConfigured: number;

  /** @param configured the quota windows from the campaign; only a server limit below all of them is learned. */
  constructor(configured: readonly RateWindow[]) {
    this.smallestConfigured = configured.reduce((min, w) => Math.min(min, w.limit), Number.POSITIVE_INFINITY);
  }

  /** A request left at `at` (ms, our clock). */
  started(at: number): void {
    this.running.push(at);
  }

  /**
   * The request that left at `startedAt` got its answer (or failed) at `at`; `counted` is false when the
   * server cannot have counted it (a 429, a connection never made): it is then left out of the bound.
   */
  ended(startedAt: number, at: number, counted: boolean): void {
    const i = this.running.indexOf(startedAt);
    if (i >= 0) this.running.splice(i, 1);
    if (!counted) return;
    this.starts[this.next] = startedAt;
    this.ends[this.next] = at;
    this.next = (this.next + 1) % HISTORY;
    if (this.count < HISTORY) this.count++;
  }

  /**
   * Feeds one response's headers (called while its request is still counted as running), received at
   * `now` (ms, our clock). Returns the window to enforce when this response learned or narrowed one.
   */
  observe(info: RateLimitInfo, now: number): LearnedWindow | undefined {
    const { limit, remaining, resetAt } = info;
    if (limit === undefined || remaining === undefined || resetAt === undefined) return undefined;
    if (!(limit < this.smallestConfigured) || limit < 1) return undefined;
    const known = this.learned.get(limit);
    if (known) known.seenAt = now;
    if (remaining >= limit) return undefined;
    const oldestBound = this.oldestCountedStart(limit - remaining);
    if (oldestBound === undefined) return undefined;
    const bound = Math.ceil(resetAt - oldestBound);
    if (bound <= 0) return undefined;
    if (known && known.windowMs <= bound) {
      known.samples++;
      return undefined;
    }
    const window: LearnedWindow = { limit, windowMs: bound, samples: (known?.samples ?? 0) + 1, seenAt: now };
    this.learned.set(limit, window);
    return window;
  }

  /** The earliest start (ms, our clock) among requests still in flight, or undefined when none is. */
  earliestRunning(): number | undefined {
    return this.running.length === 0 ? undefined : Math.min(...this.running);
  }

  /** Drops the windows not reported for forgetAfterMs; returns their limits (the gate stops enforcing them). */
  expire(now: number): number[] {
    const gone: number[] = [];
    for (const [limit, w] of this.learned) {
      if (now - w.seenAt > forgetAfterMs(w.windowMs)) {
        this.learned.delete(limit);
        gone.push(limit);
      }
    }
    return gone;
  }

  /** The learned windows, by limit (for tests and the benchmark's report). */
  windows(): LearnedWindow[] {
    return [...this.learned.values()];
  }

  /** A lower bound of the server's instant for the c-th latest request it counted, or undefined when unknown. */
  private oldestCountedStart(c: number): number | undefined {
    if (this.running.length === 0) return undefined;
    // This response's own request is among the running ones: its start is at least the earliest of them.
    const self = this.earliestRunning()!;
    if (c === 1) return self;
    const certain: number[] = [];
    for (let i = 0; i < this.count; i++) if (this.ends[i]! <= self) certain.push(this.starts[i]!);
    if (certain.length < c - 1) return undefined;
    certain.sort((a, b) => b - a);
    return Math.min(self, certain[c - 2]!);
  }
}
