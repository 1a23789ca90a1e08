/**
 * `InboxApi` over HTTP against Inbox API v1 (paths: reference.md §6, spec/openapi-v1.json).
 *
 * What callers must know:
 * - Reads (and the idempotent PATCHes) are retried on 5xx/network/timeout: 1 s, 2 s, 4 s, 8 s, on the
 *   injected clock. Nothing is retried on 429: a RateLimitedError tells the scheduler to hold all work.
 * - Sends are never retried. A send that may have gone out throws SendOutcomeUnknownError.
 * - `onResponse` sees every response's rate-limit headers, errors included.
 */
import { type InboxClientOptions, resolveClientOptions } from "./client-options.js";
import { type ApiCall, Transport } from "./transport.js";
import type {
  AccountLink,
  Cursor,
  EventsPage,
  InboxApi,
  Message,
  MessagesPage,
  ProspectContextBody,
  ProspectLookupResult,
  ProspectWithContext,
  QuickSendBody,
  QuickSendResult,
  RequestOptions,
  Status,
  Tag,
  Team,
  Thread,
  ThreadMessageBody,
  ThreadUpdateBody,
} from "./types.js";

export class InboxClient implements InboxApi {
  private readonly transport: Transport;

  /** @throws UserError when no token is configured or the base URL is unusable. */
  constructor(options: InboxClientOptions = {}) {
    this.transport = new Transport(resolveClientOptions(options));
  }

  /** The normalised base URL requests go to (no trailing slash). */
  get baseUrl(): string {
    return this.transport.baseUrl;
  }

  getTeam(o?: RequestOptions): Promise<Team> {
    return this.get("/team", undefined, o);
  }

  listAccountLinks(o?: RequestOptions): Promise<AccountLink[]> {
    return this.get("/account-links", undefined, o);
  }

  quickSend(body: QuickSendBody, o?: RequestOptions): Promise<QuickSendResult> {
    return this.transport.request(
      { method: "POST", path: "/threads/messages", body, isSend: true, isExpectedBody: isQuickSendResult, serverInstant: (j) => (j as QuickSendResult).message.createdAt },
      o,
    );
  }

  sendInThread(threadId: string, body: ThreadMessageBody, o?: RequestOptions): Promise<Message> {
    return this.transport.request(
      { method: "POST", path: `/threads/${seg(threadId)}/messages`, body, isSend: true, isExpectedBody: hasStringId, serverInstant: (j) => (j as Message).createdAt },
      o,
    );
  }

  /** Null when the API answers JSON null (no thread yet). A 404 is a NotFoundError, not null. */
  lookupThread(q: { accountLinkId: string; externalPlatformId: string }, o?: RequestOptions): Promise<Thread | null> {
    return this.get("/threads/lookup", params({ accountLinkId: q.accountLinkId, externalPlatformId: q.externalPlatformId }), o);
  }

  lookupThreadsByUsername(q: { username: string; accountLinkIds?: string[] }, o?: RequestOptions): Promise<Thread[]> {
    return this.get("/threads/lookup-by-username", params({ username: q.username, accountLinkIds: q.accountLinkIds }), o);
  }

  getThread(threadId: string, o?: RequestOptions): Promise<Thread> {
    return this.get(`/threads/${seg(threadId)}`, undefined, o);
  }

  updateThread(threadId: string, body: ThreadUpdateBody, o?: RequestOptions): Promise<Thread> {
    return this.transport.request({ method: "PATCH", path: `/threads/${seg(threadId)}`, body, isIdempotent: true }, o);
  }

  listMessages(threadId: string, q?: { limit?: number; cursor?: Cursor }, o?: RequestOptions): Promise<MessagesPage> {
    // cursorId/cursorTimestamp is the preferred cursor form; the bracket form is deprecated (reference.md §3).
    const query = params({ limit: q?.limit, cursorId: q?.cursor?.id, cursorTimestamp: q?.cursor?.timestamp });
    return this.get(`/threads/${seg(threadId)}/messages`, query, o);
  }

  /** Null when the prospect is not indexed (the API answers JSON null). */
  lookupProspect(platformId: string, o?: RequestOptions): Promise<ProspectLookupResult> {
    return this.get("/prospects/lookup", params({ platformId }), o);
  }

  updateProspectContext(prospectId: string, body: ProspectContextBody, o?: RequestOptions): Promise<ProspectWithContext> {
    return this.transport.request(
      { method: "PATCH", path: `/prospects/${seg(prospectId)}/context`, body, isIdempotent: true },
      o,
    );
  }

  listTags(o?: RequestOptions): Promise<Tag[]> {
    return this.get("/tags", undefined, o);
  }

  /** Not retried: a repeat after an unseen success would fail with a name conflict. */
  createTag(body: { name: string; color?: string }, o?: RequestOptions): Promise<Tag> {
    return this.transport.request({ method: "POST", path: "/tags", body }, o);
  }

  listStatuses(o?: RequestOptions): Promise<Status[]> {
    return this.get("/statuses", undefined, o);
  }

  createStatus(body: { name: string; color?: string }, o?: RequestOptions): Promise<Status> {
    return this.transport.request({ method: "POST", path: "/statuses", body }, o);
  }

  listEvents(q: { afterSeq?: number; limit?: number }, o?: RequestOptions): Promise<EventsPage> {
    return this.get("/events", params({ afterSeq: q.afterSeq, limit: q.limit }), o);
  }

  private get<T>(path: string, query: URLSearchParams | undefined, o: RequestOptions | undefined): Promise<T> {
    const call: ApiCall = query === undefined ? { method: "GET", path } : { method: "GET", path, query };
    return this.transport.request<T>(call, o);
  }
}

type QueryValue = string | number | readonly string[] | undefined;

/** Builds a query string; arrays repeat the key (`accountLinkIds=a&accountLinkIds=b`), undefined is left out. */
function params(values: Record<string, QueryValue>): URLSearchParams | undefined {
  let out: URLSearchParams | undefined;
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    out ??= new URLSearchParams();
    if (typeof value === "object") for (const v of value) out.append(key, v);
    else out.append(key, String(value));
  }
  return out;
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function hasStringId(json: unknown): boolean {
  return typeof json === "object" && json !== null && typeof (json as { id?: unknown }).id === "string";
}

/** The two fields the spec guarantees (reference.md §6): message.id and thread.id. */
function isQuickSendResult(json: unknown): boolean {
  if (typeof json !== "object" || json === null) return false;
  const r = json as { message?: unknown; thread?: unknown };
  return hasStringId(r.message) && hasStringId(r.thread);
}
