import { describe, expect, it } from "vitest";
import { SlidingWindowGate } from "../../../src/schedule/sliding-window.js";

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
