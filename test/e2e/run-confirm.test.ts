/**
 * No accidental live send, end to end: sandbox-only flags without --sandbox, a first live start with
 * no terminal to confirm on, --yes, a resume (which never asks), and --once for cron. Judged by the
 * sandbox's own record of what was sent and how many requests it saw.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1confirm", "acct2confirm"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach run: no accidental live send", () => {
  it("sandbox-only flags without --sandbox are a usage error: exit 1, no request, nothing sent", async () => {
    const { sandbox, fixture, env } = await setUp(5);
    const r = await runCli(["run", fixture.yamlPath, "--realtime", "--reply-rate", "0.5", "--seed", "x", "--limit", "2"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--realtime, --reply-rate, --seed only apply to a --sandbox rehearsal");
    expect(r.stderr).toContain("add --sandbox to rehearse");
    expect(sandbox.messages()).toHaveLength(0);
    expect(sandbox.stats().requests).toBe(0);
  });

  it("preview-only flags without --dry-run are a usage error too", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    const r = await runCli(["run", fixture.yamlPath, "--out", join(fixture.dir, "p.txt")], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--out only applies to a preview");
    expect(sandbox.stats().requests).toBe(0);
  });

  it("a first live start without a terminal and without --yes shows the summary, exits 1 and sends nothing", async () => {
    const { sandbox, fixture, env } = await setUp(4);
    const r = await runCli(["run", fixture.yamlPath, "--limit", "2"], { env, yes: false });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`About to start "E2E campaign" — live: real DMs will be sent`);
    expect(r.stdout).toMatch(/leads +4 leads to contact \(of 4 rows in the CSV\)/);
    expect(r.stdout).toContain("accounts   ");
    expect(r.stdout).toMatch(/first send now/);
    expect(r.stdout).toMatch(/pace +up to \d+ messages a day/);
    expect(r.stderr).toContain("there is no terminal to confirm it on; nothing was sent");
    expect(r.stderr).toContain("--limit 2 --yes");
    expect(sandbox.messages()).toHaveLength(0);
    expect(existsSync(fixture.stateFile)).toBe(false);
  });

  it("--yes sends; the resume that follows shows the summary and does not ask", async () => {
    const { sandbox, fixture, env } = await setUp(4, {}, { followUps: 0 });
    const first = await runCli(["run", fixture.yamlPath, "--limit", "2", "--yes"], { env, yes: false });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(2);
    expect(first.stdout).toContain("Run stopped after --limit 2: 2 messages sent");
    expect(first.stdout).not.toMatch(/limit-reached|once-done/);

    const resume = await runCli(["run", fixture.yamlPath], { env, yes: false });
    expect(resume.stderr).toBe("");
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain(`Resuming "E2E campaign"`);
    expect(resume.stdout).toMatch(/2 leads to contact · 0 waiting for a follow-up · \d+ open for replies · \d+ finished/);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(4);
  }, 60_000);

  it("--once works with --yes (cron): sends what is due and exits 0", async () => {
    const { sandbox, fixture, env } = await setUp(3, {}, { followUpAfter: "1h" });
    const r = await runCli(["run", fixture.yamlPath, "--once", "--yes"], { env, yes: false });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Run stopped (--once): nothing more is due now");
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(3);
  });

  it("--json prints the summary as one `preflight` object and needs --yes on a first start", async () => {
    const { sandbox, fixture, env } = await setUp(2);
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env, yes: false });
    expect(r.code).toBe(1);
    const pre = r.events.find((e) => (e.type as string) === "preflight") as unknown as { firstStart: boolean; leads: { toStart: number } };
    expect(pre).toMatchObject({ firstStart: true, leads: { toStart: 2 } });
    expect(sandbox.messages()).toHaveLength(0);
  });
});
