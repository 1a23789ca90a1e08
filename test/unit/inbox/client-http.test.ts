/**
 * The client against a real `node:http` server on 127.0.0.1 (port 0), through the global fetch:
 * what goes over the wire, keep-alive reuse, and how real undici failures are classified.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { InboxClient } from "../../../src/inbox/client.js";
import { NetworkError, SendOutcomeUnknownError, TimeoutError } from "../../../src/inbox/errors.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { MESSAGE, THREAD, TOKEN, everyRendering } from "./fixtures.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server | undefined;
let connections = 0;
const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];

async function start(handler: Handler): Promise<string> {
  connections = 0;
  seen.length = 0;
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", auth: req.headers.authorization, body });
      handler(req, body, res);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
}

afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json", "x-ratelimit-remaining": "7" });
  res.end(JSON.stringify(body));
};

const QUICK = { accountLinkId: "acc1", externalPlatformId: "42", content: "Hi there" };

describe("InboxClient over loopback HTTP", () => {
  it("sends the bearer token and JSON body, and reuses one keep-alive connection", async () => {
    const baseUrl = await start((_req, _body, res) => sendJson(res, 200, { message: MESSAGE, thread: THREAD }));
    const client = new InboxClient({ baseUrl, token: TOKEN, env: {} });
    for (let i = 0; i < 20; i++) await client.quickSend(QUICK);
    expect(seen).toHaveLength(20);
    expect(seen[0]).toEqual({ method: "POST", url: "/api/v1/threads/messages", auth: `Bearer ${TOKEN}`, body: JSON.stringify(QUICK) });
    // undici's pool may open a second socket while the first is being released; without keep-alive it would be 20.
    expect(connections).toBeLessThanOrEqual(2);
  });

  it("connection refused → NetworkError naming the URL, token nowhere", async () => {
    const baseUrl = await start(() => undefined);
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const client = new InboxClient({ baseUrl, token: TOKEN, env: {}, clock: new SimulatedClock(0) });
    const err = await client.getTeam().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).isConnectFailure).toBe(true);
    expect((err as NetworkError).code).toBe("ECONNREFUSED");
    expect((err as Error).message).toContain(`Could not reach the Inbox API at ${baseUrl}`);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("a send whose connection drops after the request arrived → SendOutcomeUnknownError, one request", async () => {
    const baseUrl = await start((req) => req.socket.destroy());
    const client = new InboxClient({ baseUrl, token: TOKEN, env: {} });
    const err = await client.quickSend(QUICK).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknownError);
    expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(NetworkError);
    expect(seen).toHaveLength(1);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("a send the server never answers → SendOutcomeUnknownError caused by TimeoutError", async () => {
    const baseUrl = await start(() => undefined);
    // Long enough for the request to reach the server on a loaded machine (at 50 ms it sometimes timed
    // out while still connecting — a different case: the request never left).
    const client = new InboxClient({ baseUrl, token: TOKEN, env: {}, timeoutMs: 1_500 });
    const err = await client.sendInThread("t1", { content: "Hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendOutcomeUnknownError);
    expect((err as SendOutcomeUnknownError).cause).toBeInstanceOf(TimeoutError);
    expect(seen).toHaveLength(1);
    expect(everyRendering(err)).not.toContain(TOKEN);
  });

  it("reports rate-limit headers from the wire", async () => {
    const baseUrl = await start((_req, _body, res) => sendJson(res, 200, null));
    const reports: unknown[] = [];
    const client = new InboxClient({ baseUrl, token: TOKEN, env: {}, onResponse: (info, status) => reports.push([info, status]) });
    await expect(client.lookupProspect("42")).resolves.toBeNull();
    expect(reports).toEqual([[{ remaining: 7 }, 200]]);
  });
});
