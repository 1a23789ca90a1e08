import { describe, expect, it } from "vitest";
import { AccountLanes } from "../../../src/schedule/account-lanes.js";

/** A promise with its resolver, to hold a job open. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("AccountLanes", () => {
  it("runs one job at a time per account, then the queued ones by priority (FIFO within a priority)", async () => {
    const lanes = new AccountLanes();
    const order: string[] = [];
    const gate = deferred();
    const first = lanes.run("a", 5, async () => {
      order.push("first");
      await gate.promise;
    });
    const queued = [
      lanes.run("a", 6, async () => void order.push("new lead 1")),
      lanes.run("a", 3, async () => void order.push("follow-up")),
      lanes.run("a", 6, async () => void order.push("new lead 2")),
    ];
    expect(lanes.isBusy("a")).toBe(true);
    expect(order).toEqual(["first"]);
    gate.resolve();
    await Promise.all([first, ...queued]);
    expect(order).toEqual(["first", "follow-up", "new lead 1", "new lead 2"]);
    expect(lanes.isBusy("a")).toBe(false);
  });

  it("accounts do not wait for each other", async () => {
    const lanes = new AccountLanes();
    const held = deferred();
    const a = lanes.run("a", 5, () => held.promise);
    let bRan = false;
    await lanes.run("b", 5, async () => void (bRan = true));
    expect(bRan).toBe(true);
    expect(lanes.isBusy("a")).toBe(true);
    expect(lanes.isBusy("b")).toBe(false);
    held.resolve();
    await a;
  });

  it("a job's result or error reaches its caller, and a failure does not block the lane", async () => {
    const lanes = new AccountLanes();
    await expect(lanes.run("a", 5, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lanes.run("a", 5, () => { throw new Error("sync boom"); })).rejects.toThrow("sync boom");
    await expect(lanes.run("a", 5, async () => 42)).resolves.toBe(42);
  });

  it("the lane is free by the time its caller hears the job is done", async () => {
    const lanes = new AccountLanes();
    await lanes.run("a", 5, async () => undefined).then(() => expect(lanes.isBusy("a")).toBe(false));
  });

  it("stop() resolves once running and queued jobs have settled", async () => {
    const lanes = new AccountLanes();
    const held = deferred();
    const done: string[] = [];
    void lanes.run("a", 5, async () => {
      await held.promise;
      done.push("running");
    });
    void lanes.run("a", 5, async () => void done.push("queued"));
    const stopped = lanes.stop().then(() => done.push("stopped"));
    held.resolve();
    await stopped;
    expect(done).toEqual(["running", "queued", "stopped"]);
  });
});
