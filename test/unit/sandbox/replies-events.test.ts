/** Reply scheduling and the event log, driven through the in-memory World on a SimulatedClock. */
import { describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { resolveOptions, type SandboxOptions } from "../../../src/sandbox/options.js";
import { sendOutbound } from "../../../src/sandbox/send.js";
import { World } from "../../../src/sandbox/world.js";

const START = Date.UTC(2026, 1, 10, 9, 0, 0);
const DAY = 86_400_000;

function world(options: SandboxOptions = {}): { w: World; clock: SimulatedClock; send: (to: string, text?: string) => void } {
  const clock = new SimulatedClock(START);
  const w = new World(resolveOptions({ seed: "unit", ...options }, true), clock);
  const link = w.catalog.accountLinks[0];
  if (!link) throw new Error("no account link");
  return { w, clock, send: (to, text = "hello") => void sendOutbound(w, link, to, text, clock.now()) };
}

describe("reply scheduling", () => {
  it("a replying prospect answers once, after the delay, on the clock, with a message.created event", () => {
    const { w, clock, send } = world({ replyRate: 1, replyDelayMs: [60_000, 60_000], replyTexts: ["Sounds good"] });
    send("1001");
    send("1001", "follow-up"); // not first contact: schedules nothing more
    expect(w.replies.pending).toBe(1);
    clock.advance(59_999);
    expect(w.replies.materializeDue(clock.now())).toBe(0);
    clock.advance(1);
    expect(w.replies.materializeDue(clock.now())).toBe(1);

    const thread = w.store.findThread(w.catalog.accountLinks[0]?.id ?? "", "1001");
    const last = thread?.messages[thread.messages.length - 1];
    expect(last).toMatchObject({ authorId: "1001", origin: "external", userId: null, campaignId: null, content: "Sounds good" });
    expect(last?.createdAt).toBe(new Date(START + 60_000).toISOString());
    expect(w.store.view(thread!)).toMatchObject({ variant: "xChat", lastMessage: { content: "Sounds good" } });

    const events = w.events.page(undefined, 100, clock.now()).events;
    expect(events.map((e) => e.type)).toEqual(["thread.created", "message.created", "message.created", "message.created"]);
    const reply = events[3]?.data as { message: { authorId: string }; thread: { accountLinkId: string; prospect: { platformId: string } } };
    expect(reply.message.authorId).not.toBe(reply.thread.accountLinkId); // the documented inbound test
    expect(reply.thread.prospect.platformId).toBe("1001");
  });

  it("materialises due replies in due order, each stamped with its own time", () => {
    const { w, clock, send } = world({ replyRate: 1, replyDelayMs: [1_000, 100_000] });
    const ids = ["2001", "2002", "2003", "2004", "2005"];
    for (const id of ids) send(id);
    clock.advance(200_000);
    expect(w.replies.materializeDue(clock.now())).toBe(5);
    const inbound = w.store.log.filter((r) => r.direction === "inbound").map((r) => r.message.createdAt);
    expect(inbound).toEqual([...inbound].sort());
  });

  it("with replyRate 0 nobody replies", () => {
    const { w, clock, send } = world({ replyRate: 0 });
    send("3001");
    clock.advance(30 * DAY);
    expect(w.replies.materializeDue(clock.now())).toBe(0);
  });
});

describe("event log", () => {
  it("pages with exclusive afterSeq, hasMore and lastSeq", () => {
    const { w, clock, send } = world({ replyRate: 0 });
    for (let i = 0; i < 5; i++) send(String(4000 + i)); // 10 events: thread.created + message.created each
    const p1 = w.events.page(undefined, 4, clock.now());
    expect(p1.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(p1).toMatchObject({ hasMore: true, lastSeq: 4 });
    const p2 = w.events.page(4, 100, clock.now());
    expect(p2.events.map((e) => e.seq)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(p2).toMatchObject({ hasMore: false, lastSeq: 10 });
    expect(w.events.page(10, 100, clock.now())).toEqual({ events: [], hasMore: false, lastSeq: null });
    expect(p1.events[0]).toMatchObject({ version: "1.0", teamId: w.catalog.team.id, timestamp: new Date(START).toISOString() });
  });

  it("keeps events 7 days on the clock; seq continues after expiry", () => {
    const { w, clock, send } = world({ replyRate: 0 });
    send("5001"); // seq 1, 2
    clock.advance(3 * DAY);
    send("5002"); // seq 3, 4
    clock.advance(4 * DAY + 1); // the first two are now older than 7 days
    const page = w.events.page(undefined, 100, clock.now());
    expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(w.events.page(1, 100, clock.now()).events.map((e) => e.seq)).toEqual([3, 4]);
    send("5003");
    expect(w.events.page(4, 100, clock.now()).events.map((e) => e.seq)).toEqual([5, 6]);
  });
});
