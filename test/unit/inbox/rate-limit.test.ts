import { describe, expect, it } from "vitest";
import { parseRateLimitHeaders, parseRetryAfter } from "../../../src/inbox/rate-limit.js";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");

describe("parseRateLimitHeaders", () => {
  it.each([
    {
      name: "all four headers, Retry-After in seconds",
      headers: { "X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "295", "X-RateLimit-Reset": "1772366460", "Retry-After": "60" },
      expected: { limit: 300, remaining: 295, resetAt: 1772366460_000, retryAfterMs: 60_000 },
    },
    {
      name: "Retry-After as an HTTP-date 90 s ahead",
      headers: { "Retry-After": "Sun, 01 Mar 2026 12:01:30 GMT" },
      expected: { retryAfterMs: 90_000 },
    },
    {
      name: "Retry-After as an HTTP-date in the past means now",
      headers: { "Retry-After": "Sun, 01 Mar 2026 11:00:00 GMT" },
      expected: { retryAfterMs: 0 },
    },
    { name: "no headers at all", headers: {}, expected: {} },
    { name: "remaining 0 is kept", headers: { "x-ratelimit-remaining": "0" }, expected: { remaining: 0 } },
    { name: "surrounding whitespace is tolerated", headers: { "x-ratelimit-limit": " 300 " }, expected: { limit: 300 } },
    {
      name: "garbage everywhere is ignored, not thrown",
      headers: { "X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "-1", "X-RateLimit-Reset": "soon", "Retry-After": "5 apples" },
      expected: {},
    },
    { name: "negative Retry-After ignored", headers: { "Retry-After": "-5" }, expected: {} },
    { name: "fractional Retry-After ignored (RFC: integer seconds)", headers: { "Retry-After": "1.5" }, expected: {} },
    { name: "fractional reset seconds accepted", headers: { "X-RateLimit-Reset": "1772366460.5" }, expected: { resetAt: 1772366460_500 } },
    { name: "huge numbers ignored", headers: { "X-RateLimit-Limit": "9".repeat(30) }, expected: {} },
  ])("$name", ({ headers, expected }) => {
    expect(parseRateLimitHeaders(new Headers(headers), NOW)).toEqual(expected);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["0", 0],
    ["120", 120_000],
    ["Sunday, 01-Mar-26 12:00:10 GMT", 10_000], // RFC 850 form
    ["", undefined],
    ["tomorrow", undefined],
    [null, undefined],
  ] as const)("%s", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});
