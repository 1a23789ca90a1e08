/**
 * Reads the rate-limit headers the Inbox API puts on every response (reference.md §4):
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (Unix seconds) and, on 429/503,
 * `Retry-After` (delay-seconds or an HTTP-date, RFC 9110 §10.2.3).
 *
 * Pure and forgiving: a header that is absent or malformed is left out of the result, never thrown,
 * because a proxy mangling one header must not turn a good response into a failure.
 */
import type { RateLimitInfo } from "./types.js";

const NON_NEGATIVE_INT = /^\d+$/;
// Unix seconds; some servers send fractional seconds, which still name a clear instant.
const UNIX_SECONDS = /^\d+(?:\.\d+)?$/;
// Every HTTP-date form (IMF-fixdate, RFC 850, asctime) carries an hh:mm:ss time; requiring one keeps
// Date.parse from accepting loose strings like "5 apples" as a date.
const HAS_CLOCK_TIME = /\d{1,2}:\d{2}:\d{2}/;

/**
 * @param nowMs the current time (epoch ms) of the caller's clock; an HTTP-date Retry-After is turned
 *   into a delay relative to it (a date in the past means "retry now": 0 ms).
 */
export function parseRateLimitHeaders(headers: Headers, nowMs: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const limit = parseNonNegativeInt(headers.get("x-ratelimit-limit"));
  if (limit !== undefined) info.limit = limit;
  const remaining = parseNonNegativeInt(headers.get("x-ratelimit-remaining"));
  if (remaining !== undefined) info.remaining = remaining;
  const resetAt = parseUnixSeconds(headers.get("x-ratelimit-reset"));
  if (resetAt !== undefined) info.resetAt = resetAt;
  const retryAfterMs = parseRetryAfter(headers.get("retry-after"), nowMs);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  return info;
}

/** `Retry-After` as a delay in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (NON_NEGATIVE_INT.test(v)) return Number(v) * 1000;
  if (!HAS_CLOCK_TIME.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function parseNonNegativeInt(value: string | null): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (!NON_NEGATIVE_INT.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

function parseUnixSeconds(value: string | null): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (!UNIX_SECONDS.test(v)) return undefined;
  const ms = Math.round(Number(v) * 1000);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
