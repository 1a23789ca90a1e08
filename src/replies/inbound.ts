/**
 * Inbound detection: which `message.created` events are a prospect replying to us.
 *
 * v1 has no direction flag, and `message.created` fires for messages we send as well as those we receive
 * (reference.md §8), so our own API sends arrive here too and must be skipped. The rule is
 * `message.authorId !== thread.accountLinkId`: outbound messages carry the account link id, inbound ones the
 * prospect's id (numeric X id or a legacy external id — open question 7, §11; we compare against
 * accountLinkId only). `origin` is never used: "external" also covers messages typed in the X app by us.
 */
import type { InboxEvent, Message, MessageCreatedData, Thread } from "../inbox/types.js";

/** One prospect reply, reduced to what the engine needs to stop a sequence or record a reply. */
export interface InboundReply {
  /** Envelope id (the dedupe key, reference.md §8); absent on the thread-check path. */
  eventId?: string;
  /** Envelope seq; absent on the thread-check path. */
  seq?: number;
  messageId: string;
  threadId: string;
  accountLinkId: string;
  /** The prospect's X numeric id: thread.prospect.platformId, else message.authorId when it is numeric. */
  prospectPlatformId?: string;
  /** thread.prospect.externalId (the Inbox prospect id), when the prospect has been imported. */
  prospectId?: string;
  text: string;
  /** message.createdAt in epoch ms. */
  at: number;
}

/** True when the message was written by the prospect rather than by our account link. */
export function isInbound(data: MessageCreatedData): boolean {
  return data.message.authorId !== data.thread.accountLinkId;
}

/**
 * The reply carried by a `message.created` event, or null for any other event type, for our own sends and for
 * malformed data. Event data comes off the wire typed `unknown`, so every field is checked; never throws.
 */
export function toInboundReply(event: InboxEvent): InboundReply | null {
  try {
    if (!isRecord(event) || event.type !== "message.created" || !isRecord(event.data)) return null;
    const { message, thread } = event.data;
    const reply = replyFrom(thread, message);
    if (reply === null) return null;
    if (typeof event.id === "string" && event.id !== "") reply.eventId = event.id;
    if (typeof event.seq === "number" && Number.isFinite(event.seq)) reply.seq = event.seq;
    return reply;
  } catch {
    // Defensive: a getter or proxy in hostile input must not take the poller or listener down.
    return null;
  }
}

/**
 * The same decision for the thread-check path (GET /threads/{id}/messages after a retention gap, §7): the
 * engine passes each message of a thread it contacted. Null for our own messages and malformed input.
 */
export function fromThreadMessage(thread: Thread, message: Message): InboundReply | null {
  try {
    return replyFrom(thread, message);
  } catch {
    return null;
  }
}

const NUMERIC_ID = /^\d+$/;

function replyFrom(thread: unknown, message: unknown): InboundReply | null {
  if (!isRecord(thread) || !isRecord(message)) return null;
  const messageId = message.id;
  const authorId = message.authorId;
  const content = message.content;
  const accountLinkId = thread.accountLinkId;
  const threadId = thread.id;
  if (!isId(messageId) || !isId(authorId) || !isId(accountLinkId) || !isId(threadId)) return null;
  if (typeof content !== "string") return null;
  // A message filed under another thread is inconsistent data; deciding its direction against this thread's
  // account link could misread it, so skip it.
  if (message.threadId !== undefined && message.threadId !== threadId) return null;
  if (authorId === accountLinkId) return null;
  const at = typeof message.createdAt === "string" ? Date.parse(message.createdAt) : Number.NaN;
  if (!Number.isFinite(at)) return null;

  const reply: InboundReply = { messageId, threadId, accountLinkId, text: content, at };
  const prospect = isRecord(thread.prospect) ? thread.prospect : undefined;
  const platformId = prospect?.platformId;
  if (isId(platformId)) reply.prospectPlatformId = platformId;
  else if (NUMERIC_ID.test(authorId)) reply.prospectPlatformId = authorId;
  const externalId = prospect?.externalId;
  if (isId(externalId)) reply.prospectId = externalId;
  return reply;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}
