import { describe, expect, it } from "vitest";
import { ThreadIndex } from "../../../src/engine/thread-index.js";

describe("ThreadIndex: thread id → lead, keyed by a hash", () => {
  it("finds each lead by its thread among 20,000", () => {
    const threads = new Map<string, string>();
    const index = new ThreadIndex((leadId) => threads.get(leadId));
    for (let i = 0; i < 20_000; i++) {
      const lead = String(1_000_000_000_000_000_000n + BigInt(i));
      const thread = `thr_${(i * 2_654_435_761).toString(36)}`;
      threads.set(lead, thread);
      index.set(thread, lead);
    }
    for (const [lead, thread] of threads) expect(index.get(thread)).toBe(lead);
    expect(index.get("thr_unknown")).toBeUndefined();
  });

  it("tells colliding threads apart by the thread each lead's state records", () => {
    const threads = new Map([["a", "t-1"], ["b", "t-2"], ["c", "t-3"]]);
    const index = new ThreadIndex((leadId) => threads.get(leadId), () => 42);
    for (const [lead, thread] of threads) index.set(thread, lead);
    index.set("t-2", "b"); // set twice: still one entry
    expect(index.get("t-1")).toBe("a");
    expect(index.get("t-2")).toBe("b");
    expect(index.get("t-3")).toBe("c");
    expect(index.get("t-4")).toBeUndefined();
  });

  it("answers nothing for a thread the lead's state does not record (a lead moved to another thread)", () => {
    const threads = new Map([["a", "t-1"]]);
    const index = new ThreadIndex((leadId) => threads.get(leadId));
    index.set("t-1", "a");
    threads.set("a", "t-9");
    index.set("t-9", "a");
    expect(index.get("t-1")).toBeUndefined();
    expect(index.get("t-9")).toBe("a");
  });
});
