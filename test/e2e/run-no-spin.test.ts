/**
 * The run loop under the pacing that once made it spin (issue 8: a core burnt, Ctrl-C ignored), and
 * Ctrl-C while the run waits a long time — on an account's hourly cap, or behind the team quota after
 * the API answered 429. Judged by exit codes, the state and the sandbox's record, never by a timer.
 */
import { describe, expect, it } from "vitest";
import { readStateSnapshot } from "../../src/state/load.js";
import { runCli, spawnCli } from "../support/cli.js";
import { expectExactlyOnce, useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acctspinaaaaaaaaaaaaaaa1", "acctspinbbbbbbbbbbbbbbb2"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

/** Team quota far above what the run reaches, so only the per-account pacing binds. */
const OPEN_API = { perMinute: 100_000, perHour: 1_000_000, perDay: 10_000_000 };

/** Each lead's intro status in the saved state (snapshot + journal), counted. */
async function introStatuses(stateFile: string): Promise<Record<string, number>> {
  const state = await readStateSnapshot(stateFile);
  const counts: Record<string, number> = {};
  for (const lead of Object.values(state?.leads ?? {})) {
    const status = lead.steps["intro"]?.status ?? "pending";
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

/** The two pacings that used to spin; each lead gets both steps (intro + a follow-up 1 s later). */
const SPIN_PACINGS = [
  { name: "one account, 5–15 ms gaps", leads: 40, accounts: ACCOUNTS.slice(0, 1), gap: "5ms-15ms" },
  // Whole-second gaps: a timer that fires a millisecond early used to find the send due "now + 1" and
  // loop on it. 8 leads × 2 steps over 2 accounts is about 8 s of gaps.
  { name: "two accounts, 1 s gaps", leads: 8, accounts: ACCOUNTS, gap: "1s" },
];

describe("outreach run: pacing that used to spin the loop", () => {
  it.each(SPIN_PACINGS)("$name, a follow-up 1 s later: every lead gets both steps exactly once", async ({ leads, accounts, gap }) => {
    const { sandbox, fixture, env } = await setUp(leads, {}, {
      accounts,
      perAccount: { perHour: 100_000, perDay: 100_000, gap },
      api: OPEN_API,
      followUpAfter: "1s",
      keepOpenFor: "0s",
      pollEvery: "1s",
    });
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 60_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "completed" });
    expectExactlyOnce(sandbox, fixture);
  });
});

describe("outreach run: Ctrl-C during a long wait", () => {
  it("SIGINT while waiting an hour for the account's hourly cap: exits 130, the rest still pending", async () => {
    const { sandbox, fixture, env } = await setUp(4, {}, {
      accounts: ACCOUNTS.slice(0, 1),
      followUps: 0,
      perAccount: { perHour: 2, perDay: 100, gap: "0s" },
      api: OPEN_API,
    });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 60_000 });
    await cli.waitForEvent("waiting", (e) => e.until - e.at > 30 * 60_000);
    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "interrupted" });
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(2);
    // Leads never contacted have no record yet: the next run plans them from the CSV.
    expect(await introStatuses(fixture.stateFile)).toEqual({ sent: 2 });
  });

  it("SIGINT while every request is held after a 429 with a one-hour Retry-After: exits 130, nothing left sending", async () => {
    // The sandbox allows 4 requests an hour (the campaign believes in far more): start-up checks and
    // the first sends use them, the next request gets 429 and the run holds all work for the hour.
    const { sandbox, fixture, env } = await setUp(6, { rateLimit: [{ limit: 4, windowMs: 3_600_000 }] }, {
      followUps: 0,
      api: OPEN_API,
    });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 60_000 });
    await cli.waitForEvent("rate.held", (e) => e.until - e.at > 30 * 60_000);
    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "interrupted" });
    const sent = r.events.filter((e) => e.type === "lead.sent").length;
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(sent);
    // The sends that waited behind the hold went back to pending: none is left `sending`.
    const statuses = await introStatuses(fixture.stateFile);
    expect(statuses["sending"]).toBeUndefined();
    expect(statuses["sent"] ?? 0).toBe(sent);
  });
  it("SIGTERM while the campaign's own team quota holds every request for most of an hour: exits 130 and the process is gone", async () => {
    // 6 requests an hour (the campaign's, not a 429): the start-up checks and the first send spend
    // them; the gate then holds the rest for the hour. Issue 11 measured 44 s for SIGTERM here once.
    const { sandbox, fixture, env } = await setUp(6, {}, { followUps: 0, api: { perMinute: 100, perHour: 6, perDay: 100 } });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 60_000 });
    await cli.waitForEvent("rate.held", (e) => e.until - e.at > 30 * 60_000);
    cli.kill("SIGTERM");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "interrupted" });
    expect(() => process.kill(cli.pid, 0)).toThrow(/ESRCH/);
    const sent = r.events.filter((e) => e.type === "lead.sent").length;
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(sent);
    expect((await introStatuses(fixture.stateFile))["sending"]).toBeUndefined();
  });
});
