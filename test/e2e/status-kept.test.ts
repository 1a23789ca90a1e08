/**
 * `outreach status` keeps its last summary (platform/status-cache.ts) — and is never stale for it.
 * After every change a user or a run can make — more sends, a `kill -9` mid-run, the CSV edited with
 * its size and mtime kept, the campaign's caps changed (also with the campaign file's size and mtime
 * put back), a template deleted, the kept entry edited by hand — the report from the kept summary is
 * the report of a status that never kept anything (an empty cache folder). And the entry never holds
 * the campaign file's text, where a team's Redis password may be.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { StatusReport } from "../../src/cli/commands/status.js";
import { RACY_MS } from "../../src/platform/status-cache.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1kept", "acct2kept"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function cacheHome(): string {
  const d = mkdtempSync(join(tmpdir(), "outreach-kept-"));
  dirs.push(d);
  return d;
}

async function status(yamlPath: string, home: string): Promise<{ report: StatusReport; at: number; end: number }> {
  const at = Date.now();
  const r = await runCli(["status", yamlPath, "--json"], { env: { XDG_CACHE_HOME: home } });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return { report: JSON.parse(r.stdout) as StatusReport, at, end: Date.now() };
}

/** The kept entry's file (one per campaign file) and its mtime, to tell a kept answer from a fresh one. */
function keptFile(home: string): { path: string; mtimeMs: number } | undefined {
  const dir = join(home, "outreach", "status");
  const names = (() => {
    try {
      return readdirSync(dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
  })();
  if (names.length === 0) return undefined;
  expect(names).toHaveLength(1);
  const path = join(dir, names[0]!);
  return { path, mtimeMs: statSync(path).mtimeMs };
}

/** A file kept beside the entry — `.leads` (the CSV's rows: platform/lead-roster.ts), `.facts` (the snapshot's: platform/state-facts.ts) — and its mtime. */
function keptSide(home: string, ext: ".leads" | ".facts"): { path: string; mtimeMs: number } | undefined {
  const kept = keptFile(home);
  if (!kept) return undefined;
  const path = kept.path.replace(/\.json$/, ext);
  try {
    return { path, mtimeMs: statSync(path).mtimeMs };
  } catch {
    return undefined;
  }
}

function rosterFile(home: string): { path: string; mtimeMs: number } | undefined {
  return keptSide(home, ".leads");
}

/** The kept entry: JSON after its checksum line. */
function keptEntry(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8").split("\n").slice(1).join("\n"));
}

/**
 * The kept report equals a fresh one. The next send is the first instant at or after "now" that the
 * caps and windows allow, and the two ask at different instants: when it is "now" for either, they
 * may differ by the time between the two asks, no more.
 */
async function expectSameAsFresh(yamlPath: string, home: string): Promise<StatusReport> {
  const kept = await status(yamlPath, home);
  const fresh = await status(yamlPath, cacheHome());
  expect({ ...kept.report, nextDueAt: null }).toEqual({ ...fresh.report, nextDueAt: null });
  const [k, f] = [kept.report.nextDueAt, fresh.report.nextDueAt];
  if (k === null || f === null) expect(k).toBe(f);
  else expect(Math.abs(k - f)).toBeLessThanOrEqual(k <= kept.end || f <= fresh.end ? fresh.end - kept.at : 0);
  return kept.report;
}

/**
 * Waits until the inputs are older than the racy window, makes a status that keeps its summary, and
 * checks that the next one answers from it (the kept file is not rewritten).
 */
async function primeKept(yamlPath: string, home: string): Promise<void> {
  await sleep(RACY_MS + 100);
  await status(yamlPath, home);
  const kept = keptFile(home)!;
  await status(yamlPath, home);
  expect(keptFile(home)!.mtimeMs).toBe(kept.mtimeMs);
  expect(keptEntry(kept.path)).toHaveProperty("summary");
  // The zone offsets its times are read in, so a kept status needs no Intl (schedule/windows.ts).
  expect(keptEntry(kept.path)).toMatchObject({ zones: [{ zone: expect.any(String), days: expect.any(Array) }] });
}

describe("outreach status: a kept summary, never a stale one", () => {
  it("is used when nothing changed, and made afresh after sends, new caps and steps, a kill -9, an edited CSV (same size and mtime), a deleted template", async () => {
    const { sandbox, fixture, env } = await setUp(12, {}, { perAccount: { perHour: 3 }, followUpAfter: "1h" });
    const home = cacheHome();

    // Before the first run: no state, so no summary is kept (the campaign is).
    const before = await expectSameAsFresh(fixture.yamlPath, home);
    expect(before).toMatchObject({ started: false, leads: { total: 12, notStarted: 12 } });
    expect(keptEntry(keptFile(home)!.path)).not.toHaveProperty("summary");

    const first = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(first.code).toBe(0);
    const afterRun = await expectSameAsFresh(fixture.yamlPath, home);
    expect(afterRun.leads).toMatchObject({ total: 12, notStarted: 6, waitingForFollowUp: 6 });
    await primeKept(fixture.yamlPath, home);
    const kept = readFileSync(keptFile(home)!.path, "utf8");
    expect(keptEntry(keptFile(home)!.path)).toMatchObject({ summary: { report: { leadsInState: 6 } } });
    expect(kept).not.toContain(env.INBOX_API_TOKEN!);

    // New caps and one more follow-up: the campaign file changed, so the campaign is loaded again and
    // the summary made afresh (its step table has the new step).
    fixture.rewrite({ perAccount: { perHour: 6 }, followUps: 2 });
    const moreCaps = await expectSameAsFresh(fixture.yamlPath, home);
    expect(moreCaps.accounts.map((a) => a.perHour)).toEqual([6, 6]);
    expect(moreCaps.steps.map((s) => s.stepId)).toEqual(["intro", "follow-up-1", "follow-up-2"]);
    await primeKept(fixture.yamlPath, home);

    // A kill -9 in the middle of a run: whatever the journal holds is what status counts.
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env });
    await cli.waitForSent(2);
    cli.kill("SIGKILL");
    await cli.done.catch(() => undefined);
    // The CSV did not change, nor the snapshot (a run writes the journal; a kill -9 leaves no compaction):
    // the CSV's rows come from the kept roster, the leads from the snapshot's kept facts and the journal.
    const roster = rosterFile(home)!;
    const facts = keptSide(home, ".facts")!;
    const afterKill = await expectSameAsFresh(fixture.yamlPath, home);
    expect(rosterFile(home)!.mtimeMs).toBe(roster.mtimeMs);
    expect(keptSide(home, ".facts")!.mtimeMs).toBe(facts.mtimeMs);
    expect(afterKill.steps.find((s) => s.stepId === "intro")!.sent).toBeGreaterThanOrEqual(sandbox.messages({ direction: "outbound" }).length - 1);
    expect(afterKill.leadsInState).toBeGreaterThan(6);
    await primeKept(fixture.yamlPath, home);

    // The CSV edited to the same size with its mtime put back: a contacted lead's id changes its
    // second digit, so that lead is a new one to status (and the contacted one is gone).
    const csv = readFileSync(fixture.leadsPath, "utf8");
    const { mtime } = statSync(fixture.leadsPath);
    const firstId = fixture.leadIds[0]!;
    const swapped = firstId[0] + (firstId[1] === "9" ? "8" : "9") + firstId.slice(2);
    writeFileSync(fixture.leadsPath, csv.replace(firstId, swapped));
    utimesSync(fixture.leadsPath, mtime, mtime);
    expect(statSync(fixture.leadsPath).size).toBe(Buffer.byteLength(csv));
    const edited = await expectSameAsFresh(fixture.yamlPath, home);
    // Read again, and kept again once the edit is older than the racy window.
    await primeKept(fixture.yamlPath, home);
    expect(rosterFile(home)!.mtimeMs).toBeGreaterThan(roster.mtimeMs);
    expect(edited.leads.notStarted).toBe(afterKill.leads.notStarted + 1);
    await primeKept(fixture.yamlPath, home);

    // A template deleted: the campaign is not taken from the cache; the loader says what is wrong.
    const template = readdirSync(join(fixture.dir, "templates"))[0]!;
    unlinkSync(join(fixture.dir, "templates", template));
    const broken = await runCli(["status", fixture.yamlPath, "--json"], { env: { XDG_CACHE_HOME: home } });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/template not found/);
  }, 120_000);

  it("keeps no Redis password; a campaign file rewritten in place (same size and mtime) or an entry edited by hand is never used; a comment added costs one load", async () => {
    const { fixture, env } = await setUp(4, {}, { perAccount: { perHour: 3 } });
    const home = cacheHome();
    expect((await runCli(["run", fixture.yamlPath, "--once", "--json"], { env })).code).toBe(0);
    // A team's Redis URL with its password, in the campaign file: status never uses it, and keeps none of it.
    writeFileSync(fixture.yamlPath, `${readFileSync(fixture.yamlPath, "utf8")}team:\n  redis: "redis://:hunter2-kept@127.0.0.1:6390"\n  whenRedisDown: local\n`);
    await primeKept(fixture.yamlPath, home);
    expect(readFileSync(keptFile(home)!.path, "utf8")).not.toContain("hunter2");

    // The caps changed with the campaign file's size and mtime put back: the campaign is loaded again.
    const yaml = readFileSync(fixture.yamlPath, "utf8");
    const { mtime } = statSync(fixture.yamlPath);
    expect(yaml).toContain("perHour: 3,");
    writeFileSync(fixture.yamlPath, yaml.replace("perHour: 3,", "perHour: 7,"));
    utimesSync(fixture.yamlPath, mtime, mtime);
    const recapped = await expectSameAsFresh(fixture.yamlPath, home);
    expect(recapped.accounts.map((a) => a.perHour)).toEqual([7, 7]);
    await primeKept(fixture.yamlPath, home);

    // The kept entry edited by hand — a count changed, a list made null (which status cannot walk):
    // never used, and the answer is a fresh one.
    const kept = keptFile(home)!.path;
    const text = readFileSync(kept, "utf8");
    for (const edited of [text.replace('"leadsInState":4', '"leadsInState":40'), text.replace(/"toStartZones":\[[^\]]*\]/, '"toStartZones":null')]) {
      expect(edited).not.toBe(text);
      writeFileSync(kept, edited);
      const report = await expectSameAsFresh(fixture.yamlPath, home);
      expect(report.leadsInState).toBe(4);
    }

    // A comment added to the campaign file: the same campaign, so the summary still holds, and the entry
    // takes the file's new identity — else every later status would load the YAML again.
    writeFileSync(fixture.yamlPath, `${readFileSync(fixture.yamlPath, "utf8")}# a note\n`);
    await primeKept(fixture.yamlPath, home);
    const { ino, ctimeNs } = statSync(fixture.yamlPath, { bigint: true });
    expect((keptEntry(kept) as { campaignId: string }).campaignId).toMatch(new RegExp(` ${ino} .* ${ctimeNs}$`));
  }, 120_000);

  it("counts opt-outs made after the CSV's rows were kept: the suppression file is applied as it is now", async () => {
    const { sandbox, fixture, env } = await setUp(4, {}, { followUpAfter: "1h", suppression: [], replyStep: {} });
    const home = cacheHome();
    expect((await runCli(["run", fixture.yamlPath, "--once", "--json"], { env })).code).toBe(0);
    await primeKept(fixture.yamlPath, home);
    const roster = rosterFile(home)!;
    expect(readFileSync(roster.path, "utf8")).toContain(fixture.leadIds[0]!);

    // Two leads answer STOP: the run appends them to the suppression file and finishes them.
    const [a, b] = fixture.leadIds as [string, string];
    sandbox.reply({ externalPlatformId: a, text: "STOP" });
    sandbox.reply({ externalPlatformId: b, text: "unsubscribe" });
    expect((await runCli(["run", fixture.yamlPath, "--once", "--json"], { env })).code).toBe(0);
    expect(readFileSync(fixture.suppressionPath!, "utf8")).toContain(a);

    const report = await expectSameAsFresh(fixture.yamlPath, home);
    expect(rosterFile(home)!.mtimeMs).toBe(roster.mtimeMs);
    expect(report).toMatchObject({ optedOut: 2, skippedRows: 0, leads: { total: 4 } });

    // The next run skips their rows (the suppression file lists them) but counts them as status does:
    // a tester's resumed run said "leads 1980 · opted out 0" where status said 1992 and 12.
    const third = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(third.code).toBe(0);
    expect(third.events.find((e) => e.type === "run.started")).toMatchObject({ leads: 4 });
    expect(third.events.find((e) => e.type === "run.finished")).toMatchObject({ summary: { leads: 4, optedOut: 2, replied: 2 } });
  }, 60_000);

  it("keeps nothing when the cache folder cannot be written, and still answers", async () => {
    const { fixture } = await setUp(3);
    const file = join(cacheHome(), "not-a-folder");
    writeFileSync(file, "");
    const r = await runCli(["status", fixture.yamlPath, "--json"], { env: { XDG_CACHE_HOME: file } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ leads: { total: 3 } });
  });
});
