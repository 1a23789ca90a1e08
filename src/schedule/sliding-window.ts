/**
 * An exact sliding-window counter over start times, for the team API quota. The server counts
 * sliding windows (reference.md §4: "300/min, 10,000/hour, 100,000/day, sliding windows, all
 * enforced at once"), which fixed-window reservoirs cannot model. Shared by the live limiter and the
 * dry-run projection so both apply the same rule.
 */
import type { RateWindow } from "../config/types.js";

interface Ring {
  limit: number;
  windowMs: number;
  /** Extra wait past this window's edge. */
  marginMs: number;
  /** The last `limit` start times, oldest at `next` once full. 8 bytes a slot: 100,000/day costs 800 kB. */
  times: Float64Array;
  next: number;
  count: number;
}

/**
 * Default extra wait past each window's edge. We count start times but the server counts arrivals,
 * which trail our starts by the network latency, and latencies differ request to request; a second
 * covers that spread and costs 1/61 of the minute window's throughput, while a 429 costs a 60 s hold
 * (v1's Retry-After, reference.md §4). Short windows (a scaled quota in a benchmark or a test) get
 * 2% of their length instead: a fixed second would halve a one-second window's throughput.
 */
export const DEFAULT_QUOTA_MARGIN_MS = 1000;

export function defaultQuotaMargin(windowMs: number): number {
  return Math.min(DEFAULT_QUOTA_MARGIN_MS, Math.ceil(windowMs * 0.02));
}

export class SlidingWindowGate {
  private readonly rings: Ring[];

  /**
   * @param margin extra wait past each window's edge (a number, or a function of the window's length),
   *   default 0. A start is allowed once the oldest of the last `limit` starts is more than
   *   `windowMs + margin` old.
   */
  constructor(windows: readonly RateWindow[], margin: number | ((windowMs: number) => number) = 0) {
    this.rings = windows.map(({ limit, windowMs }) => {
      if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Rate window limit must be an integer >= 1, got ${limit}`);
      if (!(windowMs > 0)) throw new RangeError(`Rate window length must be > 0 ms, got ${windowMs}`);
      const marginMs = typeof margin === "function" ? margin(windowMs) : margin;
      return { limit, windowMs, marginMs, times: new Float64Array(limit), next: 0, count: 0 };
    });
  }

  /**
   * How many more starts the window of this `limit` allows right now by our own count, or undefined
   * when no window has that limit. Lets the limiter tell whether the server's X-RateLimit-Remaining
   * shows usage we did not make (other clients of the team) or just our own.
   */
  remainingFor(limit: number, now: number): number | undefined {
    const r = this.rings.find((x) => x.limit === limit);
    if (!r) return undefined;
    // Ring slots hold start times in order, oldest at `next` once full: binary search the first in the window.
    const from = now - r.windowMs;
    const oldest = r.count < r.limit ? 0 : r.next;
    let lo = 0;
    let hi = r.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r.times[(oldest + mid) % r.limit]! > from) hi = mid;
      else lo = mid + 1;
    }
    return r.limit - (r.count - lo);
  }

  /** True when there is no window at all ("off"): every start is allowed at once. */
  get isOff(): boolean {
    return this.rings.length === 0;
  }

  /** The earliest instant >= `now` at which one more start keeps every window within its limit. */
  nextStartAt(now: number): number {
    let at = now;
    for (const r of this.rings) {
      if (r.count < r.limit) continue;
      // +1: the oldest start must lie strictly outside the window, whichever end the server includes.
      const free = r.times[r.next]! + r.windowMs + r.marginMs + 1;
      if (free > at) at = free;
    }
    return at;
  }

  /** Counts one start at `at` in every window. Callers record in time order. */
  record(at: number): void {
    for (const r of this.rings) {
      r.times[r.next] = at;
      r.next = r.next + 1 === r.limit ? 0 : r.next + 1;
      if (r.count < r.limit) r.count++;
    }
  }
}
