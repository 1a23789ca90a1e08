import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { ReplyHandler } from "../../../src/engine/reply-handler.js";
import type { Work } from "../../../src/engine/work-queue.js";
import type { LeadState } from "../../../src/state/types.js";
import { ACCOUNT, contacted, DAY, harness, lead, makeCampaign, MINUTE, OTHER_ACCOUNT, reply, replyStep, T0, type Harness } from "./fakes.js";

const SENT_AT = T0 - DAY; // every contacted lead got its intro a day before "now"

function setup(opts: { campaign?: Campaign; states?: LeadState[] } = {}): Harness & { handler: ReplyHandler; queued: { work: Work; at: number }[] } {
  const states = opts.states ?? [contacted("1", SENT_AT), contacted("2", SENT_AT)];
  const leads = ["1", "2", "3"].map((id, i) => lead(id, i + 1));
  const h = harness({ ...(opts.campaign ? { campaign: opts.campaign } : {}), leads, states });
  const queued: { work: Work; at: number }[] = [];
  const handler = new ReplyHandler(h.deps, new Map(leads.map((l) => [l.id, l])), h.deps.emit, (work, at) => void queued.push({ work, at }));
  return { ...h, handler, queued };
}

describe("ReplyHandler.record: the first reply", () => {
  it("records it, skips the unsent follow-ups and queues the reply step after its delay", async () => {
    const h = setup();
    await h.handler.record(reply("1", T0 - 5 * MINUTE, "Sounds good, send details"), "events");
    const state = h.store.lead("1");
    expect(state?.reply).toMatchObject({ at: T0 - 5 * MINUTE, text: "Sounds good, send details", via: "events", afterStep: "intro" });
    expect(state?.steps.nudge).toMatchObject({ status: "skipped", reason: "replied" });
    expect(state?.steps.intro?.status).toBe("sent");
    expect(state?.finishedAt).toBeUndefined();
    expect(h.of("lead.replied")).toEqual([{ type: "lead.replied", at: T0, leadId: "1", via: "events", text: "Sounds good, send details", afterStep: "intro" }]);
    // delay 10m after the reply, which was 5m ago.
    expect(h.queued).toEqual([{ work: { kind: "reply", leadId: "1", stepId: "thank-you" }, at: T0 + 5 * MINUTE }]);
  });

  it("queues a reply step whose delay has already passed for now, not in the past", async () => {
    const h = setup();
    await h.handler.record(reply("1", T0 - 3 * 3_600_000, "hey"), "webhook");
    expect(h.queued).toEqual([{ work: { kind: "reply", leadId: "1", stepId: "thank-you" }, at: T0 }]);
  });

  it("fires once: a second reply (or the same one again) changes nothing", async () => {
    const h = setup();
    const first = reply("1", T0 - MINUTE, "Sounds good");
    await h.handler.record(first, "events");
    await h.handler.record(first, "webhook");
    await h.handler.record(reply("1", T0, "also, stop"), "events");
    expect(h.of("lead.replied")).toHaveLength(1);
    expect(h.queued).toHaveLength(1);
    expect(h.store.lead("1")?.reply?.text).toBe("Sounds good");
    expect(h.suppressed).toEqual([]);
  });

  it("finds the lead by thread first, then by the prospect's X id", async () => {
    const h = setup();
    await h.handler.record(reply("2", T0, "via platform id", { threadId: "thr_unknown" }), "events");
    await h.handler.record(reply("9", T0, "via thread", { threadId: "thr_1", prospectPlatformId: "9" }), "events");
    expect(h.of("lead.replied").map((e) => e.leadId).sort()).toEqual(["1", "2"]);
  });

  it.each<[string, Parameters<typeof reply>]>([
    ["a lead never contacted", ["3", T0, "hello?"]],
    ["someone who is not a lead of this campaign", ["77", T0, "hello?", { threadId: "thr_77" }]],
    ["a reply in another account's thread with the lead", ["1", T0, "hi", { threadId: "thr_other", accountLinkId: OTHER_ACCOUNT }]],
    ["a message older than our first send (an earlier conversation)", ["1", SENT_AT - 6 * MINUTE, "from last year"]],
  ])("ignores %s", async (_name, args) => {
    const h = setup();
    await h.handler.record(reply(...args), "events");
    expect(h.of("lead.replied")).toEqual([]);
    expect(h.queued).toEqual([]);
    expect(h.store.writes).toEqual([]);
  });

  it("accepts a reply stamped slightly before our send (clock skew)", async () => {
    const h = setup();
    await h.handler.record(reply("1", SENT_AT - 4 * MINUTE, "quick!"), "events");
    expect(h.of("lead.replied")).toHaveLength(1);
  });

  it("records `afterStep` as the last sequence step actually sent", async () => {
    const h = setup({
      states: [{ ...contacted("1", SENT_AT), steps: { ...contacted("1", SENT_AT).steps, nudge: { status: "sent", updatedAt: T0, attempts: 1, sentAt: T0 - MINUTE } } }],
    });
    await h.handler.record(reply("1", T0, "ok ok"), "events");
    expect(h.store.lead("1")?.reply?.afterStep).toBe("nudge");
    expect(h.store.lead("1")?.steps.nudge?.status).toBe("sent");
  });
});

describe("ReplyHandler.record: opt-outs", () => {
  it.each(["STOP", "Please unsubscribe me.", "not   interested, thanks"])("“%s” suppresses the lead and ends everything", async (text) => {
    const h = setup();
    await h.handler.record(reply("1", T0, text), "events");
    const state = h.store.lead("1");
    expect(state?.optedOut).toBe(true);
    expect(h.suppressed).toEqual(["1"]);
    expect(state?.steps.nudge).toMatchObject({ status: "skipped", reason: "replied" });
    expect(state?.steps["thank-you"]).toMatchObject({ status: "skipped", reason: "opted out" });
    expect(state).toMatchObject({ finishedAt: T0, finishReason: "opted-out" });
    expect(h.of("lead.opted-out")).toHaveLength(1);
    expect(h.queued).toEqual([]);
    // Suppressed only after the reply itself is on record (a crash in between re-reads the reply).
    expect(h.store.writes.indexOf("lead 1 reply")).toBeLessThan(h.store.writes.indexOf("lead 1 optedOut"));
  });

  it("words that merely contain an opt-out phrase do not opt out", async () => {
    const h = setup();
    await h.handler.record(reply("1", T0, "Nonstop growth here, let's talk"), "events");
    expect(h.suppressed).toEqual([]);
    expect(h.store.lead("1")?.optedOut).toBeUndefined();
    expect(h.queued).toHaveLength(1);
  });
});

describe("ReplyHandler.record: ambiguous replies wait for a person", () => {
  it.each(["Not interested right now, maybe next quarter", "Stop?", "I'm interested but please stop messaging this account"])("“%s”: marked for review, no reply step, nothing more sent", async (text) => {
    const h = setup();
    await h.handler.record(reply("1", T0, text), "events");
    const state = h.store.lead("1");
    expect(state?.review).toMatchObject({ at: T0, reason: expect.any(String) });
    expect(state?.optedOut).toBeUndefined();
    expect(h.suppressed).toEqual([]);
    expect(state?.steps.nudge).toMatchObject({ status: "skipped", reason: "replied" });
    // The reply step is left pending: if the reviewer says "not an opt-out", it fires on the next run.
    expect(state?.steps["thank-you"]).toBeUndefined();
    expect(state).toMatchObject({ finishedAt: T0, finishReason: "needs-review" });
    expect(h.queued).toEqual([]);
    expect(h.of("lead.needs-review")).toMatchObject([{ leadId: "1", reason: expect.any(String) }]);
    expect(await h.handler.pendingReplyWork(state!, T0)).toEqual([]);
  });

  it("a positive reply that says “stop” in another sense gets its reply step", async () => {
    const h = setup();
    await h.handler.record(reply("1", T0, "Don't stop — tell me more, I'm interested!"), "events");
    expect(h.store.lead("1")?.review).toBeUndefined();
    expect(h.suppressed).toEqual([]);
    expect(h.queued.map((q) => q.work)).toEqual([{ kind: "reply", leadId: "1", stepId: "thank-you" }]);
  });
});

describe("ReplyHandler: reply steps with `match`", () => {
  const campaign = makeCampaign({
    replySteps: [replyStep({ id: "send-deck", match: "interested|details", delayMs: 0 }), replyStep({ id: "tag-all", template: undefined as never, delayMs: 0, actions: { tags: ["replied"] } })],
  });

  it("queues matching steps and records the others as skipped", async () => {
    const h = setup({ campaign });
    await h.handler.record(reply("1", T0, "who is this?"), "events");
    await Promise.resolve();
    expect(h.store.lead("1")?.steps["send-deck"]).toMatchObject({ status: "skipped", reason: "reply did not match /interested|details/" });
    expect(h.queued.map((q) => q.work)).toEqual([{ kind: "reply", leadId: "1", stepId: "tag-all" }]);
  });

  it("finishes the lead when no reply step matches", async () => {
    const only = makeCampaign({ replySteps: [replyStep({ match: "^yes" })] });
    const h = setup({ campaign: only });
    await h.handler.record(reply("1", T0, "what is this about?"), "events");
    await new Promise((r) => setImmediate(r));
    expect(h.queued).toEqual([]);
    expect(h.store.lead("1")).toMatchObject({ finishReason: "replied" });
  });
});

describe("ReplyHandler.pendingReplyWork after a restart", () => {
  const replied = (steps: LeadState["steps"]): LeadState => ({
    ...contacted("1", SENT_AT),
    steps: { ...contacted("1", SENT_AT).steps, ...steps },
    reply: { at: T0 - 2 * MINUTE, messageId: "r", text: "yes", via: "events" },
  });

  it("re-queues a reply step not yet run, at reply time + delay", async () => {
    const h = setup({ states: [replied({})] });
    expect(await h.handler.pendingReplyWork(h.store.lead("1")!, T0)).toEqual([{ work: { kind: "reply", leadId: "1", stepId: "thank-you" }, at: T0 + 8 * MINUTE }]);
  });

  it("reconciles a reply step left `sending` instead of sending it again", async () => {
    const h = setup({ states: [replied({ "thank-you": { status: "sending", updatedAt: T0, attempts: 1, sendingAt: T0, contentHash: "abc" } })] });
    expect((await h.handler.pendingReplyWork(h.store.lead("1")!, T0)).map((p) => p.work)).toEqual([{ kind: "reconcile", leadId: "1", stepId: "thank-you" }]);
  });

  it.each(["sent", "failed", "skipped"] as const)("leaves a reply step already %s alone", async (status) => {
    const h = setup({ states: [replied({ "thank-you": { status, updatedAt: T0, attempts: 1 } })] });
    expect(await h.handler.pendingReplyWork(h.store.lead("1")!, T0)).toEqual([]);
  });

  it("queues nothing for an opted-out lead", async () => {
    const h = setup({ states: [{ ...replied({}), optedOut: true }] });
    expect(await h.handler.pendingReplyWork(h.store.lead("1")!, T0)).toEqual([]);
  });
});

describe("ReplyHandler.checkThread: the check before each follow-up", () => {
  it("finds a reply in the thread, records it via thread-check and says so", async () => {
    const h = setup();
    h.api.inbound("thr_1", ACCOUNT, SENT_AT, "our intro");
    h.api.inbound("thr_1", "1", T0 - MINUTE, "Sure, tell me more");
    expect(await h.handler.checkThread("1", ACCOUNT, h.store.lead("1")!)).toBe(true);
    expect(h.of("lead.replied")).toMatchObject([{ leadId: "1", via: "thread-check", text: "Sure, tell me more" }]);
    expect(h.store.lead("1")?.steps.nudge?.status).toBe("skipped");
  });

  it("says no when the thread holds only our own messages", async () => {
    const h = setup();
    h.api.inbound("thr_1", ACCOUNT, SENT_AT, "our intro");
    expect(await h.handler.checkThread("1", ACCOUNT, h.store.lead("1")!)).toBe(false);
    expect(h.store.writes).toEqual([]);
  });

  it("sees a new reply even when the thread also holds an earlier conversation", async () => {
    const h = setup();
    h.api.inbound("thr_1", "1", SENT_AT - 30 * DAY, "thanks for the webinar invite");
    h.api.inbound("thr_1", ACCOUNT, SENT_AT, "our intro");
    h.api.inbound("thr_1", "1", T0 - MINUTE, "Interested, send details");
    expect(await h.handler.checkThread("1", ACCOUNT, h.store.lead("1")!)).toBe(true);
    expect(h.store.lead("1")?.reply?.text).toBe("Interested, send details");
  });

  it("ignores deleted messages", async () => {
    const h = setup();
    h.api.inbound("thr_1", "1", T0 - MINUTE, "oops");
    h.api.threadMessages.get("thr_1")![0]!.deletedAt = new Date(T0).toISOString();
    expect(await h.handler.checkThread("1", ACCOUNT, h.store.lead("1")!)).toBe(false);
  });
});

describe("ReplyHandler.poll", () => {
  it("records a batch before committing its cursor, and fetches again while `more`", async () => {
    const h = setup();
    h.source.batches.push({ replies: [reply("1", T0, "yes")], more: true }, { replies: [reply("2", T0, "stop")] });
    await h.handler.poll(new AbortController().signal);
    expect(h.source.fetches).toBe(2);
    expect(h.source.commits).toBe(2);
    expect(h.of("lead.replied").map((e) => e.leadId)).toEqual(["1", "2"]);
    expect(h.suppressed).toEqual(["2"]);
  });

  it("a failed poll reports a gap and commits nothing", async () => {
    const h = setup();
    h.source.fail = new Error("connect ECONNREFUSED");
    await h.handler.poll(new AbortController().signal);
    expect(h.source.commits).toBe(0);
    expect(h.of("replies.gap")[0]?.message).toMatch(/could not poll for replies: connect ECONNREFUSED/);
  });

  it("after a gap, reads every open thread once and finds the replies the events missed", async () => {
    const h = setup();
    h.api.inbound("thr_2", "2", T0 - MINUTE, "missed by the events");
    h.source.batches.push({ replies: [], gap: "retention exceeded" });
    await h.handler.poll(new AbortController().signal);
    expect(h.of("replies.gap")).toHaveLength(1);
    expect(h.api.calls.filter((c) => c.startsWith("listMessages")).sort()).toEqual(["listMessages thr_1", "listMessages thr_2"]);
    expect(h.of("lead.replied")).toMatchObject([{ leadId: "2", via: "thread-check" }]);
    expect(h.source.commits).toBe(1);
  });

  it("once every lead is finished and the cursor is known, it stops polling", async () => {
    const h = setup({ states: [{ ...contacted("1", SENT_AT), finishedAt: T0, finishReason: "no-reply" }] });
    h.store.meta.eventsSeq = 42;
    await h.handler.poll(new AbortController().signal);
    expect(h.source.fetches).toBe(0);
  });
});

describe("ReplyHandler: closing leads", () => {
  it("expire finishes a lead that never replied, and not one that did", async () => {
    const h = setup();
    await h.handler.record(reply("2", T0, "yes"), "events");
    await h.handler.expire("1");
    await h.handler.expire("2");
    expect(h.store.lead("1")).toMatchObject({ finishedAt: T0, finishReason: "no-reply" });
    expect(h.store.lead("2")?.finishedAt).toBeUndefined();
  });

  it("finishIfDone waits for every reply step to settle", async () => {
    const h = setup();
    await h.handler.record(reply("1", T0, "yes"), "events");
    await h.handler.finishIfDone("1");
    expect(h.store.lead("1")?.finishedAt).toBeUndefined();
    await h.store.setStep("1", "thank-you", { status: "sent", updatedAt: T0, attempts: 1, sentAt: T0 });
    await h.handler.finishIfDone("1");
    expect(h.store.lead("1")).toMatchObject({ finishedAt: T0, finishReason: "replied" });
  });

  it("a reply after the lead's reply window closed starts nothing", async () => {
    const h = setup();
    await h.handler.expire("1");
    await h.handler.record(reply("1", T0 + 8 * DAY, "sorry, just saw this"), "events");
    expect(h.queued).toEqual([]);
    expect(h.of("lead.replied")).toEqual([]);
    expect(h.store.lead("1")).toMatchObject({ finishReason: "no-reply" });
  });

  it("an opt-out after the reply window closed is still honoured (suppressed once, nothing queued)", async () => {
    const h = setup();
    await h.handler.expire("1");
    await h.handler.record(reply("1", T0 + 8 * DAY, "please stop messaging me"), "events");
    await h.handler.record(reply("1", T0 + 8 * DAY, "please stop messaging me"), "webhook");
    expect(h.suppressed).toEqual(["1"]);
    expect(h.store.lead("1")).toMatchObject({ optedOut: true, finishReason: "no-reply" });
    expect(h.of("lead.opted-out")).toHaveLength(1);
    expect(h.queued).toEqual([]);
  });
});
