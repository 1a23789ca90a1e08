/**
 * Reads inbound replies from the Events API (reference.md §7): `GET /events?afterSeq=<last persisted seq>`,
 * page by page, setting `afterSeq = lastSeq` while `hasMore`.
 *
 * Cursor contract (at-least-once): `poll()` never persists anything. It returns the replies together with
 * `commit()`; the engine records the replies first and then awaits `commit()`, which calls `onCursor` and only
 * then advances the poller's own cursor and dedupe memory. If the engine crashes or throws between the two,
 * the next poll (in this process or after a restart) reads the same events again, and dedupe by event id and
 * message id makes the replay harmless. Persisting before recording would lose a reply on a crash.
 */
import type { InboxApi, InboxEvent } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { toInboundReply, type InboundReply } from "./inbound.js";
import { RecentIds } from "./recent-ids.js";

/** Events are kept 7 days (reference.md §7). */
export const EVENTS_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** The API default page size; the API accepts 1..1000 (reference.md §7). */
export const DEFAULT_PAGE_SIZE = 100;
/** Bounds one poll's memory and the events re-read after a crash; the rest comes on the next poll. */
export const DEFAULT_MAX_PAGES_PER_POLL = 50;

export interface EventsPollerOptions {
  api: Pick<InboxApi, "listEvents">;
  /** Last persisted seq; null = never polled, start at the oldest stored event. */
  afterSeq: number | null;
  /** Epoch ms of the last committed poll; undefined = unknown (no time-based gap check). */
  lastPolledAt?: number;
  clock: Clock;
  /** Events per request, 1..1000. Default 100. */
  pageSize?: number;
  /** How long the API keeps events. Default 7 days. */
  retentionMs?: number;
  /** Pages per `poll()` before returning with `more: true`. Default 50. */
  maxPagesPerPoll?: number;
  /** Dedupe memory, shareable with the webhook listener so a delivery seen there is not reported twice. Default: a private set of the last 10,000 keys. */
  seen?: RecentIds;
  /**
   * Persists the cursor; called by `commit()` (never by `poll()`), after the caller has recorded the replies.
   * `at` is when the committed poll started, the conservative time for the next retention check. Called on
   * every commit once a seq is known, even an unchanged one; not called before any event was ever seen.
   */
  onCursor: (seq: number, at: number) => Promise<void>;
}

export interface PollResult {
  /** Inbound replies (our own sends skipped), in seq order, without duplicates. */
  replies: InboundReply[];
  /** Distinct event envelopes received, of every type. */
  eventsSeen: number;
  /**
   * Events may have been lost: the last committed poll is older than the retention period, or the first event
   * returned is past `afterSeq + 1`. The engine should then check its contacted threads directly.
   */
  retentionGap: boolean;
  /** The page limit was reached with `hasMore` still true: commit, then poll again right away. */
  more: boolean;
  /** The API said `hasMore` but `lastSeq` was null or did not advance; the poll stopped to avoid looping. */
  stalled: boolean;
  /** The cursor `commit()` will persist: the last seq read, or the starting cursor when nothing advanced it. */
  cursor: number | null;
  /** Persists the cursor and remembers these replies as seen. Idempotent; a stale commit never moves the cursor back. */
  commit(): Promise<void>;
}

export class EventsPoller {
  private afterSeq: number | null;
  private lastPolledAt: number | undefined;
  private readonly seen: RecentIds;
  private readonly pageSize: number;
  private readonly retentionMs: number;
  private readonly maxPages: number;
  private polling = false;

  constructor(private readonly opts: EventsPollerOptions) {
    this.afterSeq = opts.afterSeq;
    this.lastPolledAt = opts.lastPolledAt;
    this.seen = opts.seen ?? new RecentIds();
    this.pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
    this.retentionMs = opts.retentionMs ?? EVENTS_RETENTION_MS;
    this.maxPages = opts.maxPagesPerPoll ?? DEFAULT_MAX_PAGES_PER_POLL;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > 1000) {
      throw new RangeError(`Expected \`pageSize\` to be an integer from 1 to 1000, got ${String(opts.pageSize)}`);
    }
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) {
      throw new RangeError(`Expected \`maxPagesPerPoll\` to be an integer >= 1, got ${String(opts.maxPagesPerPoll)}`);
    }
  }

  /** The committed cursor (what the next poll starts after). */
  get cursor(): number | null {
    return this.afterSeq;
  }

  /**
   * Reads every page after the committed cursor (up to `maxPagesPerPoll`). API errors propagate with nothing
   * committed. An abort between pages returns the pages read so far. One poll at a time.
   */
  async poll(signal?: AbortSignal): Promise<PollResult> {
    if (this.polling) throw new Error("EventsPoller.poll() called while a poll is running");
    this.polling = true;
    try {
      return await this.readPages(signal);
    } finally {
      this.polling = false;
    }
  }

  private async readPages(signal: AbortSignal | undefined): Promise<PollResult> {
    const startedAt = this.opts.clock.now();
    const startSeq = this.afterSeq;
    let retentionGap = this.lastPolledAt !== undefined && startedAt - this.lastPolledAt > this.retentionMs;

    let cursor = startSeq;
    const replies: InboundReply[] = [];
    // Event ids and message ids met in this poll; only committed into `seen` by commit().
    const pollKeys = new Set<string>();
    let eventsSeen = 0;
    let more = false;
    let stalled = false;

    for (let page = 0; ; page++) {
      if (signal?.aborted === true) break;
      if (page >= this.maxPages) {
        more = true;
        break;
      }
      const query = cursor === null ? { limit: this.pageSize } : { afterSeq: cursor, limit: this.pageSize };
      const res = await this.opts.api.listEvents(query, signal === undefined ? {} : { signal });

      const first = res.events[0];
      // §8: seq is per-team and monotonically increasing, so a first seq past afterSeq+1 means events were
      // dropped (retention) — unless v1 omits event types the team did not subscribe to (open question 9,
      // §11), in which case this over-reports; a needless thread check is the safe side of that error.
      if (page === 0 && startSeq !== null && first !== undefined && first.seq > startSeq + 1) retentionGap = true;

      let maxSeq = cursor;
      for (const event of res.events) {
        if (pollKeys.has(`e:${event.id}`)) continue;
        pollKeys.add(`e:${event.id}`);
        eventsSeen++;
        if (maxSeq === null || event.seq > maxSeq) maxSeq = event.seq;
        this.collect(event, replies, pollKeys);
      }

      // §7 says to continue from lastSeq; fall back to the highest seq seen if the server sent none.
      const next = res.lastSeq ?? maxSeq;
      const advanced = next !== null && (cursor === null || next > cursor);
      if (advanced) cursor = next;
      if (!res.hasMore) break;
      if (!advanced) {
        stalled = true;
        break;
      }
    }

    const replyKeys = replies.flatMap((r) => (r.eventId === undefined ? [] : [`e:${r.eventId}`]).concat(`m:${r.messageId}`));
    return {
      replies,
      eventsSeen,
      retentionGap,
      more,
      stalled,
      cursor,
      commit: () => this.commit(cursor, startedAt, replyKeys),
    };
  }

  private collect(event: InboxEvent, replies: InboundReply[], pollKeys: Set<string>): void {
    const reply = toInboundReply(event);
    if (reply === null) return;
    // Message id too: one message may produce two message.created events (API send and X sync, open
    // question 8, §11).
    const eventKey = `e:${event.id}`;
    const messageKey = `m:${reply.messageId}`;
    if (this.seen.has(eventKey) || this.seen.has(messageKey) || pollKeys.has(messageKey)) return;
    pollKeys.add(messageKey);
    replies.push(reply);
  }

  private async commit(seq: number | null, at: number, keys: readonly string[]): Promise<void> {
    // Never move backwards: a commit from an older poll may arrive after a newer one.
    const next = seq === null || (this.afterSeq !== null && this.afterSeq > seq) ? this.afterSeq : seq;
    const polledAt = this.lastPolledAt !== undefined && this.lastPolledAt > at ? this.lastPolledAt : at;
    // Called even when the seq did not move, so an idle campaign keeps its lastPolledAt fresh and a restart
    // after a quiet week is not mistaken for a retention gap.
    if (next !== null) await this.opts.onCursor(next, polledAt);
    this.afterSeq = next;
    this.lastPolledAt = polledAt;
    for (const k of keys) this.seen.add(k);
  }
}
