/**
 * The state files under real faults, judged by exit code, message, the files left behind and the
 * sandbox's record: a journal deleted after a crash or replaced by a symlink is refused; a directory
 * at the state path, a read-only folder, a folder the user cannot write and a full disk (at start and
 * mid-run) are plain messages — exit 1 before any send, exit 2 after — with no stray lock or temp
 * file, and nothing is sent twice once the fault is fixed.
 */
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli, type CliResult } from "../support/cli.js";
import { NOBODY, canMount, canSwitchUser, fillDisk, mountTmpfs, useTmpfsMounts } from "../support/fs-faults.js";
import { expectExactlyOnce, useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1e2e", "acct2e2e"];
const { setUp } = useSandboxCampaign(ACCOUNTS);
useTmpfsMounts();

/** A user's error, not a bug: no stack trace, no "this is a bug". */
function expectPlainError(r: CliResult, code: number, ...phrases: (string | RegExp)[]): void {
  expect(r.stderr).not.toMatch(/this is a bug|\n\s+at .+:\d+:\d+/);
  for (const p of phrases) expect(r.stderr).toMatch(p);
  expect(r.code).toBe(code);
}

/** Files beside the state file other than the state, its journal and its backup (locks, temp files). */
function strays(stateFile: string): string[] {
  const keep = new Set(["campaign.json", "campaign.json.journal", "campaign.json.bak", "filler"]);
  return readdirSync(dirname(stateFile)).filter((f) => !keep.has(f));
}

describe("state files that do not belong together are refused", () => {
  it("a journal deleted after a crash: exit 1 naming it, nothing sent again (today: 51 duplicates)", async () => {
    const { sandbox, fixture, env } = await setUp(8, { latencyMs: 30 });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(3);
    cli.kill("SIGKILL");
    await cli.done;
    const sent = sandbox.stats().sends;
    // Owner-only, whatever the umask.
    expect(statSync(dirname(fixture.stateFile)).mode & 0o777).toBe(0o700);
    for (const f of [fixture.stateFile, `${fixture.stateFile}.journal`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    unlinkSync(`${fixture.stateFile}.journal`);
    const r = await runCli(["run", fixture.yamlPath], { env });
    expectPlainError(r, 1, `${fixture.stateFile}.journal is missing`, /--repair-state/);
    expect(sandbox.stats().sends).toBe(sent);
    // The way out it names works (a tester found the pre-flight refused it too): the run continues from
    // the state file alone, as the warning says.
    const repaired = await runCli(["run", fixture.yamlPath, "--repair-state", "--yes", "--json"], { env });
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.events.some((e) => e.type === "note" && /--repair-state: .*continued from/.test(e.message))).toBe(true);
  });

  it("a journal that is a symlink: exit 1, its target untouched", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    expect((await runCli(["run", fixture.yamlPath, "--limit", "1"], { env })).code).toBe(0);
    const victim = join(fixture.dir, "victim.txt");
    writeFileSync(victim, "not a journal");
    rmSync(`${fixture.stateFile}.journal`);
    symlinkSync(victim, `${fixture.stateFile}.journal`);
    const r = await runCli(["run", fixture.yamlPath], { env });
    expectPlainError(r, 1, /is a symbolic link/, /replace the link/);
    expect(readFileSync(victim, "utf8")).toBe("not a journal");
    expect(sandbox.stats().sends).toBe(1);
    expect(strays(fixture.stateFile)).toEqual([]);
  });
});

describe("filesystem faults are the user's to fix, not bugs", () => {
  it("the state path is a directory: exit 1 naming it, nothing sent, no stray lock", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    mkdirSync(fixture.stateFile, { recursive: true });
    const r = await runCli(["run", fixture.yamlPath], { env });
    expectPlainError(r, 1, /campaign\.json is a directory, not a file/, /nothing was sent/);
    expect(sandbox.stats().sends).toBe(0);
    expect(strays(fixture.stateFile)).toEqual([]);
  });

  it.skipIf(!canSwitchUser)("a state folder the user may not write (run as nobody): exit 1, permission denied, nothing sent", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    chmodSync(fixture.dir, 0o755);
    chownSync(fixture.dir, NOBODY, NOBODY);
    mkdirSync(dirname(fixture.stateFile), { mode: 0o555 }); // root's, read-only to nobody
    chmodSync(dirname(fixture.stateFile), 0o555);
    const r = await runCli(["run", fixture.yamlPath], { env, asUser: NOBODY });
    expectPlainError(r, 1, /permission denied on .*state/, /chmod u\+rwX/);
    expect(sandbox.stats().sends).toBe(0);
    expect(strays(fixture.stateFile)).toEqual([]);
  });

  it.skipIf(!canMount)("a read-only state folder: exit 1 naming it, nothing sent", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    mountTmpfs(dirname(fixture.stateFile), { sizeKb: 256, readOnly: true });
    const r = await runCli(["run", fixture.yamlPath], { env });
    expectPlainError(r, 1, /is read-only/, /nothing was sent/);
    expect(sandbox.stats().sends).toBe(0);
  });

  it.skipIf(!canMount)("a full disk at start: exit 1, nothing sent, no stray lock or temp file", async () => {
    const { sandbox, fixture, env } = await setUp(3);
    const folder = dirname(fixture.stateFile);
    mountTmpfs(folder, { sizeKb: 64 });
    fillDisk(join(folder, "filler"));
    const r = await runCli(["run", fixture.yamlPath], { env });
    expectPlainError(r, 1, /no space left on the device/, /free some disk space/);
    expect(sandbox.stats().sends).toBe(0);
    expect(strays(fixture.stateFile)).toEqual([]);
  });

  it.skipIf(!canMount)("the disk fills mid-run: exit 2 (paused) naming the journal; once space is freed, the run resumes and sends nothing twice", async () => {
    const { sandbox, fixture, env } = await setUp(12, { latencyMs: 40 });
    const folder = dirname(fixture.stateFile);
    mountTmpfs(folder, { sizeKb: 256 });
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(3);
    fillDisk(join(folder, "filler"));
    const r = await cli.done;
    expectPlainError(r, 2, /paused/, /no space left on the device/, /free some disk space/, /run the same command again/);
    expect(sandbox.stats().sends).toBeLessThan(24);
    expect(strays(fixture.stateFile)).toEqual([]);

    rmSync(join(folder, "filler"));
    const again = await runCli(["run", fixture.yamlPath], { env });
    expect(again.stderr).not.toMatch(/this is a bug/);
    expect(again.code).toBe(0);
    expectExactlyOnce(sandbox, fixture);
    expect(strays(fixture.stateFile)).toEqual([]);
  });
});
