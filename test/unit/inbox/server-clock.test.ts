import { describe, expect, it } from "vitest";
import { LARGE_SKEW_MS, ServerClock } from "../../../src/inbox/server-clock.js";

const T = Date.UTC(2026, 10, 29, 12, 0, 0);

describe("ServerClock", () => {
  it("knows nothing before the first response: times pass through unchanged", () => {
    const c = new ServerClock();
    expect(c.reading()).toBeUndefined();
    expect(c.toLocal(T)).toBe(T);
    expect(c.toServer(T)).toBe(T);
  });

  it("narrows the offset from Date headers at different sub-second phases", () => {
    // Our clock is 10 minutes fast: the server's true time is ours − 600,000 ms. 2 ms round trips.
    const offset = -600_000;
    const c = new ServerClock();
    for (const phase of [0, 250, 500, 750, 900, 990]) {
      const localFrom = T + phase;
      const server = localFrom + 1 + offset; // the server stamps its Date 1 ms after we sent
      c.observe(Math.floor(server / 1000) * 1000, 1000, localFrom, localFrom + 2);
    }
    const r = c.reading()!;
    expect(Math.abs(r.offsetMs - offset)).toBeLessThanOrEqual(r.uncertaintyMs);
    expect(r.uncertaintyMs).toBeLessThanOrEqual(100);
    expect(c.toLocal(T + offset)).toBeCloseTo(T, -3);
  });

  it("a message's createdAt (ms) bounds it to the round trip", () => {
    const c = new ServerClock();
    c.observe(T + 600_000 + 5, 1, T, T + 10); // our clock 10 minutes slow
    const r = c.reading()!;
    expect(r.offsetMs).toBeGreaterThanOrEqual(600_000 - 5);
    expect(r.offsetMs).toBeLessThanOrEqual(600_000 + 5);
    expect(r.uncertaintyMs).toBeLessThanOrEqual(6);
  });

  it("starts over when an observation contradicts what it knew (a clock was stepped)", () => {
    const c = new ServerClock();
    c.observe(T + 5, 1, T, T + 10);
    c.observe(T + 60_000 + 600_000, 1, T + 60_000, T + 60_010);
    expect(c.reading()!.offsetMs).toBeGreaterThan(599_000);
  });

  it("warns once when the skew is large, not for a small or uncertain one", () => {
    const warnings: number[] = [];
    const c = new ServerClock((ms) => warnings.push(ms));
    c.observe(T + 2_000, 1000, T, T + 5); // 2 s: normal
    expect(warnings).toEqual([]);
    const fast = new ServerClock((ms) => warnings.push(ms));
    fast.observe(T - 600_000, 1000, T, T + 5);
    fast.observe(T + 1_000 - 600_000, 1000, T + 1_000, T + 1_005);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toBeLessThan(-LARGE_SKEW_MS);
  });
});
