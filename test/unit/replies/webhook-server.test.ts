import { request } from "node:http";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import type { InboxEvent } from "../../../src/inbox/types.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { signPayload } from "../../../src/replies/signature.js";
import { startWebhookListener, type WebhookListener, type WebhookListenerOptions } from "../../../src/replies/webhook-server.js";
import { event } from "./fixtures.js";

const SECRET = "ibt_wh_test_secret";
const NOW = Date.parse("2025-01-15T15:00:00.000Z");
const PATH = "/inbox/webhook";

interface Reply {
  status: number;
  body: string;
}

/** A raw node:http request, so tests control the exact bytes and headers sent. */
function send(port: number, opts: { method?: string; path?: string; body?: string | Buffer; headers?: Record<string, string> }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: opts.method ?? "POST", path: opts.path ?? PATH, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    // The server may close mid-upload after a 413; the response has been read by then.
    req.on("error", reject);
    req.end(opts.body);
  });
}

function signed(body: string, tSec = NOW / 1000, secret = SECRET): { body: string; headers: Record<string, string> } {
  return { body, headers: { "Content-Type": "application/json", "X-Inbox-Signature": signPayload(body, secret, tSec) } };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

let listener: WebhookListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

async function start(over: Partial<WebhookListenerOptions> = {}) {
  const events: InboxEvent[] = [];
  const rejected: string[] = [];
  const gaps: [number, number][] = [];
  listener = await startWebhookListener({
    host: "127.0.0.1",
    port: 0,
    path: PATH,
    secret: SECRET,
    clock: new SimulatedClock(NOW),
    onEvent: (e) => events.push(e),
    onRejected: (reason) => rejected.push(reason),
    onGap: (from, to) => gaps.push([from, to]),
    ...over,
  });
  return { port: listener.port, events, rejected, gaps };
}

describe("startWebhookListener", () => {
  it("answers 200 to a valid signed POST and calls onEvent once, on a later tick", async () => {
    const { port, events } = await start();
    const res = await send(port, signed(JSON.stringify(event(1))));
    expect(res).toEqual({ status: 200, body: '{"ok":true}' });
    await tick();
    expect(events.map((e) => e.id)).toEqual(["evt_1"]);
    expect(listener?.url).toBe(`http://127.0.0.1:${port}${PATH}`);
  });

  it("processes a replayed valid delivery once", async () => {
    const { port, events } = await start();
    const delivery = signed(JSON.stringify(event(1)));
    expect((await send(port, delivery)).status).toBe(200);
    expect((await send(port, delivery)).status).toBe(200);
    await tick();
    expect(events).toHaveLength(1);
  });

  it.each([
    ["bad signature", { ...signed(JSON.stringify(event(1)), NOW / 1000, "wrong") }, "bad-signature"],
    ["stale timestamp", signed(JSON.stringify(event(1)), NOW / 1000 - 301), "stale-timestamp"],
    ["future timestamp", signed(JSON.stringify(event(1)), NOW / 1000 + 301), "future-timestamp"],
    ["missing header", { body: JSON.stringify(event(1)), headers: {} }, "missing-header"],
    ["malformed header", { body: JSON.stringify(event(1)), headers: { "X-Inbox-Signature": "v1=abc" } }, "malformed-header"],
  ])("401 on %s", async (_name, delivery, reason) => {
    const { port, events, rejected } = await start();
    const res = await send(port, delivery);
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({ ok: false, error: reason });
    expect(res.body).not.toContain(SECRET);
    await tick();
    expect(events).toEqual([]);
    expect(rejected).toEqual([reason]);
  });

  it("401 when one body byte was changed after signing", async () => {
    const { port } = await start();
    const delivery = signed(JSON.stringify(event(1)));
    const res = await send(port, { ...delivery, body: delivery.body.replace('"seq":1', '"seq":2') });
    expect(res.status).toBe(401);
  });

  it("413 on a body over the cap, declared or streamed, without dispatching", async () => {
    const { port, events, rejected } = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ ...event(1), data: "x".repeat(4096) });
    expect((await send(port, signed(big))).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method: "POST", path: PATH, headers: { "Transfer-Encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write("x".repeat(800));
      req.write("x".repeat(800));
    });
    expect(chunked).toBe(413);
    await tick();
    expect(events).toEqual([]);
    expect(rejected).toEqual(["body-too-large", "body-too-large"]);
  });

  it.each([
    ["non-JSON", "not json", "bad-json"],
    ["JSON that is not an envelope", '{"hello":"world"}', "not-an-event"],
    ["an envelope without seq", JSON.stringify({ ...event(1), seq: "1" }), "not-an-event"],
  ])("400 on %s", async (_name, body, reason) => {
    const { port, rejected } = await start();
    const res = await send(port, signed(body));
    expect(res.status).toBe(400);
    expect(rejected).toEqual([reason]);
  });

  it("404 on another path and 405 on another method", async () => {
    const { port } = await start();
    expect((await send(port, { ...signed(JSON.stringify(event(1))), path: "/other" })).status).toBe(404);
    expect((await send(port, { method: "GET" })).status).toBe(405);
    expect((await send(port, { method: "GET", path: `${PATH}?x=1` })).status).toBe(405);
  });

  it("reports seq gaps, including one before the first delivery", async () => {
    const { port, gaps } = await start({ afterSeq: 10 });
    for (const seq of [11, 14, 12, 15]) await send(port, signed(JSON.stringify(event(seq))));
    await tick();
    expect(gaps).toEqual([[12, 13]]);
    expect(listener?.highestSeq).toBe(15);
    await send(port, signed(JSON.stringify(event(20))));
    await tick();
    expect(gaps).toEqual([[12, 13], [16, 19]]);
  });

  it("answers 200 even when onEvent throws, and routes the error to onError", async () => {
    const errors: unknown[] = [];
    const { port } = await start({ onEvent: () => { throw new Error("handler bug"); }, onError: (e) => errors.push(e) });
    expect((await send(port, signed(JSON.stringify(event(1))))).status).toBe(200);
    await tick();
    expect(errors).toHaveLength(1);
  });

  it("rejects with a UserError when the port is in use", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const attempt = start({ port });
      await expect(attempt).rejects.toBeInstanceOf(UserError);
      await expect(attempt).rejects.toThrow(`webhook port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it("rejects an empty secret with a UserError naming INBOX_WEBHOOK_SECRET", async () => {
    await expect(start({ secret: "" })).rejects.toThrow(/INBOX_WEBHOOK_SECRET/);
  });
});
