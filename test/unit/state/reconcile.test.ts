import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Message, Thread } from "../../../src/inbox/types.js";
import { CLOCK_SKEW_ALLOWANCE_MS, decideReconciliation, reachesBack } from "../../../src/state/reconcile.js";
import type { StepRecord } from "../../../src/state/types.js";

const contentHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);
const ACCOUNT = "acc-1";
const SENDING_AT = Date.UTC(2026, 0, 5, 9, 0, 0);
const TEXT = "Hi Ada, quick question about your launch";

const record: StepRecord = { status: "sending", updatedAt: SENDING_AT, attempts: 1, sendingAt: SENDING_AT, contentHash: contentHash(TEXT) };
const thread = { id: "th-1" } as Thread;

function message(over: Partial<Message>): Message {
  return {
    id: "msg-1",
    threadId: "th-1",
    authorId: ACCOUNT,
    content: TEXT,
    createdAt: new Date(SENDING_AT + 1_000).toISOString(),
    ...over,
  } as Message;
}

describe("decideReconciliation", () => {
  const cases: { name: string; thread: Thread | null; messages: Message[]; expected: ReturnType<typeof decideReconciliation> }[] = [
    { name: "no thread", thread: null, messages: [], expected: { outcome: "not-delivered" } },
    { name: "thread without our message", thread, messages: [message({ content: "something else" })], expected: { outcome: "not-delivered" } },
    { name: "the prospect wrote the same text", thread, messages: [message({ authorId: "prospect-9" })], expected: { outcome: "not-delivered" } },
    {
      name: "our message older than sendingAt − 5 min (an earlier campaign)",
      thread,
      messages: [message({ createdAt: new Date(SENDING_AT - CLOCK_SKEW_ALLOWANCE_MS - 1).toISOString() })],
      expected: { outcome: "not-delivered" },
    },
    {
      name: "our message stamped slightly before sendingAt (clock skew)",
      thread,
      messages: [message({ id: "m-skew", createdAt: new Date(SENDING_AT - 60_000).toISOString() })],
      expected: { outcome: "delivered", messageId: "m-skew", sentAt: SENDING_AT - 60_000 },
    },
    {
      name: "match → delivered with its id",
      thread,
      messages: [message({ id: "m-reply", authorId: "prospect-9", content: "who's this?" }), message({ id: "m-ours" })],
      expected: { outcome: "delivered", messageId: "m-ours", sentAt: SENDING_AT + 1_000 },
    },
    {
      name: "two identical sends: the earliest is this attempt",
      thread,
      messages: [message({ id: "m-late", createdAt: new Date(SENDING_AT + 9_000).toISOString() }), message({ id: "m-early" })],
      expected: { outcome: "delivered", messageId: "m-early", sentAt: SENDING_AT + 1_000 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decideReconciliation(record, c.thread, c.messages, ACCOUNT, contentHash)).toEqual(c.expected);
    });
  }

  it("refuses a record that is not an in-flight send (a bug in the caller)", () => {
    expect(() => decideReconciliation({ ...record, status: "sent" }, thread, [], ACCOUNT, contentHash)).toThrow(/bug/);
  });
});

describe("reachesBack", () => {
  it("says whether the fetched page goes back past the cutoff", () => {
    expect(reachesBack(record, [message({})])).toBe(false);
    expect(reachesBack(record, [message({ createdAt: new Date(SENDING_AT - CLOCK_SKEW_ALLOWANCE_MS - 1).toISOString() })])).toBe(true);
  });
});
