/**
 * Options for `InboxClient` and their resolution into a checked configuration. Problems the user can
 * fix (no token, a bad base URL) are `UserError`s with the next step; bad programmatic values are
 * RangeErrors. No message here ever echoes the token.
 */
import { redactUrl } from "../secrets.js";
import { UserError } from "../errors.js";
import { type Clock, systemClock } from "../platform/clock.js";
import type { ServerClock } from "./server-clock.js";
import type { RateLimitInfo } from "./types.js";

/** v1 base URL (reference.md §1). */
export const DEFAULT_BASE_URL = "https://inboxapp.com/api/v1";
/** Per attempt. Generous because a quick send waits on X; the docs give no server-side figure. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_USER_AGENT = "inbox-outreach";

export interface InboxClientOptions {
  /** Default: env.INBOX_API_URL, else DEFAULT_BASE_URL. */
  baseUrl?: string;
  /** Default: env.INBOX_API_TOKEN. Required one way or the other. */
  token?: string;
  /** Default: process.env. Read only for INBOX_API_URL and INBOX_API_TOKEN. */
  env?: NodeJS.ProcessEnv;
  /**
   * Per-attempt timeout in ms. Default 30 000; RequestOptions.timeoutMs overrides it per call. A read
   * retried 5 times can therefore take up to 5 × timeout + 15 s of backoff.
   */
  timeoutMs?: number;
  /** Used for backoff sleeps between read retries and for Retry-After dates. Default: systemClock. */
  clock?: Clock;
  /** Default: the global fetch (undici, keep-alive pooled). */
  fetch?: typeof fetch;
  /**
   * Called for EVERY response (success or error, before its body is read) with its rate-limit headers,
   * so the scheduler can follow X-RateLimit-*. Runs on the request path: keep it cheap and don't throw;
   * an exception propagates unchanged out of the call (for a send, the send may have gone out).
   */
  onResponse?: (info: RateLimitInfo, status: number) => void;
  /**
   * Fed every response's `Date` header and every sent message's `createdAt`, so the server's clock is
   * known; when given, `X-RateLimit-Reset` reaches `onResponse` converted to our clock. Default: none.
   */
  serverClock?: ServerClock;
  /** Default: "inbox-outreach". */
  userAgent?: string;
  /** Jitter source for read-retry backoff, in [0, 1). Default: none (exact 1 s, 2 s, 4 s, 8 s). */
  random?: () => number;
  /**
   * The run's stop signal. When it aborts, every call except a send ends at once with
   * RequestAbortedError — in flight or between its retries (up to 15 s of backoff) — so Ctrl-C is
   * never kept waiting by a read. Sends are not cut off: once one has left it finishes (or times out)
   * and is recorded. A call's own RequestOptions.signal takes precedence. Default: none.
   */
  stop?: AbortSignal;
}

export interface ResolvedClientOptions {
  /** Normalised: no trailing slash, no query, no credentials. */
  baseUrl: string;
  token: string;
  timeoutMs: number;
  clock: Clock;
  fetch: typeof fetch;
  onResponse: ((info: RateLimitInfo, status: number) => void) | undefined;
  serverClock: ServerClock | undefined;
  userAgent: string;
  random: (() => number) | undefined;
  stop: AbortSignal | undefined;
}

// A bearer token is printable ASCII (RFC 6750 b64token is a subset); fetch refuses anything above
// U+00FF with a TypeError, and sends U+0080–U+00FF as raw bytes no server would match.
const NOT_TOKEN_CHAR = /[^\x21-\x7e]/;

// Header values may not hold control characters; fetch would throw a TypeError quoting the whole value
// (and so the token) if we let one through.
const HEADER_UNSAFE = /[\u0000-\u001f\u007f]/;

export function resolveClientOptions(options: InboxClientOptions): ResolvedClientOptions {
  const env = options.env ?? process.env;
  const token = (options.token ?? env["INBOX_API_TOKEN"] ?? "").trim();
  if (token === "") {
    throw new UserError("INBOX_API_TOKEN is not set", {
      hint: "Create a token in Inbox → Settings → API and export INBOX_API_TOKEN=…, or use --sandbox to rehearse without one.",
    });
  }
  if (HEADER_UNSAFE.test(token)) {
    throw new UserError("INBOX_API_TOKEN contains a line break or control character", {
      hint: "Copy the token again from Inbox → Settings → API; it is a single line.",
    });
  }
  const foreign = token.search(NOT_TOKEN_CHAR);
  if (foreign >= 0) {
    // Never echo the token, not even the offending character: say where it is.
    throw new UserError(`INBOX_API_TOKEN has a character at position ${foreign + 1} that no API token contains (tokens are plain ASCII letters, digits and punctuation)`, {
      hint: "Copy the token again from Inbox → Settings → API (a word processor or chat app may have replaced a character, e.g. a dash or quote), and export INBOX_API_TOKEN=… again.",
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`Expected \`timeoutMs\` to be a finite number > 0, got ${String(timeoutMs)}`);
  }
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  if (HEADER_UNSAFE.test(userAgent)) throw new RangeError("Expected `userAgent` to hold no control characters");
  // An empty INBOX_API_URL counts as unset, as shells make it easy to export one by accident.
  const rawBase = options.baseUrl ?? (env["INBOX_API_URL"] || DEFAULT_BASE_URL);
  const baseUrl = normaliseBaseUrl(rawBase);
  refuseCleartext(baseUrl, env[ALLOW_HTTP_ENV] === "1");
  return {
    baseUrl,
    token,
    timeoutMs,
    clock: options.clock ?? systemClock,
    fetch: options.fetch ?? globalThis.fetch,
    onResponse: options.onResponse,
    serverClock: options.serverClock,
    userAgent,
    random: options.random,
    stop: options.stop,
  };
}

/** Set to 1 to allow a plain http:// INBOX_API_URL to a host other than this machine (default: refused). */
export const ALLOW_HTTP_ENV = "INBOX_API_ALLOW_HTTP";

/**
 * The token rides in every request's Authorization header: over plain HTTP anyone on the path can
 * read it. Loopback (the sandbox, an SSH tunnel) never leaves the machine, so it is allowed.
 */
function refuseCleartext(baseUrl: string, allowed: boolean): void {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || allowed || isLoopbackHost(url.hostname)) return;
  throw new UserError(`INBOX_API_URL ${baseUrl} is plain http:// to another machine: INBOX_API_TOKEN would travel in clear text`, {
    hint: `use https://, or (only on a network you trust, e.g. a test server) set ${ALLOW_HTTP_ENV}=1 to allow it`,
  });
}

/** localhost, 127.0.0.0/8 and ::1: addresses that never leave this machine. */
function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function normaliseBaseUrl(raw: string): string {
  const hint = `Set INBOX_API_URL to a URL like ${DEFAULT_BASE_URL}, or unset it to use that default.`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch (cause) {
    throw new UserError(`The Inbox API base URL "${raw}" is not a valid URL`, { hint, cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UserError(`The Inbox API base URL "${raw}" must start with http:// or https://`, { hint });
  }
  if (url.username !== "" || url.password !== "") {
    // Don't echo it: the user may have pasted a secret into the URL.
    throw new UserError("The Inbox API base URL must not contain credentials", {
      hint: "Put the token in INBOX_API_TOKEN instead.",
    });
  }
  if (url.search !== "" || url.hash !== "") {
    // Shown without its query's values: a pasted ?token=… is a secret.
    throw new UserError(`The Inbox API base URL "${redactUrl(raw)}" must not have a query string or fragment`, { hint });
  }
  return url.href.replace(/\/+$/, "");
}
