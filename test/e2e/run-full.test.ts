/**
 * `outreach run` end to end: the built CLI against a sandbox on loopback, judged by the sandbox's own
 * record of what was sent. A full two-step run, then `status`, `--once`, `--limit` and a 4xx lead.
 */
import { describe, expect, it } from "vitest";
import { tallySends } from "../support/campaign-fixture.js";
import type { StatusReport } from "../../src/cli/commands/status.js";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1e2e", "acct2e2e"];

const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach run: a full campaign", () => {
  it("sends every lead each step exactly once, balanced over the accounts, follow-ups in the same thread", async () => {
    const { sandbox, fixture, env } = await setUp(30);
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 40_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(fixture.leadIds, fixture.sequenceSteps)).toEqual([]);
    expect(tally.total).toBe(60);
    expect(tally.splitThreads).toEqual([]);
    // New leads go to the least-loaded account among those free at that instant (README: Pacing): on a
    // loaded machine a send can still be in flight on one, so the split is even give or take a lead or two.
    const perAccount = [...tally.perAccount.values()];
    expect(perAccount).toHaveLength(2);
    for (const n of perAccount) expect(Math.abs(n - 30)).toBeLessThanOrEqual(4);

    const sent = r.events.filter((e) => e.type === "lead.sent");
    expect(sent).toHaveLength(60);
    const finished = r.events.find((e) => e.type === "run.finished");
    expect(finished).toMatchObject({ outcome: "completed", summary: { sentThisRun: 60, leads: 30 } });

    // `status` reads the state file alone and agrees with the sandbox's record.
    const status = await runCli(["status", fixture.yamlPath, "--json"], { env: {} });
    expect(status.code).toBe(0);
    const report = JSON.parse(status.stdout) as StatusReport;
    const stepSent = Object.fromEntries(report.steps.map((st) => [st.stepId, st.sent]));
    expect(stepSent).toEqual({ intro: 30, "follow-up-1": 30 });
    expect(report.steps.every((st) => st.failed === 0 && st.pending === 0)).toBe(true);
    expect(report).toMatchObject({ leadsInState: 30, contacted: 30, finished: 30, failures: [] });
  });
});

describe("outreach run: --once and --limit", () => {
  it("--once sends what is due now and exits 0, leaving follow-ups that are not due yet", async () => {
    const { sandbox, fixture, env } = await setUp(12, {}, { followUpAfter: "1h" });
    const r = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(fixture.leadIds, ["intro"])).toEqual([]);
    expect(tally.total).toBe(12);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "once-done", summary: { sentThisRun: 12 } });

    // A second --once an instant later has nothing due: it sends nothing and still exits 0.
    const again = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(again.code).toBe(0);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(12);

    const status = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"])).stdout) as StatusReport;
    expect(status.steps.find((st) => st.stepId === "follow-up-1")).toMatchObject({ sent: 0, pending: 12 });
    expect(status.nextDueAt).toEqual(expect.any(Number));
  });

  it("--limit N sends exactly N messages, and the next run goes on from there", async () => {
    const { sandbox, fixture, env } = await setUp(10);
    const r = await runCli(["run", fixture.yamlPath, "--limit", "7", "--json"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(7);
    expect(r.events.filter((e) => e.type === "lead.sent")).toHaveLength(7);
    expect(r.events.find((e) => e.type === "run.finished")).toMatchObject({ outcome: "limit-reached", summary: { sentThisRun: 7 } });

    const rest = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(rest.code).toBe(0);
    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(fixture.leadIds, fixture.sequenceSteps)).toEqual([]);
    expect(tally.total).toBe(20);
  });
});

describe("outreach run: a lead the API refuses (4xx)", () => {
  it("marks that lead failed with the API's reason, sends everyone else, exits 0", async () => {
    const { sandbox, fixture, env } = await setUp(8);
    const [bad] = fixture.leadIds.slice(3, 4);
    if (!bad) throw new Error("fixture has too few leads");
    sandbox.configure({ unreachableIds: [bad] });
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const tally = tallySends(sandbox.messages());
    const others = fixture.leadIds.filter((id) => id !== bad);
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(others, fixture.sequenceSteps)).toEqual([]);
    expect(sandbox.messages({ externalPlatformId: bad })).toEqual([]);
    expect(tally.total).toBe(others.length * 2);
    const failed = r.events.filter((e) => e.type === "lead.failed");
    expect(failed).toEqual([expect.objectContaining({ leadId: bad, stepId: "intro", code: "RECIPIENT_UNAVAILABLE" })]);

    const status = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"])).stdout) as StatusReport;
    expect(status.failures).toEqual([
      expect.objectContaining({ count: 1, leads: [bad], reason: expect.stringMatching(/^intro: 422 RECIPIENT_UNAVAILABLE/) }),
    ]);
    const text = await runCli(["status", fixture.yamlPath]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("RECIPIENT_UNAVAILABLE");
  });
});
