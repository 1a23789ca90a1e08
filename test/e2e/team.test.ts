/**
 * Running as a team, end to end: built CLIs as child processes, one sandbox, one team token, and
 * Debian's redis-server on a free loopback port. The sandbox enforces the team quota scaled to seconds
 * (20 requests per 1 s sliding window), and each campaign's `pacing.api.windows` says the same.
 * Judged by the sandbox's own record: how many 429s it served, and who got which message.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { leadIdAt, makeCampaign, tallySends, type CampaignFixture } from "../support/campaign-fixture.js";
import { apiEnv, killAllChildren, runCli, spawnCli, type CliProcess } from "../support/cli.js";
import { hasRedisServer, NO_REDIS_MESSAGE, useRedisServer } from "../support/redis-server.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

if (!hasRedisServer) console.warn(NO_REDIS_MESSAGE);

const QUOTA = { limit: 20, windowMs: 1_000 };
const CAMPAIGN_QUOTA = { windows: [{ limit: QUOTA.limit, per: "1s" }] };
const ACCOUNTS = ["teamacct1", "teamacct2", "teamacct3", "teamacct4", "teamacct5", "teamacct6"];
const TEAMMATE = "teammateacct";

describe.skipIf(!hasRedisServer)("outreach run as a team (Redis)", () => {
  const redis = useRedisServer();
  let sandbox: Sandbox | undefined;
  const fixtures: CampaignFixture[] = [];

  afterEach(async () => {
    await killAllChildren();
    await sandbox?.close();
    sandbox = undefined;
    for (const f of fixtures.splice(0)) f.cleanup();
    // Lead claims outlive a run on purpose; the next test starts a new team history.
    redis().flush();
  });

  /** Three campaigns of `leads` leads each, distinct leads, two accounts each, the scaled quota. */
  async function threeCampaigns(leads: number, team: boolean): Promise<{ sb: Sandbox; runs: string[][]; env: Record<string, string> }> {
    sandbox = await startSandbox({ accountLinks: [...ACCOUNTS, TEAMMATE], replyRate: 0, rateLimit: [QUOTA] });
    const runs: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const fx = makeCampaign({
        name: `Team campaign ${i + 1}`,
        accounts: ACCOUNTS.slice(i * 2, i * 2 + 2),
        leads,
        firstLeadId: 4_200_000_000_000_000_001n + BigInt(i * 1000),
        followUps: 0,
        api: CAMPAIGN_QUOTA,
        pollEvery: "5s",
      });
      fixtures.push(fx);
      runs.push(["run", fx.yamlPath, "--json"]);
    }
    const env = { ...apiEnv(sandbox), ...(team ? { OUTREACH_REDIS_URL: redis().url } : {}) };
    return { sb: sandbox, runs, env };
  }

  function expectEveryLeadOnce(sb: Sandbox): void {
    const tally = tallySends(sb.messages());
    expect(tally.duplicates).toEqual([]);
    for (const fx of fixtures) expect(tally.missing(fx.leadIds, fx.sequenceSteps)).toEqual([]);
  }

  it("three runners on one team token share the quota through Redis: no 429, every lead once", async () => {
    const { sb, runs, env } = await threeCampaigns(20, true);
    const results = await Promise.all(runs.map((args) => runCli(args, { env, timeoutMs: 150_000 })));
    for (const r of results) {
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
    expect(sb.stats().rateLimited).toBe(0);
    expectEveryLeadOnce(sb);
  }, 180_000);

  it("Redis killed mid-run and restarted empty: the runners hold, then go on — no 429 storm, no duplicate, no lead lost", async () => {
    const { sb, runs, env } = await threeCampaigns(20, true);
    const children: CliProcess[] = runs.map((args) => spawnCli(args, { env, timeoutMs: 150_000 }));
    // Every runner past its start-up (a runner that finds Redis gone at start refuses to start, by design).
    await Promise.all(children.map((c) => c.waitForEvent("run.started", () => true, 60_000)));
    await children[0]!.waitForSent(3, 60_000);
    await redis().kill();
    try {
      // Any runner still sending notices (on a loaded machine the first may have finished its leads by now).
      await Promise.any(children.map((c) => c.waitForEvent("note", (e) => e.type === "note" && /Redis .* is unreachable/.test(e.message), 30_000)));
      const sentWhileDown = sb.stats().sends;
      await new Promise((r) => setTimeout(r, 1_000));
      // Held: nothing new started while Redis was away (requests already in flight may land).
      expect(sb.stats().sends - sentWhileDown).toBeLessThanOrEqual(children.length * 8);
    } finally {
      await redis().start();
    }
    const results = await Promise.all(children.map((c) => c.done));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(results.some((r) => r.events.some((e) => e.type === "note" && /is back/.test(e.message)))).toBe(true);
    // Not one 429: Redis refuses a runner any start until it has put its own requests back, and the
    // first to find the data lost holds the team while the others do (quota-scripts.ts).
    expect(sb.stats().rateLimited).toBe(0);
    expectEveryLeadOnce(sb);
  }, 240_000);

  it("two campaigns started at once over overlapping CSVs contact each shared lead exactly once", async () => {
    sandbox = await startSandbox({ accountLinks: [...ACCOUNTS, TEAMMATE], replyRate: 0, rateLimit: "off" });
    const first = 4_300_000_000_000_000_001n;
    const a = makeCampaign({ name: "Overlap A", accounts: ACCOUNTS.slice(0, 2), leads: 30, firstLeadId: first, followUps: 0 });
    const b = makeCampaign({ name: "Overlap B", accounts: ACCOUNTS.slice(2, 4), leads: 30, firstLeadId: first + 15n, followUps: 0 });
    fixtures.push(a, b);
    const env = { ...apiEnv(sandbox), OUTREACH_REDIS_URL: redis().url };
    const [ra, rb] = await Promise.all([a, b].map((fx) => runCli(["run", fx.yamlPath, "--json"], { env, timeoutMs: 120_000 })));
    expect(ra!.code).toBe(0);
    expect(rb!.code).toBe(0);
    const tally = tallySends(sandbox.messages());
    const everyone = [...new Set([...a.leadIds, ...b.leadIds])];
    expect(everyone).toHaveLength(45);
    expect(everyone.filter((id) => tally.count(id, "intro") !== 1)).toEqual([]);
    // The shared leads each went to one campaign; the other says why it skipped them.
    const skipped = [...ra!.events, ...rb!.events].filter((e) => e.type === "lead.skipped");
    expect(skipped).toHaveLength(15);
    for (const e of skipped) expect(e.type === "lead.skipped" && e.reason).toMatch(/claimed by campaign "Overlap [AB]"|already in conversation/);
  }, 180_000);
});

describe("outreach run: no cold intro into an existing conversation", () => {
  const { setUp } = useSandboxCampaign([...ACCOUNTS, TEAMMATE]);

  it("skips a lead who already talks with another account of the team, naming the thread and account in the run, status and --dry-run --lookup", async () => {
    const { sandbox, fixture, env } = await setUp(6, {}, { accounts: ACCOUNTS.slice(0, 2), followUps: 1 });
    // A teammate wrote to lead 3 by hand from an account outside the campaign.
    const busy = leadIdAt(2);
    const res = await fetch(`${sandbox.url}/threads/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${sandbox.token}`, "content-type": "application/json" },
      body: JSON.stringify({ accountLinkId: TEAMMATE, externalPlatformId: busy, content: "Hey, good to see you at the meetup!" }),
    });
    const { thread } = (await res.json()) as { thread: { id: string } };

    const lookup = await runCli(["run", fixture.yamlPath, "--dry-run", "--lookup"], { env, timeoutMs: 60_000 });
    expect(lookup.code).toBe(0);
    expect(lookup.stdout).toContain(busy);
    expect(lookup.stdout).toContain(thread.id);
    expect(lookup.stdout).toContain(TEAMMATE);

    const r = await runCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const skipped = r.events.filter((e) => e.type === "lead.skipped");
    expect(skipped).toEqual([expect.objectContaining({ leadId: busy, stepId: "intro", reason: expect.stringContaining(`thread ${thread.id} with account link ${TEAMMATE}`) })]);
    const ours = sandbox.messages().filter((m) => m.direction === "outbound" && m.accountLinkId !== TEAMMATE);
    expect(ours.filter((m) => m.externalPlatformId === busy)).toEqual([]);
    const tally = tallySends(ours);
    expect(tally.missing(fixture.leadIds.filter((id) => id !== busy), fixture.sequenceSteps)).toEqual([]);
    expect(tally.duplicates).toEqual([]);

    const status = await runCli(["status", fixture.yamlPath], { timeoutMs: 60_000 });
    expect(status.stdout).toContain("already in conversation");
    expect(status.stdout).toContain(thread.id);
    expect(status.stdout).toContain(TEAMMATE);
  }, 180_000);
});
