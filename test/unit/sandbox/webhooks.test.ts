/** Webhook delivery: signed over the exact raw body, once, never retried; dropped ones stay in GET /events. */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { startSandbox, type Sandbox } from "../../../src/sandbox/index.js";

const SECRET = "ibt_wh_unit_test_secret";
const START = Date.UTC(2026, 1, 10, 9, 0, 0);

interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

let receiver: Server | undefined;
let sandbox: Sandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  receiver = undefined;
  sandbox = undefined;
});

async function startReceiver(status = 200): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/inbox`, received };
}

function verify(raw: Buffer, header: string): { t: number; ok: boolean } {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=") as [string, string]));
  const t = Number(parts["t"]);
  const want = Buffer.from(createHmac("sha256", SECRET).update(`${t}.`).update(raw).digest("hex"));
  const got = Buffer.from(parts["v1"] ?? "");
  return { t, ok: got.length === want.length && timingSafeEqual(got, want) };
}

async function quickSend(sb: Sandbox, to: string): Promise<void> {
  const res = await fetch(`${sb.url}/threads/messages`, {
    method: "POST",
    headers: { Authorization: `Bearer ${sb.token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ accountLinkId: sb.accountLinkIds[0], externalPlatformId: to, content: "hello" }),
  });
  expect(res.status).toBe(200);
}

describe("webhooks", () => {
  it("POSTs each event as JSON with a valid X-Inbox-Signature over the raw body", async () => {
    const { url, received } = await startReceiver();
    const clock = new SimulatedClock(START);
    sandbox = await startSandbox({ clock, webhook: { url, secret: SECRET }, replyRate: 1, replyDelayMs: [5_000, 5_000] });
    await quickSend(sandbox, "1001");
    clock.advance(5_000);
    expect(sandbox.tick()).toBe(1); // a SimulatedClock has no timers: the reply arrives on tick or request
    await sandbox.webhooksIdle();

    expect(received.map((r) => (JSON.parse(r.raw.toString()) as { type: string }).type)).toEqual([
      "thread.created",
      "message.created",
      "message.created",
    ]);
    for (const r of received) {
      expect(r.headers["content-type"]).toBe("application/json");
      const { t, ok } = verify(r.raw, String(r.headers["x-inbox-signature"]));
      expect(ok).toBe(true);
      expect(Math.abs(t - clock.now() / 1000)).toBeLessThanOrEqual(5);
    }
    const seqs = received.map((r) => (JSON.parse(r.raw.toString()) as { seq: number }).seq);
    expect(seqs).toEqual([1, 2, 3]);
    expect(sandbox.stats().webhooks).toEqual({ delivered: 3, failed: 0, dropped: 0 });
  });

  it("never retries a failed delivery", async () => {
    const { url, received } = await startReceiver(500);
    sandbox = await startSandbox({ clock: new SimulatedClock(START), webhook: { url, secret: SECRET }, replyRate: 0 });
    await quickSend(sandbox, "1002");
    await sandbox.webhooksIdle();
    expect(received).toHaveLength(2);
    expect(sandbox.stats().webhooks).toEqual({ delivered: 0, failed: 2, dropped: 0 });
  });

  it("dropWebhookRate leaves seq gaps that GET /events fills", async () => {
    const { url, received } = await startReceiver();
    sandbox = await startSandbox({ clock: new SimulatedClock(START), webhook: { url, secret: SECRET }, replyRate: 0, dropWebhookRate: 0.5, seed: "drops" });
    for (let i = 0; i < 10; i++) await quickSend(sandbox, String(3000 + i));
    await sandbox.webhooksIdle();
    const stats = sandbox.stats().webhooks;
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.delivered + stats.dropped).toBe(20);
    expect(received).toHaveLength(stats.delivered);
    const res = await fetch(`${sandbox.url}/events?limit=1000`, { headers: { Authorization: `Bearer ${sandbox.token}` } });
    expect(((await res.json()) as { events: unknown[] }).events).toHaveLength(20);
  });
});
