/**
 * Interrupted runs and resume, judged by the sandbox's record: every lead gets each step exactly once
 * however the run is stopped — Ctrl-C, a second Ctrl-C, or kill -9 at several points, including while
 * a send is in flight (stored by the API, not yet recorded as sent) and with responses lost on the wire.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type Sandbox } from "../../src/sandbox/index.js";
import type { CampaignFixture } from "../support/campaign-fixture.js";
import { runCli, spawnCli, type CliEvent } from "../support/cli.js";
import { expectExactlyOnce, useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1e2e", "acct2e2e"];

const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach run: Ctrl-C and resume", () => {
  it("SIGINT stops after the sends in flight, exits 130 saying how to resume; the rerun finishes exactly once", async () => {
    // 40 ms per response keeps the run busy long enough to be interrupted mid-way.
    const { sandbox, fixture, env } = await setUp(30, { latencyMs: 40 });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(10);
    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("Progress is saved in");
    // The command as this run was started (node + the built bin, from the repo root), so a paste works.
    expect(r.stderr).toContain(`run the same command again to resume: node dist/src/cli/bin.js run ${fixture.yamlPath}`);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "interrupted" });
    // Whatever was in flight finished and was recorded: the sandbox holds exactly what was reported sent.
    const sentBefore = r.events.filter((e) => e.type === "lead.sent").length;
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(sentBefore);
    expect(sentBefore).toBeLessThan(60);
    // A stop ends at once: no final compaction (at 1,000,000 leads it is ~9 s). The sends are in the
    // journal, which the rerun replays: one "sent" step record per reported send.
    const journal = readFileSync(`${fixture.stateFile}.journal`, "utf8");
    expect(journal.split("\n").filter((l) => l.includes('"status":"sent"'))).toHaveLength(sentBefore);

    const again = await runCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 40_000 });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.events.find((e) => e.type === "run.started")).toMatchObject({ resumed: true });
    expectExactlyOnce(sandbox, fixture);
  });

  it("a second run of the campaign while one runs is refused with its pid, before a single request to the API", async () => {
    const { sandbox, fixture, env } = await setUp(30, { latencyMs: 40 });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(3);
    cli.kill("SIGSTOP"); // holds the lock and makes no request while the second one tries
    try {
      await new Promise((r) => setTimeout(r, 300)); // a request it sent just before has arrived
      const before = sandbox.stats().requests;
      const second = await runCli(["run", fixture.yamlPath, "--json"], { env });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/another outreach run \(pid \d+/);
      expect(sandbox.stats().requests).toBe(before);
      // status says a run is going, and which.
      const json = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"], { env })).stdout) as { running: { pid: number } | null };
      expect(json.running?.pid).toBe(cli.pid);
      expect((await runCli(["status", fixture.yamlPath], { env })).stdout).toContain(`the run in progress (pid ${cli.pid}`);
    } finally {
      cli.kill("SIGCONT");
    }
    cli.kill("SIGINT");
    expect((await cli.done).code).toBe(130);
  });

  it("a second SIGINT exits at once with 130; the send it cut off is found in the thread by the rerun", async () => {
    const { sandbox, fixture, env } = await setUp(8);
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForEvent("run.started");
    // From now on responses take 1 s after the message is stored: both Ctrl-Cs land mid-request.
    sandbox.configure({ latencyMs: 1_000 });
    const reported = (): number => cli.eventsOf("lead.sent").length;
    await cli.waitUntil(() => (sandbox.messages({ direction: "outbound" }).length > reported() ? true : undefined), "a stored, unreported send");
    cli.kill("SIGINT");
    await cli.waitForEvent("note", (n) => n.message.includes("SIGINT"));
    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("second interrupt");
    expect(sandbox.messages({ direction: "outbound" }).length).toBeGreaterThan(reported());

    sandbox.configure({ latencyMs: 0 });
    const again = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(again.code).toBe(0);
    expect(again.events.filter((e) => e.type === "reconcile.resolved" && e.outcome === "delivered").length).toBeGreaterThan(0);
    expectExactlyOnce(sandbox, fixture);
  });
});

describe("outreach run: kill -9 and resume", () => {
  /**
   * Kills the run (SIGKILL) after each count of sends in `killAfter` (counted over the whole
   * campaign), resuming each time, then lets the last run finish. With `midRequest`, each kill waits
   * until the sandbox holds a send the run has not reported yet. Returns every run's events.
   */
  async function killAndResume(
    sb: Sandbox,
    fx: CampaignFixture,
    env: Record<string, string>,
    killAfter: number[],
    midRequest: boolean,
  ): Promise<CliEvent[][]> {
    const runs: CliEvent[][] = [];
    let sentSoFar = 0;
    for (const target of killAfter) {
      const cli = spawnCli(["run", fx.yamlPath, "--json"], { env });
      await cli.waitForSent(target - sentSoFar);
      if (midRequest) {
        // Kill between the API storing a send and the run recording it as sent.
        const stored = (): number => sb.messages({ direction: "outbound" }).length;
        await cli.waitUntil(() => (stored() > sentSoFar + cli.eventsOf("lead.sent").length ? true : undefined), "a send in flight");
      }
      cli.kill("SIGKILL");
      const r = await cli.done;
      expect(r.signal).toBe("SIGKILL");
      runs.push(r.events);
      sentSoFar += r.events.filter((e) => e.type === "lead.sent").length;
      // The lock of a killed run stays behind; the next run must take it over, not refuse.
    }
    const last = await runCli(["run", fx.yamlPath, "--json"], { env, timeoutMs: 40_000 });
    expect(last.stderr).toBe("");
    expect(last.code).toBe(0);
    runs.push(last.events);
    return runs;
  }

  it("kill -9 at several points, each between the API storing a send and the run recording it: every lead gets each step exactly once", async () => {
    // Responses are delayed 120 ms AFTER the message is stored, and each kill waits for a send in
    // that window: the next run must find it in the thread, not send it again.
    const { sandbox, fixture, env } = await setUp(20, { latencyMs: 120 });
    const runs = await killAndResume(sandbox, fixture, env, [1, 6, 15, 24, 33], true);
    expectExactlyOnce(sandbox, fixture);
    const resolved = runs.flat().filter((e) => e.type === "reconcile.resolved");
    // The scenario this test exists for did happen: sends stored but unrecorded, found on resume.
    expect(resolved.filter((e) => e.outcome === "delivered").length).toBeGreaterThan(0);
    expect(resolved.filter((e) => e.outcome === "unknown")).toEqual([]);
    const lateTakeover = runs.slice(1).every((events) => events.some((e) => e.type === "note" && /stale lock/.test(e.message)));
    expect(lateTakeover).toBe(true);
  });

  it("with 30% of responses lost on the wire and kill -9 mid-run: still exactly once", async () => {
    const { sandbox, fixture, env } = await setUp(20, { latencyMs: 60, lostResponseRate: 0.3 });
    const runs = await killAndResume(sandbox, fixture, env, [5, 17, 29], false);
    expectExactlyOnce(sandbox, fixture);
    const lost = sandbox.messages({ direction: "outbound" }).filter((m) => m.responseLost);
    expect(lost.length).toBeGreaterThan(3);
    const delivered = runs.flat().filter((e) => e.type === "reconcile.resolved" && e.outcome === "delivered");
    expect(delivered.length).toBeGreaterThanOrEqual(lost.length);
  });
});
