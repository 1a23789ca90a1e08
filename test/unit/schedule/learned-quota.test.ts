import { describe, expect, it } from "vitest";
import { SlidingWindowLimiter } from "../../../src/sandbox/rate-limiter.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { createApiLimiter } from "../../../src/schedule/api-limiter.js";
import { QuotaLearner } from "../../../src/schedule/learned-quota.js";

const T0 = Date.parse("2026-11-29T12:00:00.137Z");

/**
 * The runner's gate, configured for 1,200 requests a minute, in front of a server that really allows 20
 * per 2 s (the sandbox's own sliding-window limiter; 600 a minute at most), on a simulated clock:
 * requests reach the server 2 ms after they start and are answered 3 ms later.
 */
async function runAgainstStricterServer(requests: number) {
  const clock = new SimulatedClock(T0);
  const server = new SlidingWindowLimiter([{ limit: 20, windowMs: 2_000 }]);
  const gate = createApiLimiter({ windows: [{ limit: 1_200, windowMs: 60_000 }], clock });
  const accepted: number[] = [];
  let throttled = 0;
  let answered = 0;
  let throttledAfterFirstAnswer = 0;
  const call = async (): Promise<void> => {
    await clock.sleep(2);
    const at = clock.now();
    const decision = server.take(at);
    const snap = server.snapshot(at)!;
    await clock.sleep(3);
    const status = decision.allowed ? 200 : 429;
    gate.observe({ limit: snap.limit, remaining: snap.remaining, resetAt: snap.resetSec * 1000, ...(decision.allowed ? {} : { retryAfterMs: (decision.retryAfterSec ?? 1) * 1000 }) }, status);
    if (decision.allowed) accepted.push(at);
    else {
      throttled++;
      if (answered > 0) throttledAfterFirstAnswer++;
    }
    answered++;
    if (!decision.allowed) throw Object.assign(new Error("429"), { status: 429 });
  };
  // The first request alone, as the run's start-up check is; then everything at once.
  await gate.schedule(call);
  await Promise.all(Array.from({ length: requests - 1 }, () => gate.schedule(call).catch(() => undefined)));
  return { accepted, throttled, throttledAfterFirstAnswer, learned: gate.learnedWindows() };
}

describe("QuotaLearner", () => {
  it("a server stricter than configured (20 per 2 s): no 429 after the first response, its window learned, ≥ 90% of its rate used", async () => {
    const r = await runAgainstStricterServer(400);
    expect(r.throttledAfterFirstAnswer).toBe(0);
    expect(r.learned).toHaveLength(1);
    expect(r.learned[0]!.limit).toBe(20);
    // Never shorter than the real window (that would meet 429s), and within a tenth of it.
    expect(r.learned[0]!.windowMs).toBeGreaterThanOrEqual(2_000);
    expect(r.learned[0]!.windowMs).toBeLessThanOrEqual(2_200);
    // Utilisation on the simulated clock, after the first two windows (while the length is learned).
    const from = T0 + 4_000;
    const steady = r.accepted.filter((t) => t >= from);
    const span = r.accepted.at(-1)! - from;
    const perSecond = ((steady.length - 1) * 1000) / span;
    expect(perSecond / 10).toBeGreaterThanOrEqual(0.9);
  });

  it("learns nothing from a server whose limit is the configured one", () => {
    const learner = new QuotaLearner([{ limit: 300, windowMs: 60_000 }]);
    learner.started(T0);
    expect(learner.observe({ limit: 300, remaining: 299, resetAt: T0 + 61_000 }, T0 + 5)).toBeUndefined();
    expect(learner.windows()).toEqual([]);
  });

  it("bounds the window from above with the oldest request the server can have counted", () => {
    const learner = new QuotaLearner([{ limit: 300, windowMs: 60_000 }]);
    // Three requests answered, then a fourth in flight whose response says 3 of 10 are used.
    for (const start of [T0, T0 + 100, T0 + 200]) {
      learner.started(start);
      learner.ended(start, start + 5, true);
    }
    learner.started(T0 + 300);
    // c = 3: this request and the two latest answered ones (T0+100, T0+200); the oldest of them started at T0+100.
    expect(learner.observe({ limit: 10, remaining: 7, resetAt: T0 + 5_100 }, T0 + 305)).toEqual({ limit: 10, windowMs: 5_000, samples: 1, seenAt: T0 + 305 });
    // A looser bound later does not widen it.
    expect(learner.observe({ limit: 10, remaining: 7, resetAt: T0 + 9_000 }, T0 + 310)).toBeUndefined();
  });

  it("forgets a learned window the server has not reported for ten of its windows (at least 30 s)", () => {
    const learner = new QuotaLearner([{ limit: 300, windowMs: 60_000 }]);
    learner.started(T0);
    expect(learner.observe({ limit: 3, remaining: 2, resetAt: T0 + 2_000 }, T0 + 5)).toMatchObject({ limit: 3, windowMs: 2_000 });
    expect(learner.expire(T0 + 30_000)).toEqual([]);
    // Still reported (remaining full): it stays.
    learner.observe({ limit: 3, remaining: 3, resetAt: T0 + 29_000 }, T0 + 29_000);
    expect(learner.expire(T0 + 58_000)).toEqual([]);
    expect(learner.expire(T0 + 59_001)).toEqual([3]);
    expect(learner.windows()).toEqual([]);
  });

  it("leaves out requests the server refused (429) or never saw", () => {
    const learner = new QuotaLearner([{ limit: 300, windowMs: 60_000 }]);
    learner.started(T0);
    learner.ended(T0, T0 + 5, false);
    learner.started(T0 + 300);
    // c = 2 but only one counted request is known besides this one: no bound rather than a wrong one.
    expect(learner.observe({ limit: 10, remaining: 8, resetAt: T0 + 5_100 }, T0 + 305)).toBeUndefined();
  });
});
