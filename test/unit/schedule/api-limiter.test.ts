import { describe, expect, it, vi } from "vitest";
import type { RateWindow } from "../../../src/config/types.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { createApiLimiter, isThrottleStatus, LimiterStoppedError } from "../../../src/schedule/api-limiter.js";

const T0 = Date.parse("2026-03-10T14:00:00Z");

/** Schedules `n` jobs that each take `durationMs` of simulated time; returns their start times (relative to T0). */
async function runJobs(opts: { windows: RateWindow[]; n: number; durationMs: number; maxConcurrent?: number; marginMs?: number }) {
  const clock = new SimulatedClock(T0);
  const limiter = createApiLimiter({ windows: opts.windows, clock, maxConcurrent: opts.maxConcurrent ?? 100, marginMs: opts.marginMs ?? 0 });
  const starts: number[] = [];
  let running = 0;
  let maxRunning = 0;
  await Promise.all(
    Array.from({ length: opts.n }, () =>
      limiter.schedule(async () => {
        starts.push(clock.now() - T0);
        maxRunning = Math.max(maxRunning, ++running);
        await clock.sleep(opts.durationMs);
        running--;
      }),
    ),
  );
  return { starts, maxRunning, stats: limiter.stats() };
}

/** Largest number of starts inside any window of `windowMs` (both ends included: the strictest reading). */
function maxInAnyWindow(starts: number[], windowMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! > windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe("sliding-window gate", () => {
  it("50 jobs at 10/1000ms: exact start times, never more than 10 in any window", async () => {
    // A request counts as of its response (5 ms after its start), so each batch waits until the
    // previous batch's responses are more than a window old: +1005 +1 ms per batch.
    const { starts, stats } = await runJobs({ windows: [{ limit: 10, windowMs: 1000 }], n: 50, durationMs: 5 });
    const expected = [0, 1006, 2012, 3018, 4024].flatMap((t) => Array<number>(10).fill(t));
    expect(starts).toEqual(expected);
    expect(maxInAnyWindow(starts, 1000)).toBe(10);
    expect(stats).toMatchObject({ scheduled: 50, done: 50, queued: 0, running: 0 });
  });

  it("adds the safety margin past the window edge", async () => {
    const { starts } = await runJobs({ windows: [{ limit: 2, windowMs: 1000 }], n: 4, durationMs: 1, marginMs: 250 });
    expect(starts).toEqual([0, 0, 1252, 1252]);
  });

  it("counts a request as of its response: a slow response pushes the next start back, whatever the latency", async () => {
    // The server counts a request somewhere between our start and its answer; only the answer's
    // instant bounds it. With 400 ms responses, the third start waits for 400 + 1000 + 1.
    const { starts } = await runJobs({ windows: [{ limit: 2, windowMs: 1000 }], n: 3, durationMs: 400 });
    expect(starts).toEqual([0, 0, 1401]);
  });

  const cases = [
    { name: "two windows at once", windows: [{ limit: 5, windowMs: 1000 }, { limit: 12, windowMs: 10_000 }], n: 40, durationMs: 30, maxConcurrent: 3 },
    { name: "long jobs, small concurrency", windows: [{ limit: 7, windowMs: 500 }], n: 60, durationMs: 333, maxConcurrent: 4 },
    { name: "jobs longer than the window", windows: [{ limit: 3, windowMs: 100 }], n: 30, durationMs: 250, maxConcurrent: 8 },
  ];
  it.each(cases)("$name: no window ever exceeds its limit; concurrency respected", async ({ windows, n, durationMs, maxConcurrent }) => {
    const { starts, maxRunning } = await runJobs({ windows, n, durationMs, maxConcurrent });
    expect(starts).toHaveLength(n);
    for (const w of windows) expect(maxInAnyWindow(starts, w.windowMs)).toBeLessThanOrEqual(w.limit);
    expect(maxRunning).toBeLessThanOrEqual(maxConcurrent);
  });
});

describe("queue", () => {
  it("concurrency: 10 jobs of 100 ms, 3 at a time", async () => {
    const { starts, maxRunning } = await runJobs({ windows: [], n: 10, durationMs: 100, maxConcurrent: 3 });
    expect(maxRunning).toBe(3);
    expect(starts).toEqual([0, 0, 0, 100, 100, 100, 200, 200, 200, 300]);
  });

  it("off: no waiting, no clock sleeps of its own", async () => {
    const clock = new SimulatedClock(T0);
    const sleep = vi.spyOn(clock, "sleep");
    const limiter = createApiLimiter({ windows: [], clock, maxConcurrent: 8 });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => limiter.schedule(async () => i)));
    expect(results[199]).toBe(199);
    expect(clock.now()).toBe(T0);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("starts in priority order (0 first), FIFO within a priority", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [], clock, maxConcurrent: 1 });
    const order: string[] = [];
    const blocker = limiter.schedule(() => clock.sleep(100));
    const jobs = (
      [
        ["a5", 5],
        ["b9", 9],
        ["c0", 0],
        ["d5", 5],
        ["e1", 1],
        ["f-default", undefined],
      ] as const
    ).map(([name, priority]) => limiter.schedule(async () => void order.push(name), priority === undefined ? {} : { priority }));
    await Promise.all([blocker, ...jobs]);
    expect(order).toEqual(["c0", "e1", "a5", "d5", "f-default", "b9"]);
  });

  it("a job that throws rejects its caller and frees its slot", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [], clock, maxConcurrent: 1 });
    const bad = limiter.schedule(() => Promise.reject(new Error("boom")));
    const syncBad = limiter.schedule((): Promise<never> => {
      throw new Error("sync boom");
    });
    await expect(bad).rejects.toThrow("boom");
    await expect(syncBad).rejects.toThrow("sync boom");
    await expect(limiter.schedule(async () => "ok")).resolves.toBe("ok");
  });

  it("abort before start rejects with the signal's reason and never runs the job", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [], clock, maxConcurrent: 1 });
    const blocker = limiter.schedule(() => clock.sleep(100));
    const ac = new AbortController();
    const ran = vi.fn(async () => "ran");
    const queued = limiter.schedule(ran, { signal: ac.signal });
    ac.abort(new Error("shutting down"));
    await expect(queued).rejects.toThrow("shutting down");
    await blocker;
    expect(ran).not.toHaveBeenCalled();
    await expect(limiter.schedule(ran, { signal: ac.signal })).rejects.toThrow("shutting down");
  });

  it("stop drops queued jobs and waits for running ones", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [], clock, maxConcurrent: 1 });
    let finished = false;
    const running = limiter.schedule(async () => {
      await clock.sleep(100);
      finished = true;
    });
    const queued = limiter.schedule(async () => "never");
    const stopped = limiter.stop();
    await expect(queued).rejects.toBeInstanceOf(LimiterStoppedError);
    await stopped;
    expect(finished).toBe(true);
    await running;
    await expect(limiter.schedule(async () => 1)).rejects.toBeInstanceOf(LimiterStoppedError);
    expect(limiter.stats()).toMatchObject({ scheduled: 2, done: 2 });
  });
});

describe("a long wait for quota is announced", () => {
  it("requests kept waiting ≥ 10 s by a window are reported through onHold once, short waits are not", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [{ limit: 2, windowMs: 60_000 }], clock, marginMs: 0 });
    const notices: number[] = [];
    limiter.onHold = (until) => void notices.push(until - T0);
    await Promise.all(Array.from({ length: 5 }, () => limiter.schedule(async () => undefined)));
    // Two batches wait a full window each (60 s + 1 ms past the last response): each announced once.
    expect(notices).toEqual([60_001, 120_002]);
    const short = createApiLimiter({ windows: [{ limit: 2, windowMs: 5_000 }], clock: new SimulatedClock(T0), marginMs: 0 });
    const none: number[] = [];
    short.onHold = (until) => void none.push(until);
    await Promise.all(Array.from({ length: 5 }, () => short.schedule(async () => undefined)));
    expect(none).toEqual([]);
  });
});

describe("holds", () => {
  function setup() {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [{ limit: 300, windowMs: 60_000 }], clock, maxConcurrent: 8 });
    const holds: [number, string][] = [];
    limiter.onHold = (until, reason) => holds.push([until - T0, reason]);
    const startAt = () => limiter.schedule(async () => clock.now() - T0);
    return { clock, limiter, holds, startAt };
  }

  const cases: { name: string; observe: [Parameters<ReturnType<typeof createApiLimiter>["observe"]>[0], number]; heldFor: number | undefined }[] = [
    { name: "remaining 0 holds until reset", observe: [{ limit: 300, remaining: 0, resetAt: T0 + 5000 }, 200], heldFor: 5000 },
    { name: "remaining plenty: no hold", observe: [{ limit: 300, remaining: 295, resetAt: T0 + 5000 }, 200], heldFor: undefined },
    { name: "remaining 0 with a past reset: no hold", observe: [{ remaining: 0, resetAt: T0 - 1000 }, 200], heldFor: undefined },
    { name: "429 honours Retry-After", observe: [{ retryAfterMs: 2000, resetAt: T0 + 9000 }, 429], heldFor: 2000 },
    { name: "429 without Retry-After uses the reset", observe: [{ resetAt: T0 + 7000 }, 429], heldFor: 7000 },
    { name: "429 with no headers: v1's 60 s", observe: [{}, 429], heldFor: 60_000 },
    { name: "503 with Retry-After holds", observe: [{ retryAfterMs: 3000 }, 503], heldFor: 3000 },
    { name: "503 without Retry-After: not a quota signal", observe: [{}, 503], heldFor: undefined },
    { name: "absurd reset is capped at a day", observe: [{ remaining: 0, resetAt: T0 + 10 * 86_400_000 }, 200], heldFor: 86_400_000 },
  ];
  it.each(cases)("$name", async ({ observe, heldFor }) => {
    const { limiter, holds, startAt } = setup();
    limiter.observe(...observe);
    expect(limiter.heldUntil).toBe(heldFor === undefined ? undefined : T0 + heldFor);
    expect(holds.map(([until]) => until)).toEqual(heldFor === undefined ? [] : [heldFor]);
    await expect(startAt()).resolves.toBe(heldFor ?? 0);
    expect(limiter.heldUntil).toBeUndefined();
  });

  it("holdUntil: queued jobs wait, none fails; a shorter hold does not shorten it", async () => {
    const { limiter, holds, startAt } = setup();
    limiter.holdUntil(T0 + 3000, "429 from a send");
    limiter.holdUntil(T0 + 1000, "shorter");
    const starts = await Promise.all(Array.from({ length: 20 }, startAt));
    expect(starts).toEqual(Array<number>(20).fill(3000));
    expect(holds).toEqual([[3000, "429 from a send"]]);
    expect(limiter.stats().held).toBe(1);
  });

  it("a hold placed while jobs wait extends their wait", async () => {
    const { clock, limiter, startAt } = setup();
    limiter.holdUntil(T0 + 1000, "first");
    const later = startAt();
    await clock.sleep(500);
    limiter.holdUntil(T0 + 4000, "extended");
    await expect(later).resolves.toBe(4000);
  });

  it("holds when the requests in flight could spend what remains", async () => {
    const { clock, limiter } = setup();
    const inFlight = [1, 2].map(() => limiter.schedule(() => clock.sleep(10)));
    limiter.observe({ remaining: 2, resetAt: T0 + 8000 }, 200);
    expect(limiter.heldUntil).toBe(T0 + 8000);
    await Promise.all(inFlight);
  });

  it.each([
    [429, true],
    [503, false],
    [200, false],
    [500, false],
  ])("isThrottleStatus(%i) = %s", (status, expected) => expect(isThrottleStatus(status)).toBe(expected));
});

describe("following the server's remaining count", () => {
  it("does not hold when the server's count is just our own (the gate already paces exactly)", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [{ limit: 3, windowMs: 1000 }], clock, maxConcurrent: 8 });
    // Our three starts use the whole window; the server agrees (remaining 0 after the third).
    const starts = await Promise.all([0, 1, 2].map(() => limiter.schedule(async () => clock.now() - T0)));
    expect(starts).toEqual([0, 0, 0]);
    const inFlight = limiter.schedule(() => clock.sleep(5));
    limiter.observe({ limit: 3, remaining: 0, resetAt: T0 + 2000 }, 200);
    expect(limiter.heldUntil).toBeUndefined();
    await inFlight;
  });

  it("does not take its own requests the server counted before they left our window for someone else's", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [{ limit: 3, windowMs: 1000 }], clock, maxConcurrent: 8, marginMs: 0 });
    const holds: number[] = [];
    limiter.onHold = (until) => holds.push(until);
    // Q: answered at +2. R starts at +1000, so the server counts Q with it (Q reached it after +0)
    // and answers R at +1010 with remaining 1 — by which time Q has left our own window.
    await limiter.schedule(() => clock.sleep(2));
    await clock.sleep(998);
    await limiter.schedule(async () => {
      await clock.sleep(10);
      limiter.observe({ limit: 3, remaining: 1, resetAt: T0 + 2000 }, 200);
    });
    expect(holds).toEqual([]);
    expect(limiter.heldUntil).toBeUndefined();
  });

  it("holds until the reset when other clients of the team spent the quota", async () => {
    const clock = new SimulatedClock(T0);
    const limiter = createApiLimiter({ windows: [{ limit: 300, windowMs: 60_000 }], clock, maxConcurrent: 8 });
    const inFlight = limiter.schedule(() => clock.sleep(5));
    limiter.observe({ limit: 300, remaining: 1, resetAt: T0 + 30_000 }, 200);
    expect(limiter.heldUntil).toBe(T0 + 30_000);
    await inFlight;
  });
});
