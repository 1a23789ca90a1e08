import { describe, expect, it } from "vitest";
import type { InboxEvent } from "../../../src/inbox/types.js";
import { fromThreadMessage, isInbound, toInboundReply } from "../../../src/replies/inbound.js";
import { ACCOUNT, PROSPECT_X_ID, event, message, thread } from "./fixtures.js";

describe("isInbound", () => {
  it.each([
    ["our API send (authorId = accountLinkId)", message({ authorId: ACCOUNT, origin: "api" }), false],
    ["typed by us in the X app (origin external, still ours)", message({ authorId: ACCOUNT, origin: "external" }), false],
    ["prospect message (numeric X id)", message(), true],
    ["prospect message (legacy external id)", message({ authorId: "n7kx" }), true],
  ])("%s → %s", (_name, msg, want) => {
    expect(isInbound({ message: msg, thread: thread() })).toBe(want);
  });
});

describe("toInboundReply", () => {
  it("maps an inbound message.created to a reply", () => {
    expect(toInboundReply(event(51))).toEqual({
      eventId: "evt_51",
      seq: 51,
      messageId: "msg_51",
      threadId: "thr_1",
      accountLinkId: ACCOUNT,
      prospectPlatformId: PROSPECT_X_ID,
      prospectId: "n7kx",
      text: "Sounds good, send details",
      at: Date.parse("2025-01-15T14:30:00.000Z"),
    });
  });

  it("falls back to a numeric authorId for the prospect's X id", () => {
    const t = thread({ prospect: { ...thread().prospect, platformId: "", externalId: null } });
    const reply = toInboundReply(event(1, {}, { message: message(), thread: t }));
    expect(reply?.prospectPlatformId).toBe(PROSPECT_X_ID);
    expect(reply).not.toHaveProperty("prospectId");
  });

  const malformed: [string, unknown][] = [
    ["other event type", { ...event(1), type: "message.edited" }],
    ["our own send", event(1, {}, { message: message({ authorId: ACCOUNT }), thread: thread() })],
    ["no data", { ...event(1), data: undefined }],
    ["data is a string", event(1, {}, "x")],
    ["data is an array", event(1, {}, [])],
    ["message missing", event(1, {}, { thread: thread() })],
    ["thread missing", event(1, {}, { message: message() })],
    ["content not a string", event(1, {}, { message: { ...message(), content: 5 }, thread: thread() })],
    ["authorId missing", event(1, {}, { message: { ...message(), authorId: undefined }, thread: thread() })],
    ["accountLinkId missing", event(1, {}, { message: message(), thread: { ...thread(), accountLinkId: null } })],
    ["bad createdAt", event(1, {}, { message: message({ createdAt: "yesterday" }), thread: thread() })],
    ["message of another thread", event(1, {}, { message: message({ threadId: "thr_2" }), thread: thread() })],
    ["prospect is null", event(1, {}, { message: message(), thread: { ...thread(), prospect: null } })],
    ["null event", null],
    ["throwing getter", { ...event(1), get data(): unknown { throw new Error("boom"); } }],
  ];
  it.each(malformed)("%s → null or a safe value, never throws", (name, ev) => {
    const result = toInboundReply(ev as InboxEvent);
    if (name === "prospect is null") expect(result?.prospectPlatformId).toBe(PROSPECT_X_ID);
    else expect(result).toBeNull();
  });
});

describe("fromThreadMessage", () => {
  it("returns the reply without envelope fields for a prospect message", () => {
    const reply = fromThreadMessage(thread(), message());
    expect(reply).toMatchObject({ messageId: "msg_1", threadId: "thr_1", text: "Sounds good, send details" });
    expect(reply).not.toHaveProperty("eventId");
    expect(reply).not.toHaveProperty("seq");
  });

  it("returns null for our own message", () => {
    expect(fromThreadMessage(thread(), message({ authorId: ACCOUNT }))).toBeNull();
  });
});
