import { describe, expect, it } from "vitest";
import { ReplyHandler } from "../../../src/engine/reply-handler.js";
import { StepRunner } from "../../../src/engine/step-runner.js";
import type { Lead } from "../../../src/leads/types.js";
import { ACCOUNT, DAY, T0, contacted, harness, lead, type Harness } from "./fakes.js";

/** A runner whose API records the thread reads and sends, in order, beside the state writes. */
function setup(h: Harness): { runner: StepRunner; trail: string[]; leadOne: Lead } {
  const leadOne = lead("1");
  const trail: string[] = [];
  const list = h.deps.api.listMessages.bind(h.deps.api);
  Object.assign(h.deps.api, {
    listMessages: async (threadId: string) => {
      trail.push(`read after ${h.store.writes.length} writes`);
      return list(threadId);
    },
    sendInThread: async (threadId: string, body: { content: string }) => {
      trail.push(`send ${body.content}`);
      return { id: "m_follow", threadId, createdAt: new Date(h.clock.now()).toISOString() };
    },
  });
  const handler = new ReplyHandler(h.deps, new Map([["1", leadOne]]), h.deps.emit, () => undefined);
  return { runner: new StepRunner(h.deps, h.deps.emit, handler), trail, leadOne };
}

describe("StepRunner: the follow-up's last look at the thread", () => {
  it("reads the thread after `sending` is on disk, then sends: no write stands between the read and the request", async () => {
    const h = harness({ states: [contacted("1", T0)], now: T0 + 3 * DAY });
    const { runner, trail, leadOne } = setup(h);
    await runner.run({ kind: "sequence", leadId: "1", index: 1 }, leadOne, ACCOUNT, false);
    const sendingAt = h.store.writes.indexOf("step 1 nudge sending");
    expect(sendingAt).toBeGreaterThanOrEqual(0);
    expect(trail).toEqual([`read after ${sendingAt + 1} writes`, "send [nudge] hi 1"]);
    expect(h.store.lead("1")?.steps.nudge).toMatchObject({ status: "sent", messageId: "m_follow" });
  });

  it("a reply found by that read takes the attempt back and skips the step: nothing sent, no attempt counted", async () => {
    const h = harness({ states: [contacted("1", T0)], now: T0 + 3 * DAY });
    h.api.inbound("thr_1", "999", T0 + 3 * DAY - 1_000, "Sounds good, tell me more");
    const { runner, trail, leadOne } = setup(h);
    expect(await runner.run({ kind: "sequence", leadId: "1", index: 1 }, leadOne, ACCOUNT, false)).toEqual({});
    expect(trail.filter((t) => t.startsWith("send"))).toEqual([]);
    expect(h.store.lead("1")?.steps.nudge).toMatchObject({ status: "skipped", reason: "replied", attempts: 0 });
    expect(h.store.lead("1")?.reply).toMatchObject({ text: "Sounds good, tell me more", via: "thread-check" });
  });
});
