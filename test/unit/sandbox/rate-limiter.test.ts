import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { KeyedLimiter, SlidingWindowLimiter } from "../../../src/sandbox/rate-limiter.js";

describe("SlidingWindowLimiter", () => {
  it("admits `limit` per sliding window and says when the oldest request leaves it", () => {
    const clock = new SimulatedClock(0);
    const limiter = new SlidingWindowLimiter([{ limit: 3, windowMs: 60_000 }]);
    expect(limiter.take(clock.now()).allowed).toBe(true);
    clock.advance(20_000);
    expect(limiter.take(clock.now()).allowed).toBe(true);
    clock.advance(20_000);
    expect(limiter.take(clock.now()).allowed).toBe(true);
    // t=40 s: full; the request at t=0 leaves at t=60 s.
    expect(limiter.take(clock.now())).toEqual({ allowed: false, retryAfterSec: 20 });
    expect(limiter.snapshot(clock.now())).toEqual({ limit: 3, remaining: 0, resetSec: 60 });
    clock.advance(19_999);
    expect(limiter.take(clock.now()).allowed).toBe(false);
    clock.advance(1);
    expect(limiter.take(clock.now()).allowed).toBe(true); // sliding: one slot freed, not the whole window
    expect(limiter.take(clock.now()).allowed).toBe(false);
  });

  it("rounds Retry-After up and does not count refused requests", () => {
    const limiter = new SlidingWindowLimiter([{ limit: 1, windowMs: 1_500 }]);
    expect(limiter.take(0).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.take(100)).toEqual({ allowed: false, retryAfterSec: 2 });
    expect(limiter.take(1_500).allowed).toBe(true);
  });

  it.each([
    { name: "minute window binds first", after: 5, expected: { limit: 5, remaining: 0 } },
    { name: "shortest window on a tie", after: 0, expected: { limit: 5, remaining: 5 } },
  ])("snapshot describes the tightest window: $name", ({ after, expected }) => {
    const limiter = new SlidingWindowLimiter([
      { limit: 10, windowMs: 3_600_000 },
      { limit: 5, windowMs: 60_000 },
    ]);
    for (let i = 0; i < after; i++) limiter.take(0);
    expect(limiter.snapshot(0)).toMatchObject(expected);
  });

  it("enforces every window at once: the hour window keeps refusing after the minute one frees up", () => {
    const limiter = new SlidingWindowLimiter([
      { limit: 2, windowMs: 60_000 },
      { limit: 3, windowMs: 3_600_000 },
    ]);
    expect([limiter.take(0), limiter.take(0), limiter.take(0)].map((d) => d.allowed)).toEqual([true, true, false]);
    expect(limiter.take(60_000).allowed).toBe(true);
    expect(limiter.take(120_000)).toEqual({ allowed: false, retryAfterSec: 3_600 - 120 });
  });

  it("is off with no windows and handles 100,000 requests in a ring buffer", () => {
    expect(new SlidingWindowLimiter([]).isOff).toBe(true);
    const limiter = new SlidingWindowLimiter([{ limit: 100_000, windowMs: 86_400_000 }]);
    let admitted = 0;
    for (let i = 0; i < 100_000; i++) if (limiter.take(i).allowed) admitted++;
    expect(admitted).toBe(100_000);
    expect(limiter.take(100_000).allowed).toBe(false);
    expect(limiter.take(86_400_000).allowed).toBe(true);
  });
});

describe("KeyedLimiter", () => {
  it("keeps one window set per account link", () => {
    const limiter = new KeyedLimiter([{ limit: 1, windowMs: 60_000 }]);
    expect(limiter.take("a", 0).allowed).toBe(true);
    expect(limiter.take("b", 0).allowed).toBe(true);
    expect(limiter.take("a", 0).allowed).toBe(false);
  });
});
