/**
 * Replies through a signed webhook, end to end: the sandbox POSTs signed `message.created`
 * deliveries to the CLI's listener. A real delivery stops the follow-up at once; forged, stale and
 * replayed deliveries change nothing; a port already taken is a clear error.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { InboxEvent } from "../../src/inbox/types.js";
import { signPayload } from "../../src/replies/signature.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { makeCampaign, tallySends, type CampaignFixture } from "../support/campaign-fixture.js";
import { apiEnv, killAllChildren, runCli, spawnCli } from "../support/cli.js";

const ACCOUNTS = ["acct1hook", "acct2hook"];
const SECRET = "whsec_e2e_test_secret";
const PATH = "/inbox/webhook";

let sandbox: Sandbox | undefined;
let fixture: CampaignFixture | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await killAllChildren();
  await sandbox?.close();
  fixture?.cleanup();
  await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
  sandbox = undefined;
  fixture = undefined;
  blocker = undefined;
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The fixture campaign switched to webhook replies on `port`. */
function useWebhook(f: CampaignFixture, port: number): void {
  const yaml = readFileSync(f.yamlPath, "utf8").replace(
    /^replies:\n/m,
    `replies:\n  source: webhook\n  webhook: {host: 127.0.0.1, port: ${port}, path: ${PATH}}\n`,
  );
  writeFileSync(f.yamlPath, yaml);
}

async function post(port: number, body: string, signature?: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${PATH}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(signature ? { "X-Inbox-Signature": signature } : {}) },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

async function sandboxEvents(s: Sandbox): Promise<InboxEvent[]> {
  const res = await fetch(`${s.url}/events?limit=100`, { headers: { Authorization: `Bearer ${s.token}` } });
  return ((await res.json()) as { events: InboxEvent[] }).events;
}

describe("replies through a signed webhook", () => {
  it("a delivered reply stops the follow-up; forged, stale and replayed deliveries change nothing", async () => {
    const port = await freePort();
    sandbox = await startSandbox({ accountLinks: ACCOUNTS, replyRate: 0, rateLimit: "off", webhook: { url: `http://127.0.0.1:${port}${PATH}`, secret: SECRET } });
    // Events polled once an hour: only the webhook can deliver the reply before the follow-up.
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 4, followUpAfter: "4s", pollEvery: "1h", replyStep: { actions: { tags: ["replied"] } } });
    useWebhook(fixture, port);
    const [replier, target, ...others] = fixture.leadIds as [string, string, ...string[]];

    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env: { ...apiEnv(sandbox), INBOX_WEBHOOK_SECRET: SECRET }, timeoutMs: 30_000 });
    await cli.waitForEvent("note", (n) => n.message.includes(`listening for webhooks on`));
    await cli.waitForSent(4);

    sandbox.reply({ externalPlatformId: replier, text: "Sounds good, send details" });
    const replied = await cli.waitForEvent("lead.replied", () => true, 3_000);
    expect(replied).toMatchObject({ leadId: replier, via: "webhook" });

    // A copy of that delivery made to look like `target` replied, with a new event id and seq.
    const real = (await sandboxEvents(sandbox)).find((e) => e.type === "message.created" && (e.data as { message: { content: string } }).message.content.startsWith("Sounds good"));
    expect(real).toBeDefined();
    const targetIntro = sandbox.messages({ externalPlatformId: target })[0]!;
    const targetThread = targetIntro.threadId;
    const forged = structuredClone(real!) as InboxEvent & { data: { message: Record<string, unknown>; thread: Record<string, unknown> & { prospect: Record<string, unknown> } } };
    forged.id = `${real!.id}x`;
    forged.seq = real!.seq + 1000;
    forged.data.message.threadId = targetThread;
    forged.data.message.authorId = target;
    forged.data.message.id = "msg_forged";
    forged.data.thread.id = targetThread;
    forged.data.thread.accountLinkId = targetIntro.accountLinkId;
    forged.data.thread.prospect.platformId = target;
    const body = JSON.stringify(forged);
    const nowSec = Math.floor(Date.now() / 1000);

    expect(await post(port, body)).toBe(401); // unsigned
    expect(await post(port, body, signPayload(body, "not-the-secret", nowSec))).toBe(401); // forged
    expect(await post(port, body, signPayload(body, SECRET, nowSec - 3600))).toBe(401); // a captured one, replayed later
    // The real delivery replayed with a fresh signature: accepted, and deduplicated by its id.
    const realBody = JSON.stringify(real);
    expect(await post(port, realBody, signPayload(realBody, SECRET, nowSec))).toBe(200);

    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");

    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect([tally.count(replier, "follow-up-1"), tally.count(replier, "thank-you")]).toEqual([0, 1]);
    for (const id of [target, ...others]) expect([id, tally.count(id, "follow-up-1"), tally.count(id, "thank-you")]).toEqual([id, 1, 0]);
    expect(cli.eventsOf("lead.replied")).toHaveLength(1);
    expect(cli.eventsOf("lead.actions")).toHaveLength(1);
    expect(cli.eventsOf("note").filter((n) => n.level === "warn" && /webhook delivery rejected/.test(n.message))).toHaveLength(3);

    // The state file agrees: only the real replier has a reply on record.
    const status = await runCli(["status", fixture.yamlPath, "--json"], { env: {} });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ replied: 1 });
    expect(status.stdout).not.toContain(`msg_forged`);
  });

  it("a webhook port already in use is a clear error and nothing is sent", async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(port, "127.0.0.1", () => r()));
    sandbox = await startSandbox({ accountLinks: ACCOUNTS, replyRate: 0 });
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 2 });
    useWebhook(fixture, port);
    const r = await runCli(["run", fixture.yamlPath], { env: { ...apiEnv(sandbox), INBOX_WEBHOOK_SECRET: SECRET } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`webhook port ${port} on 127\\.0\\.0\\.1 is already in use`));
    expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
    expect(sandbox.messages()).toEqual([]);
  });
});
