/**
 * Names for the Inbox API v1 shapes the runner uses. Every type is derived from the generated
 * `openapi.d.ts` (run `npm run gen:api` after updating spec/openapi-v1.json), never hand-copied.
 */
import type { components, operations } from "./openapi.js";

type Json<Op extends keyof operations> = operations[Op] extends {
  responses: { 200: { content: { "application/json": infer R } } };
}
  ? R
  : never;
type Body<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

export type Team = components["schemas"]["Team"];
export type AccountLink = components["schemas"]["AccountLink"];
export type Thread = components["schemas"]["Thread"];
export type Message = components["schemas"]["Message"];
export type Prospect = components["schemas"]["Prospect"];
export type Tag = components["schemas"]["Tag"];
export type Status = components["schemas"]["Status"];

export type QuickSendBody = Body<"threads.messages.quickSend">;
export type QuickSendResult = Json<"threads.messages.quickSend">;
export type ThreadMessageBody = Body<"threads.thread.messages.create">;
export type ThreadUpdateBody = Body<"threads.thread.update">;
export type ProspectContextBody = Body<"prospects.update">;
export type ProspectWithContext = Json<"prospects.update">;
export type ProspectLookupResult = Json<"prospects.lookup">;
export type ThreadLookupResult = Json<"threads.lookup">;
export type MessagesPage = Json<"threads.thread.messages.list">;
export type EventsPage = Json<"events.list">;
export type InboxEvent = EventsPage["events"][number];
export type EventType = InboxEvent["type"];

/** The `message.created` payload (webhook and Events API alike): the message and its thread. */
export interface MessageCreatedData {
  message: Message;
  thread: Thread;
}

/** Rate-limit headers as the server reported them on one response (absent headers are undefined). */
export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** Epoch ms at which the window resets (the header carries Unix seconds). */
  resetAt?: number;
  /** From Retry-After on 429/503, in ms. */
  retryAfterMs?: number;
}

/** A page cursor for GET /threads/{id}/messages, as returned in `nextCursor`. */
export interface Cursor {
  id: string;
  timestamp: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's default timeout for this call. */
  timeoutMs?: number;
  /**
   * false: one attempt only, even for a read the retry policy would retry; the caller decides (e.g. a
   * start-up check, where a refused connection means a wrong URL, not a blip). Default true.
   */
  retry?: boolean;
}

/**
 * The Inbox API v1 surface the runner needs. `InboxClient` implements it over HTTP; tests may fake it.
 * Every method throws one of the error classes in `errors.ts`; none retries a send.
 */
export interface InboxApi {
  getTeam(o?: RequestOptions): Promise<Team>;
  listAccountLinks(o?: RequestOptions): Promise<AccountLink[]>;
  /** Quick send: finds or creates the thread with the prospect, then sends. Never retried automatically. */
  quickSend(body: QuickSendBody, o?: RequestOptions): Promise<QuickSendResult>;
  sendInThread(threadId: string, body: ThreadMessageBody, o?: RequestOptions): Promise<Message>;
  /** Resolves to null when no thread exists between the account link and the prospect. */
  lookupThread(q: { accountLinkId: string; externalPlatformId: string }, o?: RequestOptions): Promise<Thread | null>;
  lookupThreadsByUsername(q: { username: string; accountLinkIds?: string[] }, o?: RequestOptions): Promise<Thread[]>;
  getThread(threadId: string, o?: RequestOptions): Promise<Thread>;
  updateThread(threadId: string, body: ThreadUpdateBody, o?: RequestOptions): Promise<Thread>;
  /** One page, newest first as the API returns it. */
  listMessages(threadId: string, q?: { limit?: number; cursor?: Cursor }, o?: RequestOptions): Promise<MessagesPage>;
  lookupProspect(platformId: string, o?: RequestOptions): Promise<ProspectLookupResult>;
  updateProspectContext(prospectId: string, body: ProspectContextBody, o?: RequestOptions): Promise<ProspectWithContext>;
  listTags(o?: RequestOptions): Promise<Tag[]>;
  createTag(body: { name: string; color?: string }, o?: RequestOptions): Promise<Tag>;
  listStatuses(o?: RequestOptions): Promise<Status[]>;
  createStatus(body: { name: string; color?: string }, o?: RequestOptions): Promise<Status>;
  listEvents(q: { afterSeq?: number; limit?: number }, o?: RequestOptions): Promise<EventsPage>;
}
