/**
 * An exact sliding-window counter over start times, for the team API quota. The server counts
 * sliding windows (reference.md §4: "300/min, 10,000/hour, 100,000/day, sliding windows, all
 * enforced at once"), which fixed-window reservoirs cannot model. Shared by the live limiter and the
 * dry-run projection so both apply the same rule.
 */
import type { RateWindow } from "../config/types.js";

/*
 * What a slot holds: the instant the request's RESPONSE arrived (Infinity while it is in flight), not
 * when it started. The server counts a request at some instant between our start and our receipt of
 * its answer, and that instant trails the start by network and queueing delays that no fixed margin
 * bounds. So a new start waits until the `limit`-th most recent request's response is more than a
 * window old — and, because responses may come back out of order, until every older request's
 * response is too (`floor`): then each of them was counted before the window the server will see.
 */
interface Ring {
  limit: number;
  windowMs: number;
  /** Extra wait past this window's edge. */
  marginMs: number;
  /**
   * The last `limit` start times, oldest at `next` once full. 8 bytes a slot, allocated as starts come
   * (see growRing): a quota of 1,000,000/day costs what the run used, not 8 MB up front.
   */
  times: Float64Array;
  next: number;
  count: number;
  /** The latest response time among requests whose slots were reused (all older than the ring). */
  floor: number;
  /** Learned from the server's headers rather than configured (see learn()). */
  learned: boolean;
}

/**
 * Default extra wait past each window's edge. Requests are counted as of their response (see the
 * Ring comment), which already bounds when the server counted them; the margin only absorbs what
 * that cannot see — the server's own boundary rounding. 1% of the window, at most a second: 600 ms
 * of the documented minute window, 10 ms of a one-second window in a benchmark. A 429 costs far more
 * (v1's Retry-After is 60 s, reference.md §4).
 */
export const DEFAULT_QUOTA_MARGIN_MS = 1000;

export function defaultQuotaMargin(windowMs: number): number {
  return Math.min(DEFAULT_QUOTA_MARGIN_MS, Math.ceil(windowMs * 0.01));
}

/** Slots a ring starts with; it doubles up to its limit as starts come. */
const INITIAL_SLOTS = 64;

/**
 * A ring that is not full yet has never wrapped (its slots 0..length-1 hold starts 0..length-1 in
 * order), so growing is a copy into a larger array: indices, and `n % limit` lookups, stay valid.
 * Shared with the account pacer (account-pacer.ts), whose rings grow the same way.
 */
export function growRing(times: Float64Array, limit: number): Float64Array {
  const grown = new Float64Array(Math.min(limit, Math.max(INITIAL_SLOTS, times.length * 2)));
  grown.set(times);
  return grown;
}

/** An empty ring for up to `limit` entries: its first slots only (see growRing). */
export function newRing(limit: number): Float64Array {
  return new Float64Array(Math.min(limit, INITIAL_SLOTS));
}

export class SlidingWindowGate {
  private readonly rings: Ring[];
  /** Starts so far; start number n sits in slot n % limit of every ring. */
  private seq = 0;

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
      return { limit, windowMs, marginMs, times: newRing(limit), next: 0, count: 0, floor: Number.NEGATIVE_INFINITY, learned: false };
    });
  }

  /**
   * How many more starts the window of this `limit` allows by our own count as of a server instant no
   * earlier than `at` (ms): every request of ours answered after `at − window`, or still in flight,
   * counts — all those the server can have counted then. Undefined when no window has that limit.
   * Lets the limiter tell whether the server's X-RateLimit-Remaining shows usage we did not make
   * (other clients of the team) or just our own.
   */
  remainingFor(limit: number, at: number): number | undefined {
    const r = this.rings.find((x) => x.limit === limit);
    if (!r) return undefined;
    // Called only when the server says the quota is nearly spent, so a linear pass is fine.
    const from = at - r.windowMs;
    let inWindow = 0;
    // The last `count` starts, wherever they sit (a learned ring fills from the middle, see learn()).
    for (let n = this.seq - r.count; n < this.seq; n++) if (r.times[n % r.limit]! > from) inWindow++;
    return r.limit - inWindow;
  }

  /**
   * Enforces one more window from now on, or re-sizes the one with this limit that was learned before
   * (schedule/learned-quota.ts). A new window starts from the history of the widest existing one (its last
   * `limit` starts), so requests made before it was learned count; without any window it starts empty.
   */
  learn(limit: number, windowMs: number, marginMs: number): void {
    const existing = this.rings.find((r) => r.limit === limit && r.learned);
    if (existing) {
      existing.windowMs = windowMs;
      existing.marginMs = marginMs;
      return;
    }
    const ring: Ring = { limit, windowMs, marginMs, times: new Float64Array(limit), next: 0, count: 0, floor: Number.NEGATIVE_INFINITY, learned: true };
    const source = this.rings.reduce<Ring | undefined>((best, r) => (r.limit >= limit && (!best || r.limit > best.limit) ? r : best), undefined);
    if (source) {
      // Start n sits in slot n % limit of every ring; copy the last `limit` starts the source still holds.
      const known = Math.min(source.count, this.seq);
      for (let n = this.seq - known; n < this.seq; n++) {
        const at = source.times[n % source.limit]!;
        if (n >= this.seq - limit) ring.times[n % limit] = at;
        else if (at > ring.floor) ring.floor = at;
      }
      if (source.floor > ring.floor) ring.floor = source.floor;
      ring.count = Math.min(limit, known);
      ring.next = this.seq % limit;
    }
    this.rings.push(ring);
  }

  /** Stops enforcing the learned window with this limit (configured windows stay). */
  unlearn(limit: number): void {
    const i = this.rings.findIndex((r) => r.limit === limit && r.learned);
    if (i >= 0) this.rings.splice(i, 1);
  }

  /** True when there is no window at all ("off"): every start is allowed at once. */
  get isOff(): boolean {
    return this.rings.length === 0;
  }

  /**
   * The earliest instant >= `now` at which one more start keeps every window within its limit;
   * Infinity while that depends on a request still in flight (wait for `end`).
   */
  nextStartAt(now: number): number {
    let at = now;
    for (const r of this.rings) {
      if (r.count < r.limit) continue;
      const oldest = Math.max(r.floor, r.times[r.next]!);
      if (oldest === Number.POSITIVE_INFINITY) return oldest;
      // +1: the oldest must lie strictly outside the window, whichever end the server includes.
      const free = oldest + r.windowMs + r.marginMs + 1;
      if (free > at) at = free;
    }
    return at;
  }

  /** Counts one start (its response pending) in every window; returns the start's number for `end`. */
  begin(): number {
    const n = this.seq++;
    for (const r of this.rings) {
      if (r.count === r.limit) {
        const reused = r.times[r.next]!;
        if (reused > r.floor) r.floor = reused;
      } else {
        if (r.count === r.times.length) r.times = growRing(r.times, r.limit);
        r.count++;
      }
      r.times[r.next] = Number.POSITIVE_INFINITY;
      r.next = r.next + 1 === r.limit ? 0 : r.next + 1;
    }
    return n;
  }

  /** The response to start `n` arrived at `at` (or it failed without reaching the server). */
  end(n: number, at: number): void {
    for (const r of this.rings) {
      // A slot is only reused once its response is in, so start n still owns slot n % limit.
      if (n >= this.seq - r.limit) r.times[n % r.limit] = at;
    }
  }

  /** A start whose response came back at once (the dry-run projection, tests). Callers record in time order. */
  record(at: number): void {
    this.end(this.begin(), at);
  }
}
