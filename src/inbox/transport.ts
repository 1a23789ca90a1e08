/**
 * One Inbox API call over fetch: URL, auth header, per-attempt timeout, the caller's abort signal,
 * rate-limit reporting, error classification and the read-retry loop. `InboxClient` maps each
 * endpoint onto it.
 *
 * Hot path (the runner targets ≥ 500 sends/s on loopback): headers are built once per client and
 * shared; each attempt allocates only its AbortController and timer; the body is read once as text
 * and parsed once; rate-limit headers are parsed only when someone listens.
 */
import {
  type ErrorContext,
  InboxError,
  NetworkError,
  RequestAbortedError,
  SendOutcomeUnknownError,
  TimeoutError,
  UnexpectedResponseError,
  classifyResponse,
  isSendOutcomeUncertain,
} from "./errors.js";
import type { ResolvedClientOptions } from "./client-options.js";
import { parseRateLimitHeaders } from "./rate-limit.js";
import { decideRetry } from "./retry-policy.js";
import type { RequestOptions } from "./types.js";

export interface ApiCall extends ErrorContext {
  method: "GET" | "POST" | "PATCH";
  /** Relative to the base URL, segments already encoded, no query string (it also names errors). */
  path: string;
  query?: URLSearchParams;
  body?: unknown;
  /** Quick send / thread send: never retried; uncertain failures become SendOutcomeUnknownError. */
  isSend?: boolean;
  /** Marks a PATCH safe to repeat (see retry-policy.ts). */
  isIdempotent?: boolean;
  /** Minimal shape check of a 2xx body; failing it is an UnexpectedResponseError. */
  isExpectedBody?: (json: unknown) => boolean;
}

// Codes meaning the TCP connection was never made, so the server cannot have seen the request.
const CONNECT_FAILURE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

// Certificate verification failures (Node's OpenSSL codes): the TLS handshake never completed.
const TLS_CERT_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
]);

export class Transport {
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;

  constructor(private readonly config: ResolvedClientOptions) {
    this.headers = {
      authorization: `Bearer ${config.token}`,
      accept: "application/json",
      "user-agent": config.userAgent,
    };
    this.jsonHeaders = { ...this.headers, "content-type": "application/json" };
  }

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async request<T>(call: ApiCall, o: RequestOptions | undefined): Promise<T> {
    const signal = o?.signal;
    // Aborted before anything went out: a plain abort, even for a send (nothing can have been delivered).
    if (signal?.aborted) throw abortedError(call, signal);
    const query = call.query?.toString();
    const url = query ? `${this.config.baseUrl}${call.path}?${query}` : `${this.config.baseUrl}${call.path}`;
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.attempt(call, url, body, o)) as T;
      } catch (err) {
        if (call.isSend && isSendOutcomeUncertain(err)) throw new SendOutcomeUnknownError(err);
        const decision = decideRetry(err, {
          method: call.method,
          isSend: call.isSend === true,
          attempt,
          ...(call.isIdempotent === undefined ? {} : { isIdempotent: call.isIdempotent }),
          ...(this.config.random === undefined ? {} : { random: this.config.random }),
        });
        if (!decision.retry || o?.retry === false) throw err;
        await this.config.clock.sleep(decision.delayMs, signal);
        if (signal?.aborted) throw abortedError(call, signal);
      }
    }
  }

  private async attempt(call: ApiCall, url: string, body: string | undefined, o: RequestOptions | undefined): Promise<unknown> {
    const timeoutMs = o?.timeoutMs ?? this.config.timeoutMs;
    const callerSignal = o?.signal;
    // One controller fed by our timer and the caller's signal. Chosen over AbortSignal.timeout +
    // AbortSignal.any: the timer is cleared as soon as the call settles (no 30 s of live timers per
    // request at hundreds of requests/s), and no dependent signal stays attached to a long-lived
    // caller signal (AbortSignal.any has leaked that way on some Node 20 releases).
    const controller = new AbortController();
    let timedOut = false;
    let inCallback = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      const res = await this.config.fetch(url, {
        method: call.method,
        headers: body === undefined ? this.headers : this.jsonHeaders,
        body: body ?? null,
        signal: controller.signal,
      });
      const onResponse = this.config.onResponse;
      if (onResponse) {
        inCallback = true;
        onResponse(parseRateLimitHeaders(res.headers, this.config.clock.now()), res.status);
        inCallback = false;
      }
      const text = await res.text();
      if (res.status >= 200 && res.status < 300) return parseBody(text, res.status, call);
      throw classifyResponse(res.status, this.redact(text), res.headers, {
        method: call.method,
        path: call.path,
        nowMs: this.config.clock.now(),
      });
    } catch (err) {
      // A throwing onResponse is the caller's bug: let it out as is rather than disguise it as a network fault.
      if (err instanceof InboxError || inCallback) throw err;
      if (timedOut) {
        throw new TimeoutError(
          `${call.method} ${call.path} got no response from the Inbox API within ${timeoutMs} ms.`,
          { method: call.method, path: call.path },
          timeoutMs,
        );
      }
      if (callerSignal?.aborted) throw abortedError(call, callerSignal);
      throw this.networkError(err, call);
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener("abort", onCallerAbort);
    }
  }

  private networkError(err: unknown, call: ApiCall): NetworkError {
    const code = findSystemCode(err);
    const base = this.config.baseUrl;
    const why = code ?? this.redact(innermostMessage(err));
    const during = `${call.method} ${call.path}`;
    let message: string;
    let isConnectFailure = true;
    if (code === undefined) {
      // No socket error code: fetch refused the request before opening a connection (a port browsers
      // block, like 1 or 9; a header it cannot encode). Retrying cannot help.
      message = `Could not send ${during} to the Inbox API at ${base} (${why}). Check INBOX_API_URL.`;
    } else if (code.startsWith("ERR_SSL_") || code === "EPROTO") {
      message = `The server at ${base} does not speak HTTPS (${code}) for ${during}: it may be a plain-HTTP server. Check the scheme of INBOX_API_URL.`;
    } else if (TLS_CERT_CODES.has(code) || code.startsWith("ERR_TLS_")) {
      message = `The TLS certificate of ${base} was rejected (${code}) for ${during}. Check INBOX_API_URL; never disable certificate checks to get past this.`;
    } else if (CONNECT_FAILURE_CODES.has(code)) {
      message = `Could not reach the Inbox API at ${base} (${code}) for ${during}. Check the network and INBOX_API_URL.`;
    } else {
      isConnectFailure = false;
      message = `The connection to the Inbox API at ${base} failed during ${during} (${why}).`;
    }
    return new NetworkError(message, { method: call.method, path: call.path, code, cause: err }, base, isConnectFailure);
  }

  /** Servers sometimes echo what they were sent; make sure the token never rides along into an error. */
  private redact(text: string): string {
    const token = this.config.token;
    return text.includes(token) ? text.split(token).join("[redacted]") : text;
  }
}

function parseBody(text: string, status: number, call: ApiCall): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UnexpectedResponseError(
      `${call.method} ${call.path} → ${status} returned a body that is not JSON.`,
      { method: call.method, path: call.path, status, cause },
    );
  }
  if (call.isExpectedBody && !call.isExpectedBody(json)) {
    throw new UnexpectedResponseError(
      `${call.method} ${call.path} → ${status} returned JSON without the expected fields.`,
      { method: call.method, path: call.path, status },
    );
  }
  return json;
}

function abortedError(call: ApiCall, signal: AbortSignal): RequestAbortedError {
  return new RequestAbortedError(`${call.method} ${call.path} was aborted by the caller.`, {
    method: call.method,
    path: call.path,
    cause: signal.reason,
  });
}

/** The message of the deepest `cause` (undici's "fetch failed" says nothing; its cause says "bad port"). */
function innermostMessage(err: unknown): string {
  let current: unknown = err;
  let message = "unknown error";
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}

/**
 * undici rejects with TypeError("fetch failed") whose `cause` holds the system error (`code`), at times
 * an AggregateError of per-address attempts. Walk a few levels to find the first code.
 */
function findSystemCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = findSystemCode(errors[0]);
      if (inner !== undefined) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
