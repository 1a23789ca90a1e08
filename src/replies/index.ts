/** Reply detection for the engine: where inbound messages come from and how to read them (reference.md §7, §8). */
export { signPayload, verifySignature, DEFAULT_TOLERANCE_SEC, type SignatureCheck, type SignatureFailure } from "./signature.js";
export { isInbound, toInboundReply, fromThreadMessage, type InboundReply } from "./inbound.js";
export { compileReplyClassifier, foldText, type ReplyClass, type ReplyClassification, type ReplyClassifier } from "./opt-out.js";
export { RecentIds, DEFAULT_RECENT_IDS } from "./recent-ids.js";
export {
  EventsPoller,
  EVENTS_RETENTION_MS,
  DEFAULT_PAGE_SIZE,
  DEFAULT_MAX_PAGES_PER_POLL,
  type EventsPollerOptions,
  type PollResult,
} from "./events-poller.js";
export {
  startWebhookListener,
  DEFAULT_MAX_BODY_BYTES,
  type WebhookListener,
  type WebhookListenerOptions,
} from "./webhook-server.js";
