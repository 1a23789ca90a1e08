import { describe, expect, it, vi } from "vitest";
import { UserError } from "../../../src/errors.js";
import { InboxClient } from "../../../src/inbox/client.js";
import type { InboxClientOptions } from "../../../src/inbox/client-options.js";
import {
  AuthError,
  InvalidRequestError,
  NetworkError,
  RateLimitedError,
  RequestAbortedError,
  SendOutcomeUnknownError,
  ServerError,
  TimeoutError,
} from "../../../src/inbox/errors.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { MESSAGE, THREAD, TOKEN, everyRendering, hang, json, scriptedFetch, type Reply } from "./fixtures.js";

const BASE = "https://api.test/api/v1";
const START = Date.parse("2026-03-01T12:00:00.000Z");
const QUICK = { accountLinkId: "acc1", externalPlatformId: "1876543210987654321", content: "Hi" };

function setup(replies: Reply[], extra: Partial<InboxClientOptions> = {}) {
  const { fetch, requests } = scriptedFetch(...replies);
  const clock = new SimulatedClock(START);
  const client = new InboxClient({ baseUrl: BASE, token: TOKEN, env: {}, fetch, clock, ...extra });
  return { client, requests, clock };
}

const refused = (): Error => new TypeError("fetch failed", { cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }) });
const reset = (): Error => new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) });

describe("InboxClient requests", () => {
  it("sends the bearer token, accept and user agent; content-type only with a body", async () => {
    const { client, requests } = setup([json({ id: "team" }), json({ message: MESSAGE, thread: THREAD })], { userAgent: "outreach-test/1" });
    await client.getTeam();
    await client.quickSend(QUICK);
    const [get, post] = requests;
    expect(get!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
    expect(get!.headers.get("accept")).toBe("application/json");
    expect(get!.headers.get("user-agent")).toBe("outreach-test/1");
    expect(get!.headers.has("content-type")).toBe(false);
    expect(post!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(post!.body!)).toEqual(QUICK);
  });

  it.each([
    { name: "getTeam", call: (c: InboxClient) => c.getTeam(), method: "GET", url: "/team", reply: {} },
    { name: "listAccountLinks", call: (c: InboxClient) => c.listAccountLinks(), method: "GET", url: "/account-links", reply: [] },
    { name: "quickSend", call: (c: InboxClient) => c.quickSend(QUICK), method: "POST", url: "/threads/messages", reply: { message: MESSAGE, thread: THREAD } },
    { name: "sendInThread", call: (c: InboxClient) => c.sendInThread("t1", { content: "Hi" }), method: "POST", url: "/threads/t1/messages", reply: MESSAGE },
    { name: "lookupThread", call: (c: InboxClient) => c.lookupThread({ accountLinkId: "a1", externalPlatformId: "42" }), method: "GET", url: "/threads/lookup?accountLinkId=a1&externalPlatformId=42", reply: THREAD },
    { name: "lookupThreadsByUsername repeats the array key", call: (c: InboxClient) => c.lookupThreadsByUsername({ username: "sarah", accountLinkIds: ["a1", "a2"] }), method: "GET", url: "/threads/lookup-by-username?username=sarah&accountLinkIds=a1&accountLinkIds=a2", reply: [] },
    { name: "lookupThreadsByUsername without ids", call: (c: InboxClient) => c.lookupThreadsByUsername({ username: "sarah" }), method: "GET", url: "/threads/lookup-by-username?username=sarah", reply: [] },
    { name: "getThread encodes the id", call: (c: InboxClient) => c.getThread("a/b"), method: "GET", url: "/threads/a%2Fb", reply: THREAD },
    { name: "updateThread", call: (c: InboxClient) => c.updateThread("t1", { done: true }), method: "PATCH", url: "/threads/t1", reply: THREAD },
    { name: "listMessages with cursor", call: (c: InboxClient) => c.listMessages("t1", { limit: 100, cursor: { id: "m9", timestamp: "2025-11-10T18:03:16.000Z" } }), method: "GET", url: "/threads/t1/messages?limit=100&cursorId=m9&cursorTimestamp=2025-11-10T18%3A03%3A16.000Z", reply: { messages: [] } },
    { name: "listMessages bare", call: (c: InboxClient) => c.listMessages("t1"), method: "GET", url: "/threads/t1/messages", reply: { messages: [] } },
    { name: "lookupProspect", call: (c: InboxClient) => c.lookupProspect("42"), method: "GET", url: "/prospects/lookup?platformId=42", reply: { platformId: "42" } },
    { name: "updateProspectContext", call: (c: InboxClient) => c.updateProspectContext("p1", { addTags: ["t"] }), method: "PATCH", url: "/prospects/p1/context", reply: {} },
    { name: "listTags", call: (c: InboxClient) => c.listTags(), method: "GET", url: "/tags", reply: [] },
    { name: "createTag", call: (c: InboxClient) => c.createTag({ name: "contacted" }), method: "POST", url: "/tags", reply: { id: "t" } },
    { name: "listStatuses", call: (c: InboxClient) => c.listStatuses(), method: "GET", url: "/statuses", reply: [] },
    { name: "createStatus", call: (c: InboxClient) => c.createStatus({ name: "Replied", color: "green" }), method: "POST", url: "/statuses", reply: { id: "s" } },
    { name: "listEvents keeps afterSeq=0", call: (c: InboxClient) => c.listEvents({ afterSeq: 0, limit: 1000 }), method: "GET", url: "/events?afterSeq=0&limit=1000", reply: { events: [] } },
    { name: "listEvents from the oldest", call: (c: InboxClient) => c.listEvents({}), method: "GET", url: "/events", reply: { events: [] } },
  ])("$name → $method $url", async ({ call, method, url, reply }) => {
    const { client, requests } = setup([json(reply)]);
    await expect(call(client)).resolves.toEqual(reply);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe(method);
    expect(requests[0]!.url).toBe(BASE + url);
  });

  it("returns null when a lookup answers JSON null", async () => {
    const { client } = setup([json(null)]);
    await expect(client.lookupThread({ accountLinkId: "a1", externalPlatformId: "42" })).resolves.toBeNull();
    await expect(client.lookupProspect("42")).resolves.toBeNull();
  });
});

describe("InboxClient errors", () => {
  it("401 names INBOX_API_TOKEN and never carries the token", async () => {
    const { client } = setup([json({ error: { code: "UNAUTHORIZED", message: `Token ${TOKEN} is revoked`, status: 401 } }, 401)]);
    const err = await client.getTeam().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as Error).message).toContain("INBOX_API_TOKEN");
    expect((err as AuthError).serverMessage).toBe("Token [redacted] is revoked");
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("connection refused names the base URL, is not wrapped for a send, and leaks no token", async () => {
    const { client, requests } = setup([refused()]);
    const err = await client.quickSend(QUICK).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).isConnectFailure).toBe(true);
    expect((err as Error).message).toContain(`Could not reach the Inbox API at ${BASE}`);
    expect(requests).toHaveLength(1);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("times out with TimeoutError", async () => {
    const { client } = setup([hang], { timeoutMs: 20 });
    const err = await client.getTeam().catch((e: unknown) => e);
    // 5 attempts for a read: each one times out (real 20 ms timers; backoff runs on the simulated clock).
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(20);
  });

  it("a per-call timeoutMs overrides the client's", async () => {
    const { client } = setup([hang]);
    const err = await client.quickSend(QUICK, { timeoutMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknownError);
    expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(TimeoutError);
  });

  it("a caller abort is RequestAbortedError, not a timeout", async () => {
    const { client } = setup([hang]);
    const ac = new AbortController();
    const pending = client.getTeam({ signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 5);
    expect(await pending).toBeInstanceOf(RequestAbortedError);
  });

  it("a send aborted in flight may have gone out: SendOutcomeUnknownError caused by the abort", async () => {
    const { client } = setup([hang]);
    const ac = new AbortController();
    const pending = client.quickSend(QUICK, { signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 5);
    const err = await pending;
    expect(err).toBeInstanceOf(SendOutcomeUnknownError);
    expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(RequestAbortedError);
  });

  it("an onResponse that throws surfaces its own error, not a network fault", async () => {
    const bug = new Error("listener bug");
    const { client, requests } = setup([json({ id: "team" })], { onResponse: () => { throw bug; } });
    await expect(client.getTeam()).rejects.toBe(bug);
    expect(requests).toHaveLength(1);
  });

  it("an already-aborted signal sends nothing, even for a send", async () => {
    const { client, requests } = setup([json({ message: MESSAGE, thread: THREAD })]);
    const err = await client.quickSend(QUICK, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(requests).toHaveLength(0);
  });

  it.each([
    { name: "5xx", reply: json({ error: { code: "INTERNAL", message: "boom", status: 500 } }, 500), cause: ServerError },
    { name: "connection reset", reply: reset(), cause: NetworkError },
    { name: "a 200 that is not JSON", reply: new Response("<html>ok</html>", { status: 200 }), cause: Error },
    { name: "a 200 without message.id", reply: json({ ok: true }), cause: Error },
  ])("quickSend after $name → SendOutcomeUnknownError, exactly one request", async ({ reply, cause }) => {
    const { client, requests } = setup([reply, json({ message: MESSAGE, thread: THREAD })]);
    const err = await client.quickSend(QUICK).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknownError);
    expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(cause);
    expect(requests).toHaveLength(1);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("sendInThread 502 → SendOutcomeUnknownError, one request", async () => {
    const { client, requests } = setup([new Response("Bad Gateway", { status: 502 }), json(MESSAGE)]);
    await expect(client.sendInThread("t1", { content: "Hi" })).rejects.toBeInstanceOf(SendOutcomeUnknownError);
    expect(requests).toHaveLength(1);
  });

  it.each([
    { status: 429, cls: RateLimitedError },
    { status: 422, cls: InvalidRequestError },
    { status: 403, cls: AuthError },
  ])("a send answered $status was not delivered: thrown as is", async ({ status, cls }) => {
    const { client, requests } = setup([json({ error: { code: "X", message: "no", status } }, status)]);
    await expect(client.quickSend(QUICK)).rejects.toBeInstanceOf(cls);
    expect(requests).toHaveLength(1);
  });

  it("429 on a read is surfaced at once with retryAfterMs", async () => {
    const { client, requests } = setup([json({ error: { code: "RATE_LIMITED", message: "Rate limit exceeded.", status: 429 } }, 429, { "retry-after": "42" })]);
    const err = await client.getTeam().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(42_000);
    expect(requests).toHaveLength(1);
  });
});

describe("InboxClient retries", () => {
  it("retries a GET on 5xx with the clock's backoff, then succeeds", async () => {
    const { client, requests, clock } = setup([new Response("", { status: 502 }), new Response("", { status: 503 }), json({ id: "team" })]);
    await expect(client.getTeam()).resolves.toEqual({ id: "team" });
    expect(requests).toHaveLength(3);
    expect(clock.now() - START).toBe(1000 + 2000);
  });

  it("retry: false makes exactly one attempt, even for a read the policy would retry", async () => {
    const { client, requests, clock } = setup([new Response("", { status: 502 }), json({ id: "team" })]);
    await expect(client.getTeam({ retry: false })).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(1);
    expect(clock.now()).toBe(START);
  });

  it("gives up after 5 attempts and throws the last ServerError", async () => {
    const { client, requests, clock } = setup([new Response("", { status: 500 })]);
    await expect(client.listTags()).rejects.toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(5);
    expect(clock.now() - START).toBe(1000 + 2000 + 4000 + 8000);
  });

  it("retries a read after a connection reset", async () => {
    const { client, requests } = setup([reset(), json([])]);
    await expect(client.listAccountLinks()).resolves.toEqual([]);
    expect(requests).toHaveLength(2);
  });

  it("retries the idempotent PATCH but not a create", async () => {
    const a = setup([new Response("", { status: 500 }), json(THREAD)]);
    await expect(a.client.updateThread("t1", { done: true })).resolves.toEqual(THREAD);
    expect(a.requests).toHaveLength(2);
    const b = setup([new Response("", { status: 500 }), json({ id: "t" })]);
    await expect(b.client.createTag({ name: "x" })).rejects.toBeInstanceOf(ServerError);
    expect(b.requests).toHaveLength(1);
  });

  it("an abort during the backoff stops retrying", async () => {
    const ac = new AbortController();
    const { client, requests } = setup([
      (_req) => {
        queueMicrotask(() => ac.abort());
        return Promise.resolve(new Response("", { status: 503 }));
      },
    ]);
    await expect(client.getTeam({ signal: ac.signal })).rejects.toBeInstanceOf(RequestAbortedError);
    expect(requests).toHaveLength(1);
  });
});

describe("InboxClient onResponse", () => {
  it("reports parsed rate-limit headers for successes and errors alike", async () => {
    const onResponse = vi.fn();
    const reset = String(START / 1000 + 60);
    const { client } = setup(
      [
        json({ id: "team" }, 200, { "x-ratelimit-limit": "300", "x-ratelimit-remaining": "299", "x-ratelimit-reset": reset }),
        json({ error: { code: "RATE_LIMITED", message: "slow", status: 429 } }, 429, { "x-ratelimit-remaining": "0", "retry-after": "60" }),
      ],
      { onResponse },
    );
    await client.getTeam();
    await client.getTeam().catch(() => undefined);
    expect(onResponse.mock.calls).toEqual([
      [{ limit: 300, remaining: 299, resetAt: (START / 1000 + 60) * 1000 }, 200],
      [{ remaining: 0, retryAfterMs: 60_000 }, 429],
    ]);
  });
});

describe("InboxClient configuration", () => {
  const fetch = scriptedFetch(json({})).fetch;

  it("without a token throws a UserError with the next step", () => {
    const err = (() => {
      try {
        new InboxClient({ env: {}, fetch });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe("INBOX_API_TOKEN is not set");
    expect((err as UserError).details.hint).toContain("--sandbox");
  });

  it("reads INBOX_API_TOKEN and INBOX_API_URL from env, trimming a trailing slash", async () => {
    const s = scriptedFetch(json({}));
    const client = new InboxClient({ env: { INBOX_API_TOKEN: TOKEN, INBOX_API_URL: "http://127.0.0.1:9/api/v1/" }, fetch: s.fetch });
    expect(client.baseUrl).toBe("http://127.0.0.1:9/api/v1");
    await client.getTeam();
    expect(s.requests[0]!.url).toBe("http://127.0.0.1:9/api/v1/team");
    expect(s.requests[0]!.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
  });

  it("defaults to the public v1 base URL (empty INBOX_API_URL counts as unset)", () => {
    expect(new InboxClient({ env: { INBOX_API_TOKEN: TOKEN, INBOX_API_URL: "" }, fetch }).baseUrl).toBe("https://inboxapp.com/api/v1");
  });

  it.each(["not a url", "ftp://inboxapp.com/api/v1"])("rejects base URL %s naming it", (url) => {
    expect(() => new InboxClient({ token: TOKEN, baseUrl: url, fetch })).toThrow(new RegExp(`"${url.replace(/[?.]/g, "\\$&")}"`));
  });

  it("rejects a query string in the base URL, naming it with its values masked (a pasted ?token= is a secret)", () => {
    expect(() => new InboxClient({ token: TOKEN, baseUrl: "https://inboxapp.com/api/v1?token=sk_live_9", fetch })).toThrow(
      /"https:\/\/inboxapp\.com\/api\/v1\?token=\*\*\*" must not have a query string/,
    );
  });

  it("rejects credentials in the base URL without echoing them", () => {
    expect(() => new InboxClient({ token: TOKEN, baseUrl: "https://me:pw@inboxapp.com/api/v1", fetch })).toThrow(/must not contain credentials/);
  });

  it("rejects a token with a line break without echoing it", () => {
    const err = (() => {
      try {
        new InboxClient({ token: `${TOKEN}\r\nx`, env: {}, fetch });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it.each(["tök", "tok✓en", "tok en", "tok–en"])("rejects a token with a non-ASCII or blank character (%s) by position, without echoing it", (bad) => {
    const token = `${TOKEN}${bad}`;
    const err = (() => {
      try {
        new InboxClient({ token, env: {}, fetch });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/INBOX_API_TOKEN has a character at position \d+/);
    expect(everyRendering(err)).not.toContain(token);
  });

  it.each([
    ["http://api.example.test/v1", false],
    ["http://10.0.0.5:8080/api/v1", false],
    ["http://127.0.0.1:8080/api/v1", true],
    ["http://localhost:8080/api/v1", true],
    ["http://[::1]:8080/api/v1", true],
    ["https://api.example.test/v1", true],
  ])("plain http:// only to this machine: %s → allowed %s", (url, allowed) => {
    const make = (env: NodeJS.ProcessEnv) => () => new InboxClient({ token: TOKEN, baseUrl: url, env, fetch });
    if (allowed) expect(make({})).not.toThrow();
    else expect(make({})).toThrow(/plain http:\/\/ to another machine: INBOX_API_TOKEN would travel in clear text/);
    expect(make({ INBOX_API_ALLOW_HTTP: "1" })).not.toThrow();
  });

  it("rejects a non-positive timeout", () => {
    expect(() => new InboxClient({ token: TOKEN, timeoutMs: 0, fetch })).toThrow(RangeError);
  });
});
