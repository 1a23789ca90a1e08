/**
 * Contract: every /api/v1 endpoint the sandbox serves, called over loopback, answers with a body that
 * validates against its 200 schema in spec/openapi-v1.json (extra properties included).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimulatedClock } from "../../src/platform/clock.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { responseValidator } from "../support/openapi-validator.js";

const START = Date.UTC(2026, 1, 10, 9, 0, 0);
const PROSPECT = "1876543210987654321";
const ANSWERS_FAST = ["1000000000000000001", "1000000000000000002", "1000000000000000003"];

let sandbox: Sandbox;
let clock: SimulatedClock;

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, token = sandbox.token): Promise<Reply> {
  const init: RequestInit = { method, headers: { Authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { ...init.headers, "Content-Type": "application/json" };
  }
  const res = await fetch(`${sandbox.url}${path}`, init);
  return { status: res.status, headers: res.headers, body: (await res.json()) as unknown };
}

/** Calls and asserts a 200 whose body matches the operation's schema. */
async function expectContract(operationId: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await call(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(responseValidator(operationId)(res.body)).toEqual([]);
  return res.body;
}

beforeAll(async () => {
  clock = new SimulatedClock(START);
  sandbox = await startSandbox({
    clock,
    seed: "contract",
    replyRate: 0,
    unknownIds: ["999"],
  });
});

afterAll(async () => {
  await sandbox.close();
});

describe("sandbox responses match spec/openapi-v1.json", () => {
  it("team, account links, members", async () => {
    await expectContract("team.get", "GET", "/team");
    const links = await expectContract("accountLinks.list", "GET", "/account-links");
    expect(links).toHaveLength(2);
    const members = await expectContract("members.list", "GET", "/members");
    expect(members.length).toBeGreaterThan(0);
  });

  it("tags and statuses", async () => {
    await expectContract("tags.create", "POST", "/tags", { name: "Replied", color: "#10b981" });
    await expectContract("tags.create", "POST", "/tags", { name: "No colour" });
    const tags = await expectContract("tags.list", "GET", "/tags");
    expect(tags).toHaveLength(2);
    await expectContract("statuses.create", "POST", "/statuses", { name: "Interested" });
    const statuses = await expectContract("statuses.list", "GET", "/statuses");
    expect(statuses).toHaveLength(1);
  });

  it("quick send, thread send, thread reads and message pages", async () => {
    const [accountLinkId] = sandbox.accountLinkIds;
    const sent = await expectContract("threads.messages.quickSend", "POST", "/threads/messages", {
      accountLinkId,
      externalPlatformId: PROSPECT,
      content: "Hi, open to a quick chat?",
    });
    expect(sent.message.authorId).toBe(accountLinkId);
    expect(sent.message.origin).toBe("api");
    const threadId: string = sent.thread.id;
    expect(sent.thread.platformId).toMatch(/^\d+:\d+$/);

    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await expectContract("threads.thread.messages.create", "POST", `/threads/${threadId}/messages`, { content: `follow-up ${i}` });
    }
    clock.advance(1000);
    sandbox.reply({ externalPlatformId: PROSPECT, text: "Sounds good, send details" });

    const thread = await expectContract("threads.thread.get", "GET", `/threads/${threadId}`);
    expect(thread.variant).toBe("xChat");
    expect(thread.lastMessage.content).toBe("Sounds good, send details");
    await expectContract("threads.thread.update", "PATCH", `/threads/${threadId}`, { done: true });

    const found = await expectContract("threads.lookup", "GET", `/threads/lookup?accountLinkId=${accountLinkId}&externalPlatformId=${PROSPECT}`);
    expect(found.id).toBe(threadId);
    const none = await expectContract("threads.lookup", "GET", `/threads/lookup?accountLinkId=${accountLinkId}&externalPlatformId=42`);
    expect(none).toBeNull();
    const byName = await expectContract("threads.lookupByUsername", "GET", `/threads/lookup-by-username?username=${thread.prospect.username.toUpperCase()}`);
    expect(byName.map((t: { id: string }) => t.id)).toEqual([threadId]);

    // 6 messages in pages of 4: newest first, then the rest, then no cursor.
    const page1 = await expectContract("threads.thread.messages.list", "GET", `/threads/${threadId}/messages?limit=4`);
    expect(page1.messages.map((m: { content: string }) => m.content)).toEqual([
      "Sounds good, send details",
      "follow-up 3",
      "follow-up 2",
      "follow-up 1",
    ]);
    expect(page1.isSyncing).toBe(false);
    const { id, timestamp } = page1.nextCursor;
    const page2 = await expectContract(
      "threads.thread.messages.list",
      "GET",
      `/threads/${threadId}/messages?limit=4&cursorId=${id}&cursorTimestamp=${encodeURIComponent(timestamp)}`,
    );
    expect(page2.messages.map((m: { content: string }) => m.content)).toEqual(["follow-up 0", "Hi, open to a quick chat?"]);
    expect(page2.nextCursor).toBeNull();

    await expectContract("threads.create", "POST", "/threads", { accountLinkId, externalPlatformId: "2000000000000000000" });
  });

  it("prospect lookup and context patch", async () => {
    const prospect = await expectContract("prospects.lookup", "GET", `/prospects/lookup?platformId=${PROSPECT}`);
    expect(prospect.username).toBe(prospect.username.toLowerCase());
    expect(prospect.handle).toBe(`@${prospect.username}`);
    expect(await expectContract("prospects.lookup", "GET", "/prospects/lookup?platformId=999")).toBeNull();

    const tags = (await call("GET", "/tags")).body as Array<{ id: string }>;
    const statuses = (await call("GET", "/statuses")).body as Array<{ id: string }>;
    const patched = await expectContract("prospects.update", "PATCH", `/prospects/${prospect.externalId}/context`, {
      addTags: [tags[0]?.id],
      statusId: statuses[0]?.id,
      notes: "asked for details",
      valuation: 500,
    });
    expect(patched.context).toMatchObject({ tags: [tags[0]?.id], statusId: statuses[0]?.id, notes: "asked for details", valuation: 500 });
    await expectContract("prospects.get", "GET", `/prospects/${prospect.externalId}`);
  });

  it("events, with every envelope and a message.created thread carrying the prospect", async () => {
    const page = await expectContract("events.list", "GET", "/events?limit=1000");
    const types = new Set(page.events.map((e: { type: string }) => e.type));
    for (const t of ["thread.created", "message.created", "tag.created", "status.created", "prospect.tagsChanged", "prospect.statusChanged", "thread.archived"]) {
      expect(types).toContain(t);
    }
    expect(page.events.map((e: { seq: number }) => e.seq)).toEqual(page.events.map((_: unknown, i: number) => i + 1));
    const created = page.events.find((e: { type: string }) => e.type === "message.created");
    expect(responseValidator("threads.thread.messages.create")(created.data.message)).toEqual([]);
    expect(created.data.thread.prospect).toMatchObject({ platformId: PROSPECT, context: { tags: [] } });
    const empty = await expectContract("events.list", "GET", `/events?afterSeq=${page.lastSeq}`);
    expect(empty).toEqual({ events: [], hasMore: false, lastSeq: null });
  });

  it("replies scheduled by the reply model appear after the delay", async () => {
    sandbox.configure({ replyRate: 1, replyDelayMs: [60_000, 60_000] });
    const [, accountLinkId] = sandbox.accountLinkIds;
    for (const id of ANSWERS_FAST) {
      await expectContract("threads.messages.quickSend", "POST", "/threads/messages", { accountLinkId, externalPlatformId: id, content: "hello" });
    }
    clock.advance(60_000);
    const thread = await expectContract("threads.lookup", "GET", `/threads/lookup?accountLinkId=${accountLinkId}&externalPlatformId=${ANSWERS_FAST[0]}`);
    expect(thread.lastMessage.authorId).toBe(ANSWERS_FAST[0]);
    sandbox.configure({ replyRate: 0 });
  });
});

describe("the validator catches drift", () => {
  it("rejects a missing field, a wrong type and an undeclared field", async () => {
    const team = (await call("GET", "/team")).body as Record<string, unknown>;
    const validate = responseValidator("team.get");
    const { currency: _dropped, ...missing } = team;
    expect(validate(missing).join()).toMatch(/currency/);
    expect(validate({ ...team, allowSupportAccess: "yes" }).join()).toMatch(/allowSupportAccess/);
    expect(validate({ ...team, plan: "pro" }).join()).toMatch(/unevaluated/);
  });
});

describe("errors and headers", () => {
  it("401 with the nested error body on a wrong token", async () => {
    const res = await call("GET", "/team", undefined, "wrong");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "UNAUTHORIZED", message: expect.any(String), status: 401 } });
  });

  it("404 for unknown routes and threads, 400 for invalid bodies", async () => {
    expect((await call("GET", "/nope")).body).toMatchObject({ error: { code: "NOT_FOUND", status: 404 } });
    expect((await call("GET", "/threads/abc123")).body).toMatchObject({ error: { code: "THREAD_NOT_FOUND", status: 404 } });
    const [accountLinkId] = sandbox.accountLinkIds;
    for (const body of [
      { accountLinkId, externalPlatformId: PROSPECT, content: "" },
      { externalPlatformId: PROSPECT, content: "hi" },
      { accountLinkId, externalPlatformId: "@someone", content: "hi" },
      { accountLinkId, content: "hi" },
    ]) {
      const res = await call("POST", "/threads/messages", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: { code: "BAD_REQUEST", status: 400 } });
    }
    const unknownLink = await call("POST", "/threads/messages", { accountLinkId: "zzzz", externalPlatformId: PROSPECT, content: "hi" });
    expect(unknownLink.body).toMatchObject({ error: { code: "ACCOUNT_LINK_NOT_FOUND", status: 404 } });
  });

  it("X-RateLimit-* on every response, describing the minute window", async () => {
    for (const path of ["/team", "/nope"]) {
      const res = await call("GET", path);
      expect(res.headers.get("x-ratelimit-limit")).toBe("300");
      expect(Number(res.headers.get("x-ratelimit-remaining"))).toBeLessThan(300);
      expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(clock.now() / 1000));
    }
  });
});
