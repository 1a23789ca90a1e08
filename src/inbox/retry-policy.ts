/**
 * When the client repeats a failed request by itself. Pure, so the whole table is unit-tested.
 *
 * Source: the docs' rate-limit page (reference.md §4): honour Retry-After, else exponential backoff
 * from 1 s, capped at 60 s, at most 5 attempts, retry only 429/5xx. Adapted for a bulk sender:
 *
 * - Reads (GET) and idempotent writes repeat on 5xx, network failures and timeouts.
 * - Sends are NEVER repeated: v1 has no idempotency key (reference.md §6), so a repeated quick send
 *   after a 5xx/timeout can DM a prospect twice. The caller reconciles instead.
 * - Other non-idempotent writes (POST /tags, /statuses) are not repeated either.
 * - 429 is NOT retried here, for any method. The quota (300/min, 10k/h, 100k/day) is shared by every
 *   request and token of the team, so one request sleeping on its own while its siblings keep firing
 *   would only burn more quota. The client throws RateLimitedError and the scheduler holds all work
 *   until `retryAfterMs`, then re-queues the request.
 * - Other 4xx are never retried: the same request would get the same answer.
 */
import { isRetryableForRead } from "./errors.js";

export const READ_RETRY_LIMITS = {
  /** Total attempts including the first. */
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
} as const;

export interface RetryInput {
  method: string;
  /** Quick send or thread send: never retried, whatever the error. */
  isSend: boolean;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /**
   * Whether repeating the request cannot change the outcome. Defaults from the method (GET, HEAD,
   * PUT, DELETE, OPTIONS: yes; POST, PATCH: no). The client marks its PATCH calls (thread update,
   * prospect context) idempotent: they set fields and add/remove tags, which repeat harmlessly.
   */
  isIdempotent?: boolean;
  /**
   * Source of jitter in [0, 1). Absent: no jitter (exact delays). Present: "equal jitter", a delay in
   * [d/2, d), so many clients that failed together do not retry in lockstep.
   */
  random?: () => number;
}

export type RetryDecision = { retry: false } | { retry: true; delayMs: number };

const NO: RetryDecision = { retry: false };
const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

export function decideRetry(err: unknown, input: RetryInput): RetryDecision {
  if (input.isSend) return NO;
  const isIdempotent = input.isIdempotent ?? IDEMPOTENT_METHODS.has(input.method.toUpperCase());
  if (!isIdempotent) return NO;
  if (input.attempt >= READ_RETRY_LIMITS.maxAttempts) return NO;
  if (!isRetryableForRead(err)) return NO;

  // A 503 may carry Retry-After; honour it, but a server asking for more than the cap is better
  // surfaced to the caller than slept on inside one request.
  const retryAfterMs = err.rateLimit?.retryAfterMs;
  if (retryAfterMs !== undefined) {
    return retryAfterMs <= READ_RETRY_LIMITS.maxDelayMs ? { retry: true, delayMs: retryAfterMs } : NO;
  }
  return { retry: true, delayMs: backoffDelay(input.attempt, input.random) };
}

/** 1 s · 2^(attempt-1), capped at 60 s; with `random`, equal jitter in [d/2, d). */
export function backoffDelay(attempt: number, random?: () => number): number {
  const exponent = Math.max(0, attempt - 1);
  const d = Math.min(READ_RETRY_LIMITS.baseDelayMs * 2 ** exponent, READ_RETRY_LIMITS.maxDelayMs);
  return random === undefined ? d : Math.floor(d / 2 + (random() * d) / 2);
}
