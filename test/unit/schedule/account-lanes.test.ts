import { describe, expect, it } from "vitest";
import { AccountLanes } from "../../../src/schedule/account-lanes.js";

/** A job that records its start and finishes when the test says so. */
function gated(log: string[], name: string): { fn: () => Promise<string>; finish: () => void } {
  let finish = (): void => undefined;
  const done = new Promise<void>((r) => (finish = r));
  return {
    fn: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
  };
}

describe("AccountLanes", () => {
  it("starts work on a free lane at once (synchronously) and reports the account busy until it settles", async () => {
    const lanes = new AccountLanes();
    const log: string[] = [];
    const a = gated(log, "a");
    const p = lanes.run("acc1", 5, a.fn);
    expect(log).toEqual(["start a"]);
    expect(lanes.isBusy("acc1")).toBe(true);
    expect(lanes.isBusy("acc2")).toBe(false);
    a.finish();
    await expect(p).resolves.toBe("a");
    expect(lanes.isBusy("acc1")).toBe(false);
  });

  it("runs one piece of work per account at a time, highest priority first, FIFO within a priority", async () => {
    const lanes = new AccountLanes();
    const log: string[] = [];
    const jobs = { first: gated(log, "first"), low: gated(log, "low"), high1: gated(log, "high1"), high2: gated(log, "high2"), other: gated(log, "other") };
    const all = [
      lanes.run("acc1", 5, jobs.first.fn),
      lanes.run("acc1", 6, jobs.low.fn),
      lanes.run("acc1", 3, jobs.high1.fn),
      lanes.run("acc1", 3, jobs.high2.fn),
      lanes.run("acc2", 6, jobs.other.fn),
    ];
    expect(log).toEqual(["start first", "start other"]);
    for (const j of Object.values(jobs)) j.finish();
    await Promise.all(all);
    expect(log.filter((l) => !l.includes("other"))).toEqual([
      "start first", "end first", "start high1", "end high1", "start high2", "end high2", "start low", "end low",
    ]);
  });

  it("passes a rejection through and frees the lane for the next work", async () => {
    const lanes = new AccountLanes();
    const failing = lanes.run("acc1", 5, async () => {
      throw new Error("boom");
    });
    const next = lanes.run("acc1", 5, async () => "next");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
    expect(lanes.isBusy("acc1")).toBe(false);
  });

  it("stop() resolves once every lane's work has settled", async () => {
    const lanes = new AccountLanes();
    const log: string[] = [];
    const a = gated(log, "a");
    void lanes.run("acc1", 5, a.fn);
    let stopped = false;
    const stop = lanes.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    a.finish();
    await stop;
    expect(log).toEqual(["start a", "end a"]);
  });
});
