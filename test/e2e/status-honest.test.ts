/**
 * `outreach status` tells the whole truth: every CSV lead counted (those not contacted yet too), the
 * next send after the accounts' caps, each account against its caps — and a JSON object even before
 * the first run.
 */
import { describe, expect, it } from "vitest";
import type { StatusReport } from "../../src/cli/commands/status.js";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1status"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach status", () => {
  it("before the first run: a 'not started' object with --json, and words without; exit 0 both", async () => {
    const { fixture } = await setUp(6);
    const json = await runCli(["status", fixture.yamlPath, "--json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as StatusReport;
    expect(report).toMatchObject({ started: false, leads: { total: 6, notStarted: 6, finished: 0 }, leadsInState: 0, contacted: 0 });
    expect(report.nextDueAt).toEqual(expect.any(Number));

    const text = await runCli(["status", fixture.yamlPath]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("not started yet");
    expect(text.stdout).toContain("leads 6 in the CSV: not started 6");
    expect(text.stdout).toMatch(/start with a preview: node \S+bin\.js run \S+campaign\.yaml --dry-run/);
  });

  it("after a capped partial run: every CSV lead counted, next send after the hourly cap, the account against its caps", async () => {
    const { sandbox, fixture, env } = await setUp(10, {}, { perAccount: { perHour: 3 }, followUpAfter: "1h" });
    const run = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(run.code).toBe(0);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(3);
    const lastSend = Math.max(...run.events.filter((e) => e.type === "lead.sent").map((e) => e.at));
    const firstSend = Math.min(...run.events.filter((e) => e.type === "lead.sent").map((e) => e.at));

    const status = await runCli(["status", fixture.yamlPath, "--json"]);
    const report = JSON.parse(status.stdout) as StatusReport;
    expect(report.started).toBe(true);
    expect(report.leads).toMatchObject({ total: 10, notStarted: 7, waitingForFollowUp: 3, finished: 0 });
    expect(report.steps.find((s) => s.stepId === "intro")).toMatchObject({ sent: 3, pending: 7 });
    // Not "now", not the follow-ups' due time: the account may send again only an hour after its first send.
    expect(report.nextDueAt).toBeGreaterThanOrEqual(firstSend + 3_600_000);
    expect(report.nextDueAt).toBeLessThan(lastSend + 3_600_000 + 60_000);
    expect(report.accounts).toEqual([{ id: "acct1status", leads: 3, sentLastHour: 3, perHour: 3, sentLast24h: 3, perDay: expect.any(Number) }]);

    const text = await runCli(["status", fixture.yamlPath]);
    expect(text.stdout).toContain("leads 10 in the CSV: not started 7 · waiting for a follow-up 3");
    expect(text.stdout).toContain("last hour 3/3");
    expect(text.stdout).toMatch(/next send: .+ \(in (59m|1h)/);
  }, 60_000);
});
