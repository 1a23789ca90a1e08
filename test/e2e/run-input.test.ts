/**
 * `outreach run` refusing bad input before anything is sent — an unknown account link, a rejected
 * token, a corrupted state file, another campaign's state — and the one-writer lock: a second run is
 * refused naming the first one's pid, and a dead run's lock is taken over with a message.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { tallySends } from "../support/campaign-fixture.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1e2e", "acct2e2e"];

const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach run: bad input, nothing sent", () => {
  it("an account link id the team does not have: exit 1 naming it and the team's links", async () => {
    const { sandbox, fixture, env } = await setUp(5, {}, { accounts: ["acct1e2e", "nosuchacct"] });
    const r = await runCli(["run", fixture.yamlPath], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown account link id "nosuchacct"');
    expect(r.stderr).toContain("nothing was sent");
    expect(r.stderr).toContain("acct2e2e");
    expect(sandbox.stats().sends).toBe(0);
    expect(existsSync(fixture.stateFile)).toBe(false);
  });

  it("a token the API rejects: exit 1 naming INBOX_API_TOKEN, never printing the token", async () => {
    const { sandbox, fixture } = await setUp(5);
    const token = "sandbox_not_the_right_token_5f3a9c";
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env: { INBOX_API_URL: sandbox.url, INBOX_API_TOKEN: token } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("INBOX_API_TOKEN");
    expect(r.stderr + r.stdout).not.toContain(token);
    expect(r.stderr).not.toContain("this is a bug");
    expect(sandbox.stats().sends).toBe(0);
    expect(existsSync(fixture.stateFile)).toBe(false);
  });

  it("a corrupted state file: exit 1 naming the file, nothing more sent", async () => {
    const { sandbox, fixture, env } = await setUp(6);
    expect((await runCli(["run", fixture.yamlPath, "--limit", "2"], { env })).code).toBe(0);
    writeFileSync(fixture.stateFile, '{"meta": {"version": 1, "campaign": "E2E camp');
    writeFileSync(`${fixture.stateFile}.journal`, "");
    const r = await runCli(["run", fixture.yamlPath], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(fixture.stateFile);
    expect(r.stderr).not.toContain("this is a bug");
    expect(sandbox.stats().sends).toBe(2);
  });

  it("a corrupted journal line in the middle: exit 1 naming the journal, nothing more sent", async () => {
    const { sandbox, fixture, env } = await setUp(6);
    // Killed mid-run, so the progress is in the journal (a clean exit compacts it into the snapshot).
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(3);
    cli.kill("SIGKILL");
    await cli.done;
    const sentBefore = sandbox.stats().sends;
    const journal = `${fixture.stateFile}.journal`;
    const lines = readFileSync(journal, "utf8").split("\n");
    expect(lines.length).toBeGreaterThan(3);
    lines[1] = "{garbage";
    writeFileSync(journal, lines.join("\n"));
    const r = await runCli(["run", fixture.yamlPath], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(journal);
    expect(r.stderr).not.toContain("this is a bug");
    expect(sandbox.stats().sends).toBe(sentBefore);
  });

  it("a state file of another campaign: exit 1 saying whose it is, nothing more sent", async () => {
    const { sandbox, fixture, env } = await setUp(4);
    expect((await runCli(["run", fixture.yamlPath, "--limit", "1"], { env })).code).toBe(0);
    fixture.rewrite({ name: "Someone else's campaign" });
    const r = await runCli(["run", fixture.yamlPath], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(fixture.stateFile);
    expect(r.stderr).toContain('"E2E campaign"');
    expect(sandbox.stats().sends).toBe(1);
  });
});

describe("outreach run: the lock", () => {
  it("a second run on the same state is refused naming the first run's pid; nothing is sent twice", async () => {
    const { sandbox, fixture, env } = await setUp(10, { latencyMs: 80 });
    const first = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await first.waitForSent(2);
    const second = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(second.events.filter((e) => e.type === "lead.sent")).toEqual([]);
    const r = await first.done;
    expect(r.code).toBe(0);
    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(fixture.leadIds, fixture.sequenceSteps)).toEqual([]);
    expect(tally.total).toBe(20);
  });

  it("the lock of a run that died is taken over, with a message naming its pid", async () => {
    const { sandbox, fixture, env } = await setUp(4);
    // A pid that certainly is not running: a child that has already exited.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    mkdirSync(dirname(fixture.stateFile), { recursive: true });
    writeFileSync(`${fixture.stateFile}.lock`, JSON.stringify({ pid: dead, hostname: hostname(), startedAt: Date.now() - 60_000 }));
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(r.code).toBe(0);
    const notes = r.events.filter((e) => e.type === "note");
    expect(notes).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining(`stale lock`) }));
    expect(notes.some((n) => n.type === "note" && n.message.includes(String(dead)))).toBe(true);
    expect(tallySends(sandbox.messages()).total).toBe(8);
    expect(existsSync(`${fixture.stateFile}.lock`)).toBe(false);
  });

  it("an unreadable lock file (a run killed while creating it) is replaced, with a warning", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    mkdirSync(dirname(fixture.stateFile), { recursive: true });
    writeFileSync(`${fixture.stateFile}.lock`, "{\"pid\": 12");
    const r = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(r.code).toBe(0);
    expect(r.events).toContainEqual(expect.objectContaining({ type: "note", level: "warn", message: expect.stringContaining("unreadable lock") }));
    expect(tallySends(sandbox.messages()).total).toBe(6);
  });
});
