import { describe, expect, it } from "vitest";
import {
  AuthError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RequestAbortedError,
  ServerError,
  TimeoutError,
} from "../../../src/inbox/errors.js";
import { backoffDelay, decideRetry } from "../../../src/inbox/retry-policy.js";

const ctx = { method: "GET", path: "/team" };
const e5xx = new ServerError("s", { ...ctx, status: 503 });
const eNet = new NetworkError("n", { ...ctx, code: "ECONNRESET" }, "http://x", false);
const eTimeout = new TimeoutError("t", ctx, 1000);
const e429 = new RateLimitedError("r", { ...ctx, status: 429, rateLimit: { retryAfterMs: 5000 } }, 5000);
const e400 = new InvalidRequestError("i", { ...ctx, status: 400 });
const e401 = new AuthError("a", { ...ctx, status: 401 });
const e404 = new NotFoundError("n", { ...ctx, status: 404 });
const eAbort = new RequestAbortedError("a", ctx);

describe("decideRetry", () => {
  it.each([
    // reads: transient failures retry with 1 s · 2^n
    { rule: "GET 5xx, 1st attempt", err: e5xx, method: "GET", attempt: 1, expected: { retry: true, delayMs: 1000 } },
    { rule: "GET 5xx, 2nd attempt", err: e5xx, method: "GET", attempt: 2, expected: { retry: true, delayMs: 2000 } },
    { rule: "GET network, 3rd attempt", err: eNet, method: "GET", attempt: 3, expected: { retry: true, delayMs: 4000 } },
    { rule: "GET timeout, 4th attempt", err: eTimeout, method: "GET", attempt: 4, expected: { retry: true, delayMs: 8000 } },
    { rule: "GET: 5 attempts is the limit", err: e5xx, method: "GET", attempt: 5, expected: { retry: false } },
    // 429 is the scheduler's job, for every method
    { rule: "GET 429", err: e429, method: "GET", attempt: 1, expected: { retry: false } },
    { rule: "PATCH 429", err: e429, method: "PATCH", isIdempotent: true, attempt: 1, expected: { retry: false } },
    // 4xx and aborts never
    { rule: "GET 400", err: e400, method: "GET", attempt: 1, expected: { retry: false } },
    { rule: "GET 401", err: e401, method: "GET", attempt: 1, expected: { retry: false } },
    { rule: "GET 404", err: e404, method: "GET", attempt: 1, expected: { retry: false } },
    { rule: "GET aborted", err: eAbort, method: "GET", attempt: 1, expected: { retry: false } },
    { rule: "unknown error", err: new Error("x"), method: "GET", attempt: 1, expected: { retry: false } },
    // sends never, whatever the error
    { rule: "send 5xx", err: e5xx, method: "POST", isSend: true, attempt: 1, expected: { retry: false } },
    { rule: "send timeout", err: eTimeout, method: "POST", isSend: true, attempt: 1, expected: { retry: false } },
    { rule: "send network", err: eNet, method: "POST", isSend: true, attempt: 1, expected: { retry: false } },
    { rule: "send marked idempotent still never", err: e5xx, method: "POST", isSend: true, isIdempotent: true, attempt: 1, expected: { retry: false } },
    // other writes: only when idempotent by nature
    { rule: "POST create 5xx", err: e5xx, method: "POST", attempt: 1, expected: { retry: false } },
    { rule: "PATCH by default", err: e5xx, method: "PATCH", attempt: 1, expected: { retry: false } },
    { rule: "PATCH marked idempotent", err: e5xx, method: "PATCH", isIdempotent: true, attempt: 1, expected: { retry: true, delayMs: 1000 } },
    { rule: "PATCH idempotent 400", err: e400, method: "PATCH", isIdempotent: true, attempt: 1, expected: { retry: false } },
    { rule: "lowercase get", err: e5xx, method: "get", attempt: 1, expected: { retry: true, delayMs: 1000 } },
  ])("$rule", ({ err, method, attempt, expected, ...rest }) => {
    const input = { method, attempt, isSend: rest.isSend ?? false, ...(rest.isIdempotent === undefined ? {} : { isIdempotent: rest.isIdempotent }) };
    expect(decideRetry(err, input)).toEqual(expected);
  });

  it("honours Retry-After on a 503 within the 60 s cap", () => {
    const err = new ServerError("s", { ...ctx, status: 503, rateLimit: { retryAfterMs: 7000 } });
    expect(decideRetry(err, { method: "GET", isSend: false, attempt: 1 })).toEqual({ retry: true, delayMs: 7000 });
  });

  it("gives up when Retry-After asks for more than 60 s", () => {
    const err = new ServerError("s", { ...ctx, status: 503, rateLimit: { retryAfterMs: 120_000 } });
    expect(decideRetry(err, { method: "GET", isSend: false, attempt: 1 })).toEqual({ retry: false });
  });

  it("applies equal jitter through the injected random", () => {
    expect(decideRetry(e5xx, { method: "GET", isSend: false, attempt: 2, random: () => 0 })).toEqual({ retry: true, delayMs: 1000 });
    expect(decideRetry(e5xx, { method: "GET", isSend: false, attempt: 2, random: () => 0.5 })).toEqual({ retry: true, delayMs: 1500 });
  });
});

describe("backoffDelay", () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [6, 32_000],
    [7, 60_000], // capped
    [30, 60_000],
    [0, 1000],
  ])("attempt %i → %i ms", (attempt, ms) => {
    expect(backoffDelay(attempt)).toBe(ms);
  });
});
