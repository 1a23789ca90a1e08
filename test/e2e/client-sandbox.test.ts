/**
 * The real InboxClient against the sandbox: each method's happy path, then every failure class the
 * client distinguishes, produced by the sandbox's faults rather than by mocks — over loopback HTTP and
 * through the in-process fetch the rehearsal uses, which must be indistinguishable to the client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  AuthError,
  InboxClient,
  NetworkError,
  RateLimitedError,
  SendOutcomeUnknownError,
  ServerError,
  TimeoutError,
  type InboxClientOptions,
} from "../../src/inbox/index.js";
import type { RateLimitInfo } from "../../src/inbox/types.js";
import { SimulatedClock } from "../../src/platform/clock.js";
import { startSandbox, type Sandbox, type SandboxMessage } from "../../src/sandbox/index.js";

const START = Date.UTC(2026, 1, 10, 9, 0, 0);
const PROSPECT = "1876543210987654321";

let sandbox: Sandbox;
let clock: SimulatedClock;

type Carrier = "http" | "in-process";

function clientOver(carrier: Carrier, extra: Partial<InboxClientOptions>): InboxClient {
  // A simulated clock for the client too, so its read-retry backoff (1 s, 2 s, …) costs no wall time.
  const fetch = carrier === "in-process" ? { fetch: sandbox.fetch } : {};
  return new InboxClient({ baseUrl: sandbox.url, token: sandbox.token, timeoutMs: 5_000, clock, env: {}, ...fetch, ...extra });
}

async function controlMessages(): Promise<SandboxMessage[]> {
  const res = await fetch(`${sandbox.origin}/_sandbox/messages`, { headers: { Authorization: `Bearer ${sandbox.token}` } });
  return (await res.json()) as SandboxMessage[];
}

beforeAll(async () => {
  clock = new SimulatedClock(START);
  sandbox = await startSandbox({ clock, seed: "client", token: "sandbox_client_test", replyRate: 0 });
});

beforeEach(() => sandbox.reset());

afterAll(async () => {
  await sandbox.close();
});

describe.each(["http", "in-process"] as const)("over %s", (carrier) => {
  const client = (extra: Partial<InboxClientOptions> = {}): InboxClient => clientOver(carrier, extra);

  describe("InboxClient against the sandbox: happy paths", () => {
    it("reads the team and account links", async () => {
      const api = client();
      expect((await api.getTeam()).id).toBe(sandbox.teamId);
      expect((await api.listAccountLinks()).map((a) => a.id)).toEqual(sandbox.accountLinkIds);
    });

    it("sends, looks the thread up and pages its messages", async () => {
      const api = client();
      const accountLinkId = sandbox.accountLinkIds[0] ?? "";
      expect(await api.lookupThread({ accountLinkId, externalPlatformId: PROSPECT })).toBeNull();
      const sent = await api.quickSend({ accountLinkId, externalPlatformId: PROSPECT, content: "Hi there" });
      clock.advance(1_000);
      const second = await api.sendInThread(sent.thread.id, { content: "Following up" });
      expect(second.threadId).toBe(sent.thread.id);

      const thread = await api.lookupThread({ accountLinkId, externalPlatformId: PROSPECT });
      expect(thread?.id).toBe(sent.thread.id);
      expect((await api.getThread(sent.thread.id)).lastMessage?.content).toBe("Following up");
      expect((await api.updateThread(sent.thread.id, { done: true })).done).toBe(true);
      const byName = await api.lookupThreadsByUsername({ username: thread?.prospect.username ?? "", accountLinkIds: [accountLinkId] });
      expect(byName.map((t) => t.id)).toEqual([sent.thread.id]);

      const page1 = await api.listMessages(sent.thread.id, { limit: 1 });
      expect(page1.messages.map((m) => m.content)).toEqual(["Following up"]);
      const page2 = await api.listMessages(sent.thread.id, { limit: 1, cursor: page1.nextCursor ?? { id: "", timestamp: "" } });
      expect(page2.messages.map((m) => m.content)).toEqual(["Hi there"]);
      expect(page2.nextCursor).toBeNull();
    });

    it("prospects, tags, statuses and events", async () => {
      const api = client();
      const accountLinkId = sandbox.accountLinkIds[0] ?? "";
      await api.quickSend({ accountLinkId, externalPlatformId: PROSPECT, content: "Hi" });
      const tag = await api.createTag({ name: "Replied" });
      const status = await api.createStatus({ name: "Interested", color: "#10b981" });
      expect(await api.listTags()).toEqual([tag]);
      expect(await api.listStatuses()).toEqual([status]);

      const prospect = await api.lookupProspect(PROSPECT);
      expect(prospect?.platformId).toBe(PROSPECT);
      const updated = await api.updateProspectContext(prospect?.externalId ?? "", { addTags: [tag.id], statusId: status.id });
      expect(updated.context).toMatchObject({ tags: [tag.id], statusId: status.id });

      sandbox.reply({ externalPlatformId: PROSPECT, text: "not interested, please stop" });
      const events = await api.listEvents({ afterSeq: 0, limit: 1000 });
      const inbound = events.events.filter((e) => e.type === "message.created").map((e) => e.data as { message: { authorId: string } });
      expect(inbound.map((d) => d.message.authorId)).toEqual([accountLinkId, PROSPECT]);
      expect(events.hasMore).toBe(false);
    });
  });

  describe("InboxClient against the sandbox: failures", () => {
    it("wrong token → AuthError", async () => {
      await expect(client({ token: "sandbox_wrong" }).getTeam()).rejects.toBeInstanceOf(AuthError);
    });

    it("429 → RateLimitedError with Retry-After, and onResponse sees X-RateLimit-*", async () => {
      sandbox.configure({ rateLimit: [{ limit: 2, windowMs: 60_000 }] });
      const seen: Array<{ info: RateLimitInfo; status: number }> = [];
      const api = client({ onResponse: (info, status) => seen.push({ info, status }) });
      await api.getTeam();
      clock.advance(10_000);
      await api.getTeam();
      const err = await api.getTeam().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitedError);
      // The first request leaves the 60 s window 50 s from now.
      expect((err as RateLimitedError).retryAfterMs).toBe(50_000);
      expect(seen.map((s) => s.status)).toEqual([200, 200, 429]);
      expect(seen[1]?.info).toMatchObject({ limit: 2, remaining: 0 });
      expect(seen[2]?.info.retryAfterMs).toBe(50_000);
      expect(sandbox.stats().rateLimited).toBe(1);
    });

    it("5xx: reads are retried and succeed; a send becomes SendOutcomeUnknownError", async () => {
      sandbox.configure({ serverErrorRate: 0.5 });
      const api = client();
      for (let i = 0; i < 10; i++) expect((await api.getTeam()).id).toBe(sandbox.teamId);
      expect(sandbox.stats().serverErrors).toBeGreaterThan(0);

      sandbox.configure({ serverErrorRate: 0 });
      sandbox.failNext(1, 500);
      const accountLinkId = sandbox.accountLinkIds[0] ?? "";
      const err = await api.quickSend({ accountLinkId, externalPlatformId: PROSPECT, content: "Hi" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendOutcomeUnknownError);
      expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(ServerError);
      expect(sandbox.messages()).toEqual([]); // a 500 before processing: nothing was stored
    });

    it("timeout: a read → TimeoutError; a send → SendOutcomeUnknownError, though it was stored", async () => {
      sandbox.configure({ latencyMs: 400 });
      const api = client({ timeoutMs: 100 });
      await expect(api.getTeam()).rejects.toBeInstanceOf(TimeoutError);
      const accountLinkId = sandbox.accountLinkIds[0] ?? "";
      const err = await api.quickSend({ accountLinkId, externalPlatformId: PROSPECT, content: "Hi" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendOutcomeUnknownError);
      expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(TimeoutError);
      expect(sandbox.messages().map((m) => m.content)).toEqual(["Hi"]);
    });

    it("lost response: SendOutcomeUnknownError, yet the message is stored and findable", async () => {
      sandbox.failNext(1, "lost");
      const api = client();
      const accountLinkId = sandbox.accountLinkIds[1] ?? "";
      const err = await api.quickSend({ accountLinkId, externalPlatformId: PROSPECT, content: "Lost in transit" }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SendOutcomeUnknownError);

      const recorded = await controlMessages();
      expect(recorded).toMatchObject([{ direction: "outbound", accountLinkId, externalPlatformId: PROSPECT, content: "Lost in transit", responseLost: true }]);
      expect(sandbox.stats().lostResponses).toBe(1);

      const thread = await api.lookupThread({ accountLinkId, externalPlatformId: PROSPECT });
      expect(thread?.id).toBe(recorded[0]?.threadId);
      const page = await api.listMessages(thread?.id ?? "");
      expect(page.messages.map((m) => m.id)).toEqual([recorded[0]?.id]);
    });
  });
});

describe("the in-process fetch", () => {
  it("refuses a URL outside the sandbox like a port nobody listens on: a connect failure, not retried as uncertain", async () => {
    const api = new InboxClient({ baseUrl: "http://127.0.0.1:9/api/v1", token: sandbox.token, clock, env: {}, fetch: sandbox.fetch });
    const err = await api.getTeam().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ code: "ECONNREFUSED", isConnectFailure: true });
    expect(sandbox.stats().requests).toBe(0);
  });

  it("rejects with the caller's abort reason once aborted, and sends nothing", async () => {
    const ac = new AbortController();
    ac.abort(new Error("stop"));
    const res = sandbox.fetch(`${sandbox.url}/team`, { headers: { Authorization: `Bearer ${sandbox.token}` }, signal: ac.signal });
    await expect(res).rejects.toThrow("stop");
    expect(sandbox.stats().requests).toBe(0);
  });
});
