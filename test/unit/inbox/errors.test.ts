import { describe, expect, it } from "vitest";
import {
  AuthError,
  InboxError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RequestAbortedError,
  SendOutcomeUnknownError,
  ServerError,
  TimeoutError,
  UnexpectedResponseError,
  classifyResponse,
  isRetryableForRead,
  isSendOutcomeUncertain,
  readErrorBody,
} from "../../../src/inbox/errors.js";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const CTX = { method: "GET", path: "/threads/abc", nowMs: NOW };
const nested = (code: string, message: string, status: number): string => JSON.stringify({ error: { code, message, status } });

describe("classifyResponse", () => {
  it.each([
    { status: 400, body: nested("BAD_REQUEST", "content is required", 400), cls: InvalidRequestError, code: "BAD_REQUEST" },
    { status: 401, body: nested("UNAUTHORIZED", "Invalid API token", 401), cls: AuthError, code: "UNAUTHORIZED" },
    { status: 403, body: nested("FORBIDDEN", "Outbound add-on required", 403), cls: AuthError, code: "FORBIDDEN" },
    { status: 404, body: nested("THREAD_NOT_FOUND", "Thread not found", 404), cls: NotFoundError, code: "THREAD_NOT_FOUND" },
    { status: 409, body: nested("CONFLICT", "Name taken", 409), cls: InvalidRequestError, code: "CONFLICT" },
    { status: 422, body: nested("UNPROCESSABLE", "Cannot DM", 422), cls: InvalidRequestError, code: "UNPROCESSABLE" },
    { status: 418, body: "", cls: InvalidRequestError, code: undefined },
    { status: 429, body: nested("RATE_LIMITED", "Rate limit exceeded. Try again in 60 seconds.", 429), cls: RateLimitedError, code: "RATE_LIMITED" },
    { status: 500, body: nested("INTERNAL", "boom", 500), cls: ServerError, code: "INTERNAL" },
    { status: 502, body: "<html><body>Bad Gateway</body></html>", cls: ServerError, code: undefined },
    { status: 503, body: "", cls: ServerError, code: undefined },
    { status: 304, body: "", cls: UnexpectedResponseError, code: undefined },
  ])("$status → $cls.name", ({ status, body, cls, code }) => {
    const err = classifyResponse(status, body, new Headers(), CTX);
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(InboxError);
    expect(err.status).toBe(status);
    expect(err.code).toBe(code);
    expect(err.method).toBe("GET");
    expect(err.path).toBe("/threads/abc");
    expect(err.message).toContain(`GET /threads/abc → ${status}`);
  });

  it("a server message ending in a period is not followed by a second one", () => {
    const err = classifyResponse(404, nested("NOT_FOUND", "No route GET /account-links. The API lives under /api/v1.", 404), new Headers(), CTX);
    expect(err.message).toMatch(/under \/api\/v1\.$/);
    expect(err.message).not.toContain("..");
  });

  it("401 says the token was rejected and names INBOX_API_TOKEN", () => {
    const err = classifyResponse(401, nested("UNAUTHORIZED", "Invalid API token", 401), new Headers(), CTX);
    expect(err.message).toMatch(/rejected the token/);
    expect(err.message).toContain("INBOX_API_TOKEN");
  });

  it("403 says forbidden and that the plan or an add-on may be missing", () => {
    const err = classifyResponse(403, "", new Headers(), CTX);
    expect(err.message).toMatch(/forbidden/);
    expect(err.message).toMatch(/plan or an add-on/);
  });

  it("keeps the server's message and code on an invalid request", () => {
    const err = classifyResponse(422, nested("CONTENT_REJECTED", "Message too long", 422), new Headers(), CTX);
    expect(err.serverMessage).toBe("Message too long");
    expect(err.code).toBe("CONTENT_REJECTED");
    expect(err.message).toContain("Message too long");
  });

  it.each([
    { name: "Retry-After seconds", headers: { "retry-after": "30" }, wait: 30_000 },
    { name: "Retry-After HTTP-date", headers: { "retry-after": "Sun, 01 Mar 2026 12:00:45 GMT" }, wait: 45_000 },
    { name: "reset header only", headers: { "x-ratelimit-reset": String(NOW / 1000 + 20) }, wait: 20_000 },
    { name: "no headers: the docs' 60 s", headers: {}, wait: 60_000 },
  ])("429 retryAfterMs from $name", ({ headers, wait }) => {
    const err = classifyResponse(429, "", new Headers(headers), CTX);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(wait);
  });

  it("attaches parsed rate-limit headers", () => {
    const err = classifyResponse(500, "", new Headers({ "x-ratelimit-limit": "300", "x-ratelimit-remaining": "12" }), CTX);
    expect(err.rateLimit).toEqual({ limit: 300, remaining: 12 });
  });
});

describe("readErrorBody", () => {
  it.each([
    { name: "nested v1", body: nested("THREAD_NOT_FOUND", "Thread not found", 404), expected: { code: "THREAD_NOT_FOUND", serverMessage: "Thread not found" } },
    { name: "flat legacy", body: JSON.stringify({ error: "Unauthorized", message: "Invalid API key" }), expected: { code: "Unauthorized", serverMessage: "Invalid API key" } },
    { name: "v2 shape", body: JSON.stringify({ code: "rateLimited", message: "Slow down", details: null, requestId: "r1" }), expected: { code: "rateLimited", serverMessage: "Slow down" } },
    { name: "nested without message", body: JSON.stringify({ error: { code: "X" } }), expected: { code: "X" } },
    { name: "nested with wrong types", body: JSON.stringify({ error: { code: 5, message: ["a"] } }), expected: {} },
    { name: "plain text", body: "upstream connect error", expected: { serverMessage: "upstream connect error" } },
    { name: "HTML is collapsed to one line", body: "<html>\n  <h1>502</h1>\n</html>", expected: { serverMessage: "<html> <h1>502</h1> </html>" } },
    { name: "JSON string", body: '"oops"', expected: { serverMessage: "oops" } },
    { name: "JSON null", body: "null", expected: {} },
    { name: "JSON array", body: "[1,2]", expected: {} },
    { name: "empty", body: "", expected: {} },
    { name: "whitespace", body: "  \n ", expected: {} },
  ])("$name", ({ body, expected }) => {
    expect(readErrorBody(body)).toEqual(expected);
  });

  it("shortens very long bodies", () => {
    const got = readErrorBody("x".repeat(5000));
    expect(got.serverMessage!.length).toBeLessThan(400);
  });
});

describe("predicates", () => {
  const ctx = { method: "GET", path: "/team" };
  const server = new ServerError("s", { ...ctx, status: 502 });
  const refused = new NetworkError("n", { ...ctx, code: "ECONNREFUSED" }, "http://x", true);
  const reset = new NetworkError("n", { ...ctx, code: "ECONNRESET" }, "http://x", false);
  const timeout = new TimeoutError("t", ctx, 10);
  const aborted = new RequestAbortedError("a", ctx);
  const limited = new RateLimitedError("r", { ...ctx, status: 429 }, 1000);
  const invalid = new InvalidRequestError("i", { ...ctx, status: 422 });
  const auth = new AuthError("a", { ...ctx, status: 401 });
  const unexpected = new UnexpectedResponseError("u", { ...ctx, status: 200 });

  it.each([
    ["ServerError", server, true, true],
    ["NetworkError (refused)", refused, true, false],
    ["NetworkError (reset)", reset, true, true],
    ["TimeoutError", timeout, true, true],
    ["RequestAbortedError", aborted, false, true],
    ["RateLimitedError", limited, false, false],
    ["InvalidRequestError", invalid, false, false],
    ["AuthError", auth, false, false],
    ["UnexpectedResponseError", unexpected, false, true],
    ["plain Error", new Error("x"), false, false],
  ] as const)("%s: retryable read %s, uncertain send %s", (_name, err, retryable, uncertain) => {
    expect(isRetryableForRead(err)).toBe(retryable);
    expect(isSendOutcomeUncertain(err)).toBe(uncertain);
  });
});

describe("SendOutcomeUnknownError", () => {
  it("keeps the underlying error as cause and copies its context", () => {
    const cause = new ServerError("s", { method: "POST", path: "/threads/messages", status: 502, code: "BAD_GATEWAY" });
    const err = new SendOutcomeUnknownError(cause);
    expect(err.cause).toBe(cause);
    expect(err).toBeInstanceOf(InboxError);
    expect(err.name).toBe("SendOutcomeUnknownError");
    expect(err.status).toBe(502);
    expect(err.method).toBe("POST");
    expect(err.path).toBe("/threads/messages");
    expect(err.message).toMatch(/may or may not have been delivered \(the server answered 502 BAD_GATEWAY\)/);
    expect(err.message).toMatch(/reconcile/);
  });

  it("describes a timeout", () => {
    const err = new SendOutcomeUnknownError(new TimeoutError("t", { method: "POST", path: "/threads/messages" }, 30_000));
    expect(err.message).toContain("no response within 30000 ms");
  });
});
