/**
 * Webhook delivery as the v1.0 system does it: each event POSTed once, never retried (reference.md §8);
 * a receiver that misses one must fill the seq gap from GET /events. Deliveries go out one at a time in
 * seq order (real ordering is undocumented; in-order makes tests readable, gaps come from dropWebhookRate).
 */
import type { InboxEvent } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { signPayload } from "../replies/signature.js";

export interface WebhookStats {
  delivered: number;
  failed: number;
  dropped: number;
}

/** Undocumented upstream; long enough for a local receiver, short enough not to wedge the queue. */
const DELIVERY_TIMEOUT_MS = 10_000;

export class WebhookDispatcher {
  private queue: Promise<void> = Promise.resolve();
  readonly stats: WebhookStats = { delivered: 0, failed: 0, dropped: 0 };

  constructor(private readonly clock: Clock) {}

  /** `drop` = the dropWebhookRate fault fired: the event exists but is never delivered. */
  enqueue(event: InboxEvent, target: { url: string; secret: string }, drop: boolean): void {
    if (drop) {
      this.stats.dropped++;
      return;
    }
    // Serialise now: the signature must cover exactly the bytes we send.
    const body = JSON.stringify(event);
    this.queue = this.queue.then(() => this.deliver(body, target));
  }

  /** Resolves once every delivery queued so far has finished (tests, close()). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async deliver(body: string, target: { url: string; secret: string }): Promise<void> {
    try {
      // Signed with the injected clock's time: a receiver verifying against the same clock stays in tolerance.
      const signature = signPayload(body, target.secret, Math.floor(this.clock.now() / 1000));
      const res = await fetch(target.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Inbox-Signature": signature },
        body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) this.stats.delivered++;
      else this.stats.failed++;
    } catch {
      // Delivered once or not at all: failures are counted, never retried.
      this.stats.failed++;
    }
  }
}
