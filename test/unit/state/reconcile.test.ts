import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Message, Thread } from "../../../src/inbox/types.js";
import { SERVER_TIME_ALLOWANCE_MS, decideReconciliation, reachesBack, type ReconciliationContext } from "../../../src/state/reconcile.js";
import type { StepRecord } from "../../../src/state/types.js";

const contentHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 32);
const ACCOUNT = "acc-1";
const SENDING_AT = Date.UTC(2026, 0, 5, 9, 0, 0);
const TEXT = "Hi Ada, quick question about your launch";

const record: StepRecord = { status: "sending", updatedAt: SENDING_AT, attempts: 1, sendingAt: SENDING_AT, contentHash: contentHash(TEXT) };
const thread = { id: "th-1" } as Thread;
/** The clocks agree and the lead got nothing from us before. */
const ctx: ReconciliationContext = { knownMessageIds: new Set(), attemptServerAt: SENDING_AT };
const TEN_MINUTES = 10 * 60_000;

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
      messages: [message({ createdAt: new Date(SENDING_AT - SERVER_TIME_ALLOWANCE_MS - 1).toISOString() })],
      expected: { outcome: "not-delivered" },
    },
    {
      name: "our message stamped slightly before the attempt (the API's servers disagree by a minute)",
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
      expect(decideReconciliation(record, c.thread, c.messages, ACCOUNT, contentHash, ctx)).toEqual(c.expected);
    });
  }

  it("refuses a record that is not an in-flight send (a bug in the caller)", () => {
    expect(() => decideReconciliation({ ...record, status: "sent" }, thread, [], ACCOUNT, contentHash, ctx)).toThrow(/bug/);
  });
});

describe("decideReconciliation with a client clock that is off", () => {
  // Our clock runs 10 minutes fast or slow: `sendingAt` is ours, createdAt the API's. The attempt's
  // start on the server's clock (serverSendingAt, or the offset measured now) is what counts.
  for (const skew of [TEN_MINUTES, -TEN_MINUTES]) {
    const ours = SENDING_AT + skew;
    const skewed: StepRecord = { ...record, sendingAt: ours, updatedAt: ours };
    const label = skew > 0 ? "fast" : "slow";

    it(`clock 10 min ${label}: the delivered message (stamped by the server just after the attempt) is found`, () => {
      const m = message({ id: "m-real", createdAt: new Date(SENDING_AT + 300).toISOString() });
      expect(decideReconciliation(skewed, thread, [m], ACCOUNT, contentHash, { knownMessageIds: new Set(), attemptServerAt: SENDING_AT })).toEqual({
        outcome: "delivered",
        messageId: "m-real",
        sentAt: SENDING_AT + 300,
      });
    });

    it(`clock 10 min ${label}: an identical text from an older run is still not this attempt`, () => {
      const old = message({ id: "m-old", createdAt: new Date(SENDING_AT - SERVER_TIME_ALLOWANCE_MS - 1).toISOString() });
      expect(decideReconciliation(skewed, thread, [old], ACCOUNT, contentHash, { knownMessageIds: new Set(), attemptServerAt: SENDING_AT })).toEqual({
        outcome: "not-delivered",
      });
    });
  }

  it("identity: a match newer than the lead's last known message of ours is this attempt, whatever the times say", () => {
    // The server-time estimate is wildly wrong (an hour late), but the thread shows our intro, then this attempt.
    const known: ReconciliationContext = { knownMessageIds: new Set(["m-intro"]), attemptServerAt: SENDING_AT + 3_600_000 };
    const intro = message({ id: "m-intro", content: "intro text", createdAt: new Date(SENDING_AT - 86_400_000).toISOString() });
    const attempt = message({ id: "m-now", createdAt: new Date(SENDING_AT).toISOString() });
    expect(decideReconciliation(record, thread, [attempt, intro], ACCOUNT, contentHash, known)).toEqual({ outcome: "delivered", messageId: "m-now", sentAt: SENDING_AT });
  });

  it("identity: the same text older than the last known message is an earlier conversation, not this attempt", () => {
    const known: ReconciliationContext = { knownMessageIds: new Set(["m-intro"]), attemptServerAt: SENDING_AT - 3_600_000 };
    const older = message({ id: "m-older", createdAt: new Date(SENDING_AT - 7_200_000).toISOString() });
    const intro = message({ id: "m-intro", content: "intro text", createdAt: new Date(SENDING_AT - 60_000).toISOString() });
    expect(decideReconciliation(record, thread, [intro, older], ACCOUNT, contentHash, known)).toEqual({ outcome: "not-delivered" });
  });
});

describe("reachesBack", () => {
  it("says whether the fetched page goes back past the cutoff", () => {
    expect(reachesBack([message({})], ctx)).toBe(false);
    expect(reachesBack([message({ createdAt: new Date(SENDING_AT - SERVER_TIME_ALLOWANCE_MS - 1).toISOString() })], ctx)).toBe(true);
  });

  it("or reaches the lead's last known message of ours", () => {
    expect(reachesBack([message({ id: "m-intro" })], { knownMessageIds: new Set(["m-intro"]), attemptServerAt: SENDING_AT })).toBe(true);
  });
});
