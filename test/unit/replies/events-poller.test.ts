import { describe, expect, it } from "vitest";
import type { EventsPage, InboxEvent } from "../../../src/inbox/types.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { EVENTS_RETENTION_MS, EventsPoller, type EventsPollerOptions } from "../../../src/replies/events-poller.js";
import { RecentIds } from "../../../src/replies/recent-ids.js";
import { ACCOUNT, event, message, thread } from "./fixtures.js";

const T0 = Date.parse("2025-01-15T15:00:00.000Z");

/** Serves `store` like GET /events (reference.md §7): afterSeq exclusive, oldest first. */
function fakeApi(store: InboxEvent[]) {
  const calls: { afterSeq?: number; limit?: number }[] = [];
  return {
    calls,
    store,
    async listEvents(q: { afterSeq?: number; limit?: number }): Promise<EventsPage> {
      calls.push(q);
      const after = store.filter((e) => q.afterSeq === undefined || e.seq > q.afterSeq);
      const events = after.slice(0, q.limit ?? 100);
      return { events, hasMore: after.length > events.length, lastSeq: events.at(-1)?.seq ?? null };
    },
  };
}

function setup(store: InboxEvent[], over: Partial<EventsPollerOptions> = {}) {
  const api = fakeApi(store);
  const clock = new SimulatedClock(T0);
  const persisted: [number, number][] = [];
  const poller = new EventsPoller({
    api,
    afterSeq: null,
    clock,
    pageSize: 2,
    onCursor: async (seq, at) => {
      persisted.push([seq, at]);
    },
    ...over,
  });
  return { api, clock, persisted, poller };
}

const ours = (seq: number): InboxEvent =>
  event(seq, {}, { message: message({ id: `msg_${seq}`, authorId: ACCOUNT, origin: "api" }), thread: thread() });

describe("EventsPoller", () => {
  it("pages until hasMore is false, passing afterSeq = lastSeq, and returns inbound replies only", async () => {
    const { api, poller } = setup([event(1), ours(2), event(3), { ...event(4), type: "thread.typing" }, event(5)]);
    const result = await poller.poll();
    expect(api.calls).toEqual([{ limit: 2 }, { afterSeq: 2, limit: 2 }, { afterSeq: 4, limit: 2 }]);
    expect(result.replies.map((r) => r.seq)).toEqual([1, 3, 5]);
    expect(result).toMatchObject({ eventsSeen: 5, retentionGap: false, more: false, stalled: false, cursor: 5 });
  });

  it("persists the cursor only when the caller commits, and re-delivers uncommitted replies", async () => {
    const { api, persisted, poller } = setup([event(1), event(2)], { afterSeq: 0 });
    const first = await poller.poll();
    expect(persisted).toEqual([]);
    expect(poller.cursor).toBe(0);

    // The engine crashed before recording: the same replies come again.
    const again = await poller.poll();
    expect(again.replies.map((r) => r.seq)).toEqual([1, 2]);
    expect(api.calls.at(-1)).toEqual({ afterSeq: 0, limit: 2 });

    await again.commit();
    expect(persisted).toEqual([[2, T0]]);
    expect(poller.cursor).toBe(2);
    // A late commit of the older poll never moves the cursor back.
    await first.commit();
    expect(poller.cursor).toBe(2);
    expect(persisted.at(-1)?.[0]).toBe(2);
  });

  it("does not advance when onCursor fails", async () => {
    const { poller } = setup([event(1)], {
      afterSeq: 0,
      onCursor: async () => {
        throw new Error("disk full");
      },
    });
    const result = await poller.poll();
    await expect(result.commit()).rejects.toThrow("disk full");
    expect(poller.cursor).toBe(0);
  });

  it("dedupes by event id across polls and by message id within and across polls", async () => {
    const store = [event(1), event(2, { id: "evt_x" }, { message: message({ id: "msg_1" }), thread: thread() })];
    const { api, poller } = setup(store, { afterSeq: 0 });
    const first = await poller.poll();
    expect(first.replies.map((r) => r.eventId)).toEqual(["evt_1"]); // same message twice (§11 q8)
    await first.commit();
    // The server replays event 1 and the message again under new seqs.
    api.store.push({ ...event(1), seq: 3 }, event(4, {}, { message: message({ id: "msg_1" }), thread: thread() }), event(5));
    const second = await poller.poll();
    expect(second.replies.map((r) => r.eventId)).toEqual(["evt_5"]);
  });

  it("shares dedupe memory with the webhook listener when given one set", async () => {
    const seen = new RecentIds();
    seen.add("e:evt_1");
    const { poller } = setup([event(1), event(2)], { afterSeq: 0, seen });
    expect((await poller.poll()).replies.map((r) => r.eventId)).toEqual(["evt_2"]);
  });

  it.each([
    ["last poll older than retention", { afterSeq: 0, lastPolledAt: T0 - EVENTS_RETENTION_MS - 1 }, [event(1)], true],
    ["last poll exactly at retention", { afterSeq: 0, lastPolledAt: T0 - EVENTS_RETENTION_MS }, [event(1)], false],
    ["first seq skips past afterSeq + 1", { afterSeq: 10 }, [event(13), event(14)], true],
    ["first seq is afterSeq + 1", { afterSeq: 10 }, [event(11), event(14)], false],
    ["first poll ever", { afterSeq: null }, [event(40)], false],
    ["no new events", { afterSeq: 10, lastPolledAt: T0 - 1000 }, [], false],
  ] as const)("retention gap: %s → %s", async (_name, over, store, want) => {
    const { poller } = setup([...store], over);
    expect((await poller.poll()).retentionGap).toBe(want);
  });

  it("keeps lastPolledAt fresh on an idle commit, so a quiet week is not a gap", async () => {
    const { clock, persisted, poller } = setup([], { afterSeq: 7, lastPolledAt: T0 - 1000 });
    for (let day = 0; day < 8; day++) {
      await (await poller.poll()).commit();
      clock.advance(24 * 60 * 60 * 1000);
    }
    expect(persisted.at(-1)).toEqual([7, T0 + 7 * 24 * 60 * 60 * 1000]);
    expect((await poller.poll()).retentionGap).toBe(false);
  });

  it.each([
    ["lastSeq null", null],
    ["lastSeq not advancing", 3],
  ])("stops when hasMore is true but %s", async (_name, lastSeq) => {
    let calls = 0;
    const api = {
      async listEvents(): Promise<EventsPage> {
        calls++;
        return { events: [], hasMore: true, lastSeq };
      },
    };
    const { poller } = setup([], { api, afterSeq: 3 });
    const result = await poller.poll();
    expect(calls).toBe(1);
    expect(result).toMatchObject({ stalled: true, cursor: 3, replies: [] });
  });

  it("returns with more = true after maxPagesPerPoll and continues after commit", async () => {
    const { poller } = setup([event(1), event(2), event(3), event(4), event(5)], { maxPagesPerPoll: 2 });
    const first = await poller.poll();
    expect(first).toMatchObject({ more: true, cursor: 4 });
    await first.commit();
    const second = await poller.poll();
    expect(second.replies.map((r) => r.seq)).toEqual([5]);
    expect(second.more).toBe(false);
  });

  it("propagates API errors with nothing committed", async () => {
    const api = {
      async listEvents(): Promise<EventsPage> {
        throw new Error("503");
      },
    };
    const { persisted, poller } = setup([], { api, afterSeq: 1 });
    await expect(poller.poll()).rejects.toThrow("503");
    expect(persisted).toEqual([]);
  });

  it("stops between pages when aborted, covering only the pages read", async () => {
    const controller = new AbortController();
    const store = [event(1), event(2), event(3)];
    const inner = fakeApi(store);
    const api = {
      async listEvents(q: { afterSeq?: number; limit?: number }): Promise<EventsPage> {
        const page = await inner.listEvents(q);
        controller.abort();
        return page;
      },
    };
    const { poller } = setup([], { api });
    const result = await poller.poll(controller.signal);
    expect(result.cursor).toBe(2);
    expect(result.replies).toHaveLength(2);
  });

  it("refuses a second concurrent poll and rejects a bad page size", async () => {
    const { poller } = setup([event(1)]);
    const running = poller.poll();
    await expect(poller.poll()).rejects.toThrow("while a poll is running");
    await running;
    expect(() => setup([], { pageSize: 1001 })).toThrow(RangeError);
  });
});
