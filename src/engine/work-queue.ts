/**
 * The engine's to-do list. Two queues keyed by the instant the work becomes due:
 *  - `bound`: work for leads that already have an account (follow-ups, reply steps, retries,
 *    reconciliations, reply-window expiries). Due bound work always goes before new leads.
 *  - `fresh`: first messages to leads with no account yet, keyed by when their sending window opens
 *    (ties by CSV position, so leads go out in file order).
 * Work for an account that is busy waits in `parked` and is released when that account's send ends.
 *
 * The invariant that keeps the engine's dispatch pass finite: a pass at instant `now` takes only
 * work due at or before `now`, and work it cannot start goes back through `deferBound`/`deferFresh`,
 * which never key it at or before `now`. Work put back "due now" would be taken again by the same
 * pass, forever, without the event loop ever running (no timer, socket or signal served: issue 8).
 */
import { MinHeap } from "../schedule/min-heap.js";

export type Work =
  | { kind: "sequence"; leadId: string; index: number }
  | { kind: "reply"; leadId: string; stepId: string }
  | { kind: "reconcile"; leadId: string; stepId: string }
  | { kind: "expire"; leadId: string };

export class WorkQueue {
  private readonly bound = new InstantQueue();
  private readonly fresh = new InstantQueue();
  private readonly parked = new Map<string, Work[]>();
  /** Bound work put back after it fell due (deferred or parked): its own delay is over, a limit holds it. */
  private readonly held = new WeakSet<Work>();
  private tie = 0;

  /** Queues bound work due at `dueAt` (epoch ms) by its own delay (a follow-up, a reply step, a retry). */
  pushBound(work: Work, dueAt: number): void {
    this.held.delete(work);
    this.bound.push(work, dueAt, this.tie++);
  }

  pushFresh(work: Work, dueAt: number, position: number): void {
    // Position breaks ties among leads whose windows open at the same instant.
    this.fresh.push(work, dueAt, position);
  }

  /**
   * Puts back bound work that cannot start at `now` (pacing, window), due at `at` but strictly
   * after `now`, so the pass at `now` cannot take it again.
   */
  deferBound(work: Work, at: number, now: number): void {
    this.held.add(work);
    this.bound.push(work, Math.max(at, now + 1), this.tie++);
  }

  /** True when `work` fell due and was put back (pacing, window, a busy account), not waiting on its own delay. */
  isHeld(work: Work): boolean {
    return this.held.has(work);
  }

  /** As deferBound, for a first message whose lead's sending window is closed at `now`. */
  deferFresh(work: Work, at: number, now: number, position: number): void {
    this.pushFresh(work, Math.max(at, now + 1), position);
  }

  park(account: string, work: Work): void {
    const list = this.parked.get(account);
    if (list) list.push(work);
    else this.parked.set(account, [work]);
  }

  /** Returns parked work of `account` to the bound queue, due `now`. */
  release(account: string, now: number): void {
    const list = this.parked.get(account);
    if (!list) return;
    this.parked.delete(account);
    for (const w of list) {
      this.held.add(w);
      this.bound.push(w, now, this.tie++);
    }
  }

  nextBoundAt(): number | undefined {
    return this.bound.peekKey();
  }

  /** The bound work due first, without removing it. */
  peekBound(): Work | undefined {
    return this.bound.peek();
  }

  nextFreshAt(): number | undefined {
    return this.fresh.peekKey();
  }

  /** The first message due first among new leads, without removing it. */
  peekFresh(): Work | undefined {
    return this.fresh.peek();
  }

  /** The first bound work due at or before `now` (never later: see the invariant above). */
  popBoundDue(now: number): Work | undefined {
    const key = this.bound.peekKey();
    return key !== undefined && key <= now ? this.bound.pop() : undefined;
  }

  /** The first fresh work due at or before `now`. */
  popFreshDue(now: number): Work | undefined {
    const key = this.fresh.peekKey();
    return key !== undefined && key <= now ? this.fresh.pop() : undefined;
  }

  get freshCount(): number {
    return this.fresh.size;
  }

  get size(): number {
    let parked = 0;
    for (const list of this.parked.values()) parked += list.length;
    return this.bound.size + this.fresh.size + parked;
  }
}

/**
 * A min-queue by instant whose equal instants pop by an exact integer tie-breaker. The tie cannot be
 * folded into the key as a fraction: an epoch-ms key (~1.8e12) has a resolution of 2^-12 ms, so
 * any fraction below that is rounded away and equal instants pop in heap order, not file order.
 */
class InstantQueue {
  private readonly instants = new MinHeap<number>();
  private readonly buckets = new Map<number, MinHeap<Work>>();
  private count = 0;

  push(work: Work, at: number, tie: number): void {
    let bucket = this.buckets.get(at);
    if (!bucket) {
      bucket = new MinHeap<Work>();
      this.buckets.set(at, bucket);
      this.instants.push(at, at);
    }
    bucket.push(work, tie);
    this.count++;
  }

  peekKey(): number | undefined {
    return this.instants.peekKey();
  }

  peek(): Work | undefined {
    const at = this.instants.peekKey();
    return at === undefined ? undefined : this.buckets.get(at)?.peek();
  }

  pop(): Work | undefined {
    const at = this.instants.peekKey();
    if (at === undefined) return undefined;
    const bucket = this.buckets.get(at);
    const work = bucket?.pop();
    if (!bucket || bucket.size === 0) {
      this.buckets.delete(at);
      this.instants.pop();
    }
    this.count--;
    return work;
  }

  get size(): number {
    return this.count;
  }
}
