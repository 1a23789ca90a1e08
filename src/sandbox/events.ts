/**
 * The team's event log behind GET /events and webhooks: seq starts at 1 and grows by one per event;
 * events older than the retention period (7 days on the injected clock) are dropped from the head.
 * Payloads are built on demand from immutable snapshots taken when the event happened, so a 100,000-send
 * run keeps small snapshots rather than 100,000 serialised thread+prospect documents.
 */
import type { EventType, InboxEvent } from "../inbox/types.js";

export interface StoredEvent {
  id: string;
  seq: number;
  type: EventType;
  timestampMs: number;
  /** Builds `data` from what was captured at the time; must be pure. */
  data: () => unknown;
}

export interface EventsPageResult {
  events: InboxEvent[];
  hasMore: boolean;
  lastSeq: number | null;
}

export class EventLog {
  private items: StoredEvent[] = [];
  /** Index of the oldest retained event in `items` (a deque without O(n) shifts). */
  private head = 0;
  private nextSeq = 1;
  private readonly listeners: Array<(event: StoredEvent) => void> = [];

  constructor(
    private readonly teamId: string,
    private readonly retentionMs: number,
  ) {}

  onAppend(listener: (event: StoredEvent) => void): void {
    this.listeners.push(listener);
  }

  append(id: string, type: EventType, timestampMs: number, data: () => unknown): StoredEvent {
    const event: StoredEvent = { id, seq: this.nextSeq++, type, timestampMs, data };
    this.items.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Drops events past retention; cheap when nothing expired. */
  prune(now: number): void {
    const cutoff = now - this.retentionMs;
    while (this.head < this.items.length && (this.items[this.head]?.timestampMs ?? Infinity) < cutoff) this.head++;
    // Compact once the dead prefix dominates, so memory stays proportional to retained events.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** `afterSeq` is exclusive; omitted = from the oldest retained event (reference.md §7). */
  page(afterSeq: number | undefined, limit: number, now: number): EventsPageResult {
    this.prune(now);
    const oldest = this.items[this.head];
    // Seqs are contiguous, so the first wanted event's position is arithmetic, not a search.
    const skip = oldest === undefined || afterSeq === undefined ? 0 : Math.max(0, afterSeq - oldest.seq + 1);
    const start = this.head + skip;
    const end = Math.min(this.items.length, start + limit);
    const events: InboxEvent[] = [];
    for (let i = start; i < end; i++) {
      const stored = this.items[i];
      if (stored) events.push(this.render(stored));
    }
    const last = events[events.length - 1];
    return { events, hasMore: end < this.items.length, lastSeq: last === undefined ? null : last.seq };
  }

  /** The v1.0 envelope (reference.md §8). */
  render(stored: StoredEvent): InboxEvent {
    return {
      id: stored.id,
      seq: stored.seq,
      teamId: this.teamId,
      type: stored.type,
      timestamp: new Date(stored.timestampMs).toISOString(),
      version: "1.0",
      data: stored.data(),
    };
  }
}
