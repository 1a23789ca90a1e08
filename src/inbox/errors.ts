/**
 * Every failure of an Inbox API call is one of these classes, so callers branch with `instanceof`:
 *
 * - `RateLimitedError` (429): hold ALL work for `retryAfterMs` — the quota is shared by the whole team.
 * - `AuthError` (401/403): stop the campaign; retrying cannot help.
 * - `NotFoundError` (404), `InvalidRequestError` (other 4xx): this request is wrong; others may be fine.
 * - `ServerError` (5xx), `NetworkError`, `TimeoutError`: transient; reads were already retried.
 * - `SendOutcomeUnknownError`: a send MAY have been delivered; reconcile before sending again.
 * - `RequestAbortedError`: the caller's signal aborted the call.
 * - `UnexpectedResponseError`: a response the client cannot use (e.g. a 200 whose body is not JSON).
 *
 * Secrets: errors carry the method, the path (no base URL, no query string) and what the server said,
 * never request headers or fetch init objects, so the token cannot reach a message, a property or a
 * `cause` chain.
 */
import { parseRateLimitHeaders } from "./rate-limit.js";
import type { RateLimitInfo } from "./types.js";

/** Which call failed. `path` is relative to the base URL and has no query string. */
export interface ErrorContext {
  method: string;
  path: string;
}

export interface InboxErrorInit extends ErrorContext {
  status?: number | undefined;
  /** The API's error code, e.g. "THREAD_NOT_FOUND" (or a system code such as "ECONNREFUSED"). */
  code?: string | undefined;
  /** The server's own message, kept verbatim (trimmed and shortened) for logs and reports. */
  serverMessage?: string | undefined;
  rateLimit?: RateLimitInfo | undefined;
  cause?: unknown;
}

export class InboxError extends Error {
  override readonly name: string = "InboxError";
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly serverMessage?: string;
  readonly rateLimit?: RateLimitInfo;

  constructor(message: string, init: InboxErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.method = init.method;
    this.path = init.path;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    if (init.rateLimit !== undefined) this.rateLimit = init.rateLimit;
  }
}

/** 429. The client does not retry it (see retry-policy.ts); the scheduler pauses every request instead. */
export class RateLimitedError extends InboxError {
  override readonly name = "RateLimitedError";
  constructor(
    message: string,
    init: InboxErrorInit,
    /** How long to hold all requests: Retry-After, else until X-RateLimit-Reset, else 60 s. */
    readonly retryAfterMs: number,
  ) {
    super(message, init);
  }
}

/** 401 (token rejected) or 403 (forbidden: plan, add-on or permission missing). */
export class AuthError extends InboxError {
  override readonly name = "AuthError";
}

export class NotFoundError extends InboxError {
  override readonly name = "NotFoundError";
}

/** 400/409/422 and any other 4xx: the server refused this request as sent. */
export class InvalidRequestError extends InboxError {
  override readonly name = "InvalidRequestError";
}

export class ServerError extends InboxError {
  override readonly name = "ServerError";
}

/** The request could not be completed over the network (refused, reset, DNS, socket closed). */
export class NetworkError extends InboxError {
  override readonly name = "NetworkError";
  constructor(
    message: string,
    init: InboxErrorInit,
    readonly baseUrl: string,
    /** True when the connection was never established (refused, DNS), so nothing reached the server. */
    readonly isConnectFailure: boolean,
  ) {
    super(message, init);
  }
}

export class TimeoutError extends InboxError {
  override readonly name = "TimeoutError";
  constructor(
    message: string,
    init: InboxErrorInit,
    readonly timeoutMs: number,
  ) {
    super(message, init);
  }
}

/** The caller's AbortSignal fired. Distinct from TimeoutError so shutdown is not mistaken for a fault. */
export class RequestAbortedError extends InboxError {
  override readonly name = "RequestAbortedError";
}

/** A response the client cannot use: a 2xx that is not JSON or lacks required fields, or a 1xx/3xx. */
export class UnexpectedResponseError extends InboxError {
  override readonly name = "UnexpectedResponseError";
}

/**
 * A send (quick send or thread send) that failed in a way that does not prove it was not delivered:
 * a timeout, a lost connection, a 5xx, an abort mid-flight or an unreadable 2xx. v1 sends have no
 * idempotency key (reference.md §6), so the client never retries them; the caller must reconcile
 * (look the thread up and compare its latest messages) before sending again.
 */
export class SendOutcomeUnknownError extends InboxError {
  override readonly name = "SendOutcomeUnknownError";
  declare readonly cause: InboxError;

  constructor(cause: InboxError) {
    super(
      `${cause.method} ${cause.path} may or may not have been delivered (${describeUncertainty(cause)}). ` +
        "It was not retried: reconcile with the thread's latest messages before sending again.",
      { ...copyContext(cause), cause },
    );
  }
}

export type ResponseContext = ErrorContext & {
  /** Current time (epoch ms) of the caller's clock, for an HTTP-date Retry-After. */
  nowMs: number;
};

const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000; // docs' 429 example: "Try again in 60 seconds" (reference.md §4)
const MAX_SERVER_TEXT = 300;

/**
 * Turns a non-2xx response into the matching error. Pure. Branches on the HTTP status first and reads
 * the body defensively (reference.md §2): nested v1 `{"error":{"code","message","status"}}`, flat
 * `{"error":"Unauthorized","message":"…"}`, v2 `{"code","message"}`, plain text or nothing at all.
 */
export function classifyResponse(status: number, body: string, headers: Headers, ctx: ResponseContext): InboxError {
  const { code, serverMessage } = readErrorBody(body);
  const rateLimit = parseRateLimitHeaders(headers, ctx.nowMs);
  const init: InboxErrorInit = { method: ctx.method, path: ctx.path, status, code, serverMessage, rateLimit };
  const where = `${ctx.method} ${ctx.path} → ${status}${code ? ` ${code}` : ""}`;
  // Our sentences end with their own period: the server's closing one would double it ("/api/v1..").
  const said = serverMessage ? `: ${serverMessage.replace(/[.\s]+$/, "")}` : "";

  if (status === 429) {
    const wait =
      rateLimit.retryAfterMs ??
      (rateLimit.resetAt !== undefined ? Math.max(0, rateLimit.resetAt - ctx.nowMs) : DEFAULT_RATE_LIMIT_WAIT_MS);
    return new RateLimitedError(
      `Inbox API rate limit reached (${where})${said}. Holding requests for ${Math.ceil(wait / 1000)} s.`,
      init,
      wait,
    );
  }
  if (status === 401) {
    return new AuthError(
      `The Inbox API rejected the token (${where})${said}. Check INBOX_API_TOKEN: it may be mistyped, revoked or belong to another team.`,
      init,
    );
  }
  if (status === 403) {
    return new AuthError(
      `The Inbox API refused the request as forbidden (${where})${said}. The team's plan or an add-on (first messages need "Outbound Messages") may be missing, or the token lacks access.`,
      init,
    );
  }
  if (status === 404) return new NotFoundError(`Not found (${where})${said}.`, init);
  if (status >= 400 && status < 500) return new InvalidRequestError(`The Inbox API rejected the request (${where})${said}.`, init);
  if (status >= 500 && status < 600) return new ServerError(`The Inbox API failed (${where})${said}.`, init);
  return new UnexpectedResponseError(`Unexpected response from the Inbox API (${where})${said}.`, init);
}

/** Extracts the API error code and message from any of the body shapes the docs show. Never throws. */
export function readErrorBody(body: string): { code?: string; serverMessage?: string } {
  const text = body.trim();
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { serverMessage: shorten(text) }; // an HTML error page from a proxy, or plain text
  }
  if (!isRecord(parsed)) return typeof parsed === "string" ? { serverMessage: shorten(parsed) } : {};
  const nested = parsed["error"];
  const source = isRecord(nested) ? nested : parsed;
  const out: { code?: string; serverMessage?: string } = {};
  // Flat form: {"error":"Unauthorized","message":"…"} — the short name is the closest thing to a code.
  const code = isRecord(nested) ? source["code"] : typeof nested === "string" ? nested : parsed["code"];
  if (typeof code === "string" && code !== "") out.code = code;
  const message = source["message"];
  if (typeof message === "string" && message.trim() !== "") out.serverMessage = shorten(message);
  return out;
}

export function isInboxError(err: unknown): err is InboxError {
  return err instanceof InboxError;
}

/** Transient failures a read (or an idempotent write) may safely repeat. 429 is excluded on purpose. */
export function isRetryableForRead(err: unknown): err is ServerError | NetworkError | TimeoutError {
  return err instanceof ServerError || err instanceof NetworkError || err instanceof TimeoutError;
}

/**
 * Whether a send that failed with `err` might still have been delivered. False only when the request
 * provably never took effect: the server answered 4xx/429, or the connection was never made.
 */
export function isSendOutcomeUncertain(err: unknown): err is InboxError {
  if (err instanceof NetworkError) return !err.isConnectFailure;
  return (
    err instanceof ServerError ||
    err instanceof TimeoutError ||
    err instanceof RequestAbortedError ||
    err instanceof UnexpectedResponseError
  );
}

function describeUncertainty(err: InboxError): string {
  if (err instanceof TimeoutError) return `no response within ${err.timeoutMs} ms`;
  if (err instanceof NetworkError) return `the connection was lost${err.code ? `: ${err.code}` : ""}`;
  if (err instanceof RequestAbortedError) return "the request was aborted while in flight";
  if (err instanceof ServerError) return `the server answered ${err.status ?? "5xx"}${err.code ? ` ${err.code}` : ""}`;
  return "the response could not be read";
}

function copyContext(err: InboxError): InboxErrorInit {
  return {
    method: err.method,
    path: err.path,
    status: err.status,
    code: err.code,
    serverMessage: err.serverMessage,
    rateLimit: err.rateLimit,
  };
}

function shorten(s: string): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > MAX_SERVER_TEXT ? `${one.slice(0, MAX_SERVER_TEXT)}…` : one;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
