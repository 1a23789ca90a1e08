import { describe, expect, it } from "vitest";
import { reconcileSend } from "../../../src/engine/reconciler.js";
import type { InboxApi, Message } from "../../../src/inbox/types.js";
import { contentHash } from "../../../src/render/content-hash.js";
import type { LeadState } from "../../../src/state/types.js";
import { ACCOUNT, MINUTE, T0, harness, message } from "./fakes.js";

const TEXT = "Hi Ada — quick question";

/** A lead whose intro was recorded `sending` at T0 and never confirmed. */
function uncertain(): LeadState {
  return { id: "1", account: ACCOUNT, steps: { intro: { status: "sending", updatedAt: T0, attempts: 1, sendingAt: T0, contentHash: contentHash(TEXT) } } };
}

/** A thread API serving `all` newest first in pages of 50, counting the pages read. */
function pagedApi(all: Message[]): { api: InboxApi; pages: () => number } {
  const sorted = [...all].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  let pages = 0;
  const api = {
    lookupThread: async () => ({ id: "thr_1" }),
    listMessages: async (_id: string, q: { cursor?: { id: string } } = {}) => {
      pages++;
      const from = q.cursor ? Number(q.cursor.id) : 0;
      const messages = sorted.slice(from, from + 50);
      const next = from + 50 < sorted.length ? { id: String(from + 50), timestamp: messages.at(-1)!.createdAt } : null;
      return { messages, nextCursor: next };
    },
  } as unknown as InboxApi;
  return { api, pages: () => pages };
}

describe("reconcileSend", () => {
  it("pages back through a busy thread until it reaches the attempt, and finds the delivered message", async () => {
    const h = harness({ states: [uncertain()] });
    // Our message right after the attempt, then 120 newer ones from the prospect: it sits on page 3.
    const ours = message("thr_1", ACCOUNT, T0 + 1000, TEXT, "ours");
    const chatter = Array.from({ length: 120 }, (_, i) => message("thr_1", "999", T0 + 2000 + i * 1000, `msg ${i}`, `c${i}`));
    const older = message("thr_1", "999", T0 - 30 * MINUTE, "older", "old");
    const { api, pages } = pagedApi([ours, ...chatter, older]);
    h.deps.api = api;

    const outcome = await reconcileSend(h.deps, () => undefined, "1", "intro", ACCOUNT);
    expect(outcome).toEqual({ kind: "delivered", messageId: "ours", threadId: "thr_1" });
    expect(pages()).toBe(3);
    expect(h.store.lead("1")?.steps.intro).toMatchObject({ status: "sent", messageId: "ours" });
  });

  it("stops paging once the messages reach past the attempt: not delivered, back to pending", async () => {
    const h = harness({ states: [uncertain()] });
    const chatter = Array.from({ length: 30 }, (_, i) => message("thr_1", "999", T0 - 60 * MINUTE + i * MINUTE, `msg ${i}`, `c${i}`));
    const { api, pages } = pagedApi(chatter);
    h.deps.api = api;

    expect(await reconcileSend(h.deps, () => undefined, "1", "intro", ACCOUNT)).toEqual({ kind: "not-delivered" });
    expect(pages()).toBe(1);
    expect(h.store.lead("1")?.steps.intro).toMatchObject({ status: "pending", attempts: 1 });
  });
});
