import { describe, expect, it } from "vitest";
import { SlidingWindowGate, defaultQuotaMargin } from "../../../src/schedule/sliding-window.js";

describe("SlidingWindowGate", () => {
  it("off: always now", () => {
    const g = new SlidingWindowGate([]);
    expect(g.isOff).toBe(true);
    g.record(5);
    expect(g.nextStartAt(5)).toBe(5);
  });

  it("the (limit+1)-th start waits until the oldest of the last `limit` is more than windowMs old", () => {
    const g = new SlidingWindowGate([{ limit: 3, windowMs: 1000 }]);
    for (const t of [0, 100, 200]) {
      expect(g.nextStartAt(t)).toBe(t);
      g.record(t);
    }
    expect(g.nextStartAt(300)).toBe(1001);
    g.record(1001);
    expect(g.nextStartAt(1001)).toBe(1101); // oldest of the last three is now 100
    expect(g.nextStartAt(5000)).toBe(5000);
  });

  it("the strictest of several windows wins; margin is added", () => {
    const g = new SlidingWindowGate([{ limit: 2, windowMs: 100 }, { limit: 3, windowMs: 10_000 }], 50);
    for (const t of [0, 0, 151]) g.record(t);
    expect(g.nextStartAt(151)).toBe(10_051);
  });

  it.each([
    [{ limit: 0, windowMs: 1000 }],
    [{ limit: 2.5, windowMs: 1000 }],
    [{ limit: 1, windowMs: 0 }],
  ])("rejects %j", (w) => expect(() => new SlidingWindowGate([w])).toThrow(RangeError));
});

describe("SlidingWindowGate.remainingFor", () => {
  it("counts our own starts inside the window of that limit, by binary search over the ring", () => {
    const gate = new SlidingWindowGate([{ limit: 5, windowMs: 1000 }, { limit: 100, windowMs: 60_000 }]);
    for (const at of [0, 100, 200, 900]) gate.record(at);
    expect(gate.remainingFor(5, 950)).toBe(1);
    expect(gate.remainingFor(5, 1150)).toBe(3); // 0 and 100 have left the window
    expect(gate.remainingFor(100, 1150)).toBe(96);
    expect(gate.remainingFor(7, 1150)).toBeUndefined();
    for (const at of [1000, 1100, 1200, 1300, 1400, 1500]) gate.record(at); // wraps the ring of 5
    expect(gate.remainingFor(5, 1550)).toBe(0);
    expect(gate.remainingFor(5, 2250)).toBe(2); // 1300, 1400, 1500 are still inside
  });
});

describe("defaultQuotaMargin", () => {
  it("is 1% of the window, at most a second", () => {
    expect(defaultQuotaMargin(60_000)).toBe(600);
    expect(defaultQuotaMargin(86_400_000)).toBe(1000);
    expect(defaultQuotaMargin(1000)).toBe(10);
  });

  it("a large limit is enforced exactly as the ring grows past its first slots and wraps", () => {
    const g = new SlidingWindowGate([{ limit: 200, windowMs: 10_000 }]);
    for (let t = 0; t < 200; t++) {
      expect(g.nextStartAt(t)).toBe(t);
      g.record(t);
    }
    expect(g.nextStartAt(200)).toBe(10_001); // start 0 must be more than a window old
    g.record(10_001);
    expect(g.nextStartAt(10_001)).toBe(10_002); // now start 1 is the oldest of the last 200
    expect(g.remainingFor(200, 10_001)).toBe(1); // the starts at 2…199 and 10,001 lie in (1, 10,001]
  });
});
