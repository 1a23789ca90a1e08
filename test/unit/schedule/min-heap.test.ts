import { describe, expect, it } from "vitest";
import { MinHeap } from "../../../src/schedule/min-heap.js";

describe("MinHeap", () => {
  it("is empty at first", () => {
    const h = new MinHeap<string>();
    expect(h.size).toBe(0);
    expect(h.peek()).toBeUndefined();
    expect(h.peekKey()).toBeUndefined();
    expect(h.pop()).toBeUndefined();
  });

  it("pops in key order, whatever the push order", () => {
    // A fixed pseudo-random sequence (LCG) so the test is reproducible.
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const h = new MinHeap<number>();
    const keys = Array.from({ length: 1000 }, () => Math.floor(rand() * 500));
    keys.forEach((k, i) => h.push(i, k));
    expect(h.size).toBe(1000);
    const popped: number[] = [];
    while (h.size > 0) {
      const key = h.peekKey()!;
      const item = h.pop()!;
      expect(keys[item]).toBe(key);
      popped.push(key);
    }
    expect(popped).toEqual([...keys].sort((a, b) => a - b));
  });

  it("interleaves pushes and pops", () => {
    const h = new MinHeap<string>();
    h.push("c", 3);
    h.push("a", 1);
    expect(h.pop()).toBe("a");
    h.push("b", 2);
    h.push("d", 4);
    expect(h.peek()).toBe("b");
    expect([h.pop(), h.pop(), h.pop(), h.pop()]).toEqual(["b", "c", "d", undefined]);
  });
});
