/**
 * The engine's ReplySource, over the two ways Inbox reports replies (reference §7, §8):
 *  - Events API (default): poll `GET /events?afterSeq=…`; works behind NAT, 7 days of replay.
 *  - Webhook listener: deliveries verified and queued as they arrive (the engine wakes at once);
 *    the Events API still runs at start (catch-up) and whenever a seq gap shows a lost delivery,
 *    since webhooks are delivered once and never retried.
 * In both, the cursor is persisted only after the engine recorded the replies (at-least-once;
 * a reply read twice is deduped by event id and by the lead's reply record).
 */
import type { ReceivedReply, ReplyBatch, ReplySource, RequestGate } from "../engine/ports.js";
import type { InboxApi, InboxEvent } from "../inbox/types.js";
import { EventsPoller } from "../replies/events-poller.js";
import { toInboundReply, type InboundReply } from "../replies/inbound.js";
import { RecentIds } from "../replies/recent-ids.js";
import { startWebhookListener } from "../replies/webhook-server.js";
import type { Clock } from "./clock.js";

interface CursorStore {
  readonly meta: { eventsSeq: number | null; eventsPolledAt?: number };
  patchMeta(patch: { eventsSeq: number; eventsPolledAt: number }): Promise<void>;
}

function createPoller(api: InboxApi, gate: RequestGate, clock: Clock, store: CursorStore, seen: RecentIds): EventsPoller {
  return new EventsPoller({
    // Polls count against the team quota like any other request.
    // A stop (o.signal) also drops a poll still waiting in the gate, e.g. behind a quota hold.
    api: { listEvents: (q, o) => gate.schedule(() => api.listEvents(q, o), { priority: 1, ...(o?.signal ? { signal: o.signal } : {}) }) },
    afterSeq: store.meta.eventsSeq,
    ...(store.meta.eventsPolledAt !== undefined ? { lastPolledAt: store.meta.eventsPolledAt } : {}),
    clock,
    seen,
    onCursor: (seq, at) => store.patchMeta({ eventsSeq: seq, eventsPolledAt: at }),
  });
}

/** One poll (a bounded number of pages); `more` tells the engine to commit and fetch again. */
async function pollOnce(poller: EventsPoller, signal?: AbortSignal): Promise<ReplyBatch> {
  const r = await poller.poll(signal);
  return {
    replies: r.replies.map((reply): ReceivedReply => ({ ...reply, via: "events" })),
    ...(r.retentionGap
      ? { gap: "replies may have been missed (stopped longer than the Events API keeps events, 7 days, or events were dropped); checking each contacted thread directly" }
      : {}),
    more: r.more,
    commit: () => r.commit(),
  };
}

export function eventsReplySource(api: InboxApi, gate: RequestGate, clock: Clock, store: CursorStore): ReplySource {
  const poller = createPoller(api, gate, clock, store, new RecentIds());
  return { fetch: (signal) => pollOnce(poller, signal) };
}

export async function webhookReplySource(
  opts: { host: string; port: number; path: string; secret: string },
  api: InboxApi,
  gate: RequestGate,
  clock: Clock,
  /** The server's time on our clock (platform/live-run.ts): what a signature's `t=` is checked against. */
  signatureClock: Clock,
  store: CursorStore,
  onRejected: (reason: string) => void,
): Promise<ReplySource & { url: string }> {
  const seen = new RecentIds();
  const poller = createPoller(api, gate, clock, store, seen);
  const queue: InboundReply[] = [];
  let gapSeen = true; // catch up through the Events API at start
  let notify: (() => void) | undefined;
  let arrived = new Promise<void>((r) => (notify = r));
  const wake = (): void => {
    notify?.();
    arrived = new Promise<void>((r) => (notify = r));
  };

  const listener = await startWebhookListener({
    ...opts,
    clock: signatureClock,
    seen,
    afterSeq: store.meta.eventsSeq,
    onEvent: (event: InboxEvent) => {
      const reply = toInboundReply(event);
      if (reply) {
        queue.push(reply);
        wake();
      }
    },
    onGap: () => {
      gapSeen = true;
      wake();
    },
    onRejected: (reason) => onRejected(reason),
  });

  return {
    url: listener.url,
    hasPending: () => queue.length > 0 || gapSeen,
    arrival: () => arrived,
    fetch: async (signal) => {
      const pushed = queue.splice(0, queue.length);
      const fromWebhook = pushed.map((r): ReceivedReply => ({ ...r, via: "webhook" }));
      if (!gapSeen) return { replies: fromWebhook, commit: async () => undefined };
      gapSeen = false;
      const polled = await pollOnce(poller, signal);
      if (polled.more) gapSeen = true;
      return { ...polled, replies: [...fromWebhook, ...polled.replies] };
    },
    close: () => listener.close(),
  };
}
