/** How start-up reads (GET /account-links, GET /team) treat a full team quota: they wait, within bounds. */
import { RateLimitedError } from "../inbox/errors.js";
import type { Clock } from "./clock.js";

/**
 * How long a start-up read (GET /account-links, GET /team) waits out 429s before giving up (ms): the
 * quota is the team's, so another runner or client may be spending it — three runners without Redis
 * kept it spent for tens of seconds in the team benchmark, and giving up after five 1 s waits refused
 * a start that would have waited for the quota anyway. Each wait is the server's Retry-After; nothing
 * has been sent yet, so Ctrl-C ends the wait at once.
 */
export const STARTUP_429_PATIENCE_MS = 10 * 60_000;

/** Whether a start-up read that began at `startedAt` may wait out this 429 (its Retry-After ends within the patience). */
export function mayWaitOut(err: unknown, startedAt: number, clock: Clock): err is RateLimitedError {
  return err instanceof RateLimitedError && clock.now() + err.retryAfterMs <= startedAt + STARTUP_429_PATIENCE_MS;
}
