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

export type Work =
  | { kind: "sequence"; leadId: string; index: number }
  | { kind: "reply"; leadId: string; stepId: string }
  | { kind: "reconcile"; leadId: string; stepId: string }
  | { kind: "expire"; leadId: string };

/**
 * Work as kept in a queue, the commonest kinds as just their lead's id (which the run keeps anyway):
 * in the fresh queue a first message (sequence step 0), in the bound queue a reply window's expiry.
 * A million leads waiting to start, or waiting for their reply windows to close, would otherwise be a
 * million 40–48-byte work objects. The object is made again when the work is taken.
 */
type Entry = Work | string;

const freshEntry = (work: Work): Entry => (work.kind === "sequence" && work.index === 0 ? work.leadId : work);
const freshWork = (entry: Entry | undefined): Work | undefined =>
  typeof entry === "string" ? { kind: "sequence", leadId: entry, index: 0 } : entry;
const boundEntry = (work: Work): Entry => (work.kind === "expire" ? work.leadId : work);
const boundWork = (entry: Entry | undefined): Work | undefined => (typeof entry === "string" ? { kind: "expire", leadId: entry } : entry);

export class WorkQueue {
  private readonly bound = new InstantQueue<Entry>();
  private readonly fresh = new InstantQueue<Entry>();
  private readonly parked = new Map<string, Work[]>();
  /** Bound work put back after it fell due (deferred or parked): its own delay is over, a limit holds it. */
  private readonly held = new WeakSet<Work>();
  private tie = 0;

  /** Queues bound work due at `dueAt` (epoch ms) by its own delay (a follow-up, a reply step, a retry). */
  pushBound(work: Work, dueAt: number): void {
    this.held.delete(work);
    this.bound.push(boundEntry(work), dueAt, this.tie++);
  }

  pushFresh(work: Work, dueAt: number, position: number): void {
    // Position breaks ties among leads whose windows open at the same instant.
    this.fresh.push(freshEntry(work), dueAt, position);
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
    return boundWork(this.bound.peek());
  }

  nextFreshAt(): number | undefined {
    return this.fresh.peekKey();
  }

  /** The first message due first among new leads, without removing it. */
  peekFresh(): Work | undefined {
    return freshWork(this.fresh.peek());
  }

  /** The first bound work due at or before `now` (never later: see the invariant above). */
  popBoundDue(now: number): Work | undefined {
    const key = this.bound.peekKey();
    return key !== undefined && key <= now ? boundWork(this.bound.pop()) : undefined;
  }

  /** The first fresh work due at or before `now`. */
  popFreshDue(now: number): Work | undefined {
    const key = this.fresh.peekKey();
    return key !== undefined && key <= now ? freshWork(this.fresh.pop()) : undefined;
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
 * One binary heap over (instant, tie) in three parallel arrays: ~24 bytes an entry. (It was a heap of
 * instants with a heap per instant: every sent lead waits for its reply window to close at its own
 * instant, so that cost a heap, two arrays and a map entry a lead — ~500 bytes.)
 */
class InstantQueue<T> {
  private readonly items: T[] = [];
  private readonly ats: number[] = [];
  private readonly ties: number[] = [];

  push(work: T, at: number, tie: number): void {
    const { items, ats, ties } = this;
    let i = ats.length;
    items.push(work);
    ats.push(at);
    ties.push(tie);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(at, tie, ats[parent]!, ties[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.place(i, work, at, tie);
  }

  peekKey(): number | undefined {
    return this.ats[0];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  pop(): T | undefined {
    const { items, ats, ties } = this;
    const n = ats.length;
    if (n === 0) return undefined;
    const top = items[0];
    const item = items.pop()!;
    const at = ats.pop()!;
    const tie = ties.pop()!;
    if (n > 1) {
      const size = n - 1;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && before(ats[right]!, ties[right]!, ats[left]!, ties[left]!) ? right : left;
        if (!before(ats[child]!, ties[child]!, at, tie)) break;
        this.move(child, i);
        i = child;
      }
      this.place(i, item, at, tie);
    }
    return top;
  }

  /** Copies the entry at `from` into slot `to`. */
  private move(from: number, to: number): void {
    this.items[to] = this.items[from]!;
    this.ats[to] = this.ats[from]!;
    this.ties[to] = this.ties[from]!;
  }

  private place(i: number, work: T, at: number, tie: number): void {
    this.items[i] = work;
    this.ats[i] = at;
    this.ties[i] = tie;
  }

  get size(): number {
    return this.ats.length;
  }
}

/** Whether (at, tie) orders before (otherAt, otherTie). */
function before(at: number, tie: number, otherAt: number, otherTie: number): boolean {
  return at < otherAt || (at === otherAt && tie < otherTie);
}
