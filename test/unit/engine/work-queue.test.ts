import { describe, expect, it } from "vitest";
import { WorkQueue, type Work } from "../../../src/engine/work-queue.js";
import { T0 } from "./fakes.js";

const seq = (leadId: string, index = 0): Work => ({ kind: "sequence", leadId, index });

function drainFresh(q: WorkQueue, now: number): string[] {
  const out: string[] = [];
  for (let w = q.popFreshDue(now); w; w = q.popFreshDue(now)) out.push(w.leadId);
  return out;
}

function drainBound(q: WorkQueue, now: number): string[] {
  const out: string[] = [];
  for (let w = q.popBoundDue(now); w; w = q.popBoundDue(now)) out.push(w.leadId);
  return out;
}

describe("WorkQueue", () => {
  it("pops fresh work whose window opens at the same instant in CSV order (epoch-ms keys)", () => {
    const q = new WorkQueue();
    const ids = Array.from({ length: 50 }, (_, i) => `lead${i + 1}`);
    for (const [i, id] of ids.entries()) q.pushFresh(seq(id), T0, i + 1);
    expect(drainFresh(q, T0)).toEqual(ids);
  });

  it("orders fresh work by due instant first, then by position", () => {
    const q = new WorkQueue();
    q.pushFresh(seq("late-first"), T0 + 60_000, 1);
    q.pushFresh(seq("early-third"), T0, 3);
    q.pushFresh(seq("early-second"), T0, 2);
    expect(q.nextFreshAt()).toBe(T0);
    expect(drainFresh(q, T0)).toEqual(["early-second", "early-third"]);
    expect(drainFresh(q, T0 + 59_000)).toEqual([]);
    expect(drainFresh(q, T0 + 60_000)).toEqual(["late-first"]);
  });

  it("keeps bound work due at the same instant in insertion order", () => {
    const q = new WorkQueue();
    const ids = Array.from({ length: 40 }, (_, i) => `b${i}`);
    for (const id of ids) q.pushBound(seq(id, 1), T0 + 3 * 86_400_000);
    expect(drainBound(q, T0 + 3 * 86_400_000)).toEqual(ids);
  });

  it("does not hand out bound work before it is due", () => {
    const q = new WorkQueue();
    q.pushBound(seq("b", 1), T0 + 10_000);
    q.pushBound(seq("a", 1), T0 + 5_000);
    expect(q.nextBoundAt()).toBe(T0 + 5_000);
    expect(q.popBoundDue(T0 + 4_000)).toBeUndefined();
    expect(drainBound(q, T0 + 5_000)).toEqual(["a"]);
    expect(drainBound(q, T0 + 10_000)).toEqual(["b"]);
    expect(q.nextBoundAt()).toBeUndefined();
  });

  it("parks work of a busy account and releases it, due now, when the account frees up", () => {
    const q = new WorkQueue();
    q.park("acc1", { kind: "reply", leadId: "x", stepId: "thank-you" });
    q.park("acc1", { kind: "sequence", leadId: "y", index: 1 });
    q.park("acc2", { kind: "expire", leadId: "z" });
    expect(q.size).toBe(3);
    expect(q.nextBoundAt()).toBeUndefined();
    q.release("acc1", T0);
    expect(q.size).toBe(3);
    expect(drainBound(q, T0)).toEqual(["x", "y"]);
    q.release("acc1", T0); // nothing parked: no-op
    expect(q.size).toBe(1);
  });

  it("counts fresh work separately", () => {
    const q = new WorkQueue();
    q.pushFresh(seq("a"), T0, 1);
    q.pushBound(seq("b", 1), T0);
    expect(q.freshCount).toBe(1);
    expect(q.size).toBe(2);
  });
});

describe("WorkQueue: work kept as its lead's id (first messages, reply-window expiries)", () => {
  it("hands back the same work, whatever kind, and keeps a deferred one's identity (it is held)", () => {
    const q = new WorkQueue();
    const kinds: Work[] = [
      { kind: "expire", leadId: "1" },
      { kind: "sequence", leadId: "2", index: 0 },
      { kind: "sequence", leadId: "3", index: 2 },
      { kind: "reply", leadId: "4", stepId: "yes" },
      { kind: "reconcile", leadId: "5", stepId: "intro" },
    ];
    kinds.forEach((w, i) => q.pushBound(w, T0 + i));
    expect(q.peekBound()).toEqual(kinds[0]);
    expect(Array.from(kinds, () => q.popBoundDue(T0 + 10))).toEqual(kinds);
    q.pushFresh(kinds[1]!, T0, 1);
    q.pushFresh(kinds[2]!, T0, 2);
    expect(q.peekFresh()).toEqual(kinds[1]);
    expect([q.popFreshDue(T0), q.popFreshDue(T0)]).toEqual([kinds[1], kinds[2]]);

    const expiry: Work = { kind: "expire", leadId: "9" };
    q.deferBound(expiry, T0 + 5, T0);
    const back = q.popBoundDue(T0 + 5)!;
    expect(back).toBe(expiry);
    expect(q.isHeld(back)).toBe(true);
    q.pushBound({ kind: "expire", leadId: "9" }, T0 + 6);
    expect(q.isHeld(q.peekBound()!)).toBe(false);
  });
});

describe("WorkQueue ordering over many entries", () => {
  it("pops by instant, then by push order (bound) or CSV position (fresh), for 5,000 random entries with many equal instants", () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const q = new WorkQueue();
    const bound: { id: string; at: number; order: number }[] = [];
    const fresh: { id: string; at: number; position: number }[] = [];
    for (let i = 0; i < 5_000; i++) {
      const at = T0 + Math.floor(rnd() * 50) * 1_000; // 50 instants: ~100 entries each
      if (rnd() < 0.5) {
        bound.push({ id: `b${i}`, at, order: i });
        q.pushBound(seq(`b${i}`), at);
      } else {
        const position = Math.floor(rnd() * 1e6);
        fresh.push({ id: `f${i}`, at, position });
        q.pushFresh(seq(`f${i}`), at, position);
      }
    }
    const end = T0 + 100_000;
    expect(drainBound(q, end)).toEqual(bound.sort((a, b) => a.at - b.at || a.order - b.order).map((e) => e.id));
    expect(drainFresh(q, end)).toEqual(fresh.sort((a, b) => a.at - b.at || a.position - b.position).map((e) => e.id));
  });
});
