/**
 * Prospect replies, scheduled at clock time and materialised lazily: the server calls `materializeDue`
 * before handling every request, so a SimulatedClock needs no timers; with the system clock the sandbox
 * also arms a wall-clock timer (see `onChange`) so webhooks go out on time without any request.
 */
import type { SentRecord, Store, ThreadRecord } from "./store.js";

interface PendingReply {
  dueAt: number;
  /** Tie-break: replies due at one instant arrive in the order they were scheduled. */
  order: number;
  threadId: string;
  text: string;
}

/** A binary min-heap on (dueAt, order): scheduling and popping are O(log n) for 100,000 pending replies. */
class ReplyHeap {
  private readonly items: PendingReply[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): PendingReply | undefined {
    return this.items[0];
  }

  push(item: PendingReply): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): PendingReply | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }

  private less(i: number, j: number): boolean {
    const x = this.items[i];
    const y = this.items[j];
    if (!x || !y) return false;
    return x.dueAt < y.dueAt || (x.dueAt === y.dueAt && x.order < y.order);
  }

  private swap(i: number, j: number): void {
    const x = this.items[i];
    const y = this.items[j];
    if (!x || !y) return;
    this.items[i] = y;
    this.items[j] = x;
  }
}

export class ReplyScheduler {
  private readonly heap = new ReplyHeap();
  private order = 0;
  /** Called whenever the earliest due time may have changed (to re-arm a wall-clock timer). */
  onChange: () => void = () => {};

  constructor(private readonly store: Store) {}

  get pending(): number {
    return this.heap.size;
  }

  nextDueAt(): number | undefined {
    return this.heap.peek()?.dueAt;
  }

  schedule(thread: ThreadRecord, dueAt: number, text: string): void {
    this.heap.push({ dueAt, order: this.order++, threadId: thread.id, text });
    this.onChange();
  }

  /**
   * Adds every reply due by `now`, each stamped with its own due time (when the prospect "wrote" it),
   * in due order. Returns how many were added.
   */
  materializeDue(now: number): number {
    let count = 0;
    for (let next = this.heap.peek(); next && next.dueAt <= now; next = this.heap.peek()) {
      this.heap.pop();
      const thread = this.store.threads.get(next.threadId);
      if (thread) {
        this.store.addMessage(thread, "inbound", next.text, next.dueAt);
        count++;
      }
    }
    if (count > 0) this.onChange();
    return count;
  }

  /** A reply right now (control endpoint / `sandbox.reply()`), bypassing the schedule. */
  replyNow(thread: ThreadRecord, text: string, now: number): SentRecord {
    return this.store.addMessage(thread, "inbound", text, now);
  }

  clear(): void {
    this.heap.clear();
    this.onChange();
  }
}
