/**
 * Benchmark "startup": `outreach --help` and `outreach status` on a 100,000-lead state, each against
 * `node -e 0` run in the same round (rounds interleaved, so the machine's load hits all four alike).
 * `status` three ways: as every status after the first answers when nothing changed (the summary kept
 * by the one before, the inputs' identities found unchanged); after a run wrote to the state (one more
 * journal line before each: the campaign, the CSV's rows and the snapshot's facts kept, the journal
 * read — every status while a run is going, until it compacts); and cold (an empty cache folder: the
 * campaign loaded, the CSV and the whole state read — the first status of a campaign, or the first
 * after its CSV changed; after a compaction only the state is read whole).
 * CPU time (user + system) and peak RSS come from a preload that reports them at exit, the same
 * preload for all three; wall time is spawn to exit.
 * Targets (issue 11): --help and status ≤ 2× node -e 0; status ≤ 0.5 s and ≤ 150 MB.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimulatedClock } from "../../src/platform/clock.js";
import { RACY_MS } from "../../src/platform/status-cache.js";
import { openState } from "../../src/state/store.js";
import { createFixture } from "./support/fixture.js";
import { minMedian, ratioText, reportFigures } from "./support/figures.js";
import { fixed, int, mb, printTable } from "./support/table.js";

const LEADS = 100_000;
const ROUNDS = 7;
const TARGET_RATIO = 2;
const TARGET_STATUS_MS = 500;
const TARGET_STATUS_MB = 150;

interface Usage {
  cpuMs: number;
  wallMs: number;
  maxRssKb: number;
}

const bin = fileURLToPath(new URL("../../src/cli/bin.js", import.meta.url));
const fixture = await createFixture("startup", { leads: LEADS, steps: 3 });
const preload = join(fixture.dir, "usage-preload.cjs");
const usageFile = join(fixture.dir, "usage.json");
await writeFile(
  preload,
  `process.on("exit", () => { const c = process.cpuUsage(); require("node:fs").writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ cpuMs: (c.user + c.system) / 1000, maxRssKb: process.resourceUsage().maxRSS })); });\n`,
);

/** A state where every lead of the CSV got the first step, written through the store (snapshot + journal), as a run leaves it. */
async function writeState(file: string): Promise<void> {
  const t = Date.UTC(2026, 10, 2, 14);
  const fingerprint = { campaign: "x", templates: {}, sequence: ["intro", "nudge", "last"], replySteps: [], accounts: ["benchacct0"], idColumn: "x_user_id", csv: { size: 0, hash: "" } };
  await mkdir(join(file, ".."), { recursive: true });
  const store = await openState({ file, campaign: "Bench startup", fingerprint, clock: new SimulatedClock(t), fsyncSending: false });
  for (let i = 0; i < LEADS; i++) {
    // The CSV's own ids (fixture.ts): a state of other ids would leave every CSV lead "not started" and
    // measure a status that never looks a lead up (2.4 s then; 16 s once the ids matched, before issue 11).
    const id = String(1_000_000_000_000_000_003n + BigInt(i) * 79_190n);
    void store.patchLead(id, { account: "benchacct0", threadId: `thread${i.toString(36).padStart(20, "0")}` });
    void store.setStep(id, "intro", { status: "sending", updatedAt: t + i, attempts: 1, sendingAt: t + i, contentHash: "f".repeat(32) });
    await store.setStep(id, "intro", { status: "sent", updatedAt: t + i, attempts: 1, sendingAt: t + i, contentHash: "f".repeat(32), sentAt: t + i, messageId: `msg${i.toString(36).padStart(21, "0")}` });
  }
  await store.close();
}

/** One more journal line, as a run writes after a send: the state's identity changes, the CSV's does not. */
function writeOneMore(file: string, round: number): void {
  const id = String(1_000_000_000_000_000_003n + BigInt(round) * 79_190n);
  appendFileSync(`${file}.journal`, `${JSON.stringify({ k: "lead", l: id, p: { prospectId: `bench-${round}` }, t: Date.now() })}\n`);
}

function measure(args: string[], cacheHome = join(fixture.dir, "cache-kept")): Usage {
  const started = performance.now();
  const env = { ...process.env, BENCH_USAGE_FILE: usageFile, NO_COLOR: "1", XDG_CACHE_HOME: cacheHome };
  const r = spawnSync(process.execPath, ["--require", preload, ...args], { env, encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited with ${r.status}: ${r.stderr}`);
  return { wallMs, ...(JSON.parse(readFileSync(usageFile, "utf8")) as Omit<Usage, "wallMs">) };
}

try {
  await writeState(join(fixture.dir, "state", "bench.json"));
  // The "after a run wrote" rounds write to a copy of the state, under a campaign file of its own (the
  // same campaign otherwise), so the kept rounds' inputs stay unchanged.
  const stateFile = join(fixture.dir, "state", "written.json");
  copyFileSync(join(fixture.dir, "state", "bench.json"), stateFile);
  copyFileSync(join(fixture.dir, "state", "bench.json.journal"), `${stateFile}.journal`);
  const writtenCampaign = join(fixture.dir, "written.yaml");
  writeFileSync(writtenCampaign, readFileSync(fixture.campaignFile, "utf8").replace("state: state/bench.json", "state: state/written.json"));
  const bare: Usage[] = [];
  const help: Usage[] = [];
  const status: Usage[] = [];
  const changed: Usage[] = [];
  const cold: Usage[] = [];
  // A summary (and the CSV's rows, and the snapshot's facts) is kept for use only when its inputs are
  // older than the racy window (status-cache.ts): wait that out after writing the state, then make the
  // summary the kept rounds answer from.
  await new Promise((r) => setTimeout(r, RACY_MS + 200));
  measure([bin, "status", fixture.campaignFile]);
  // The status before the run that writes: the campaign, the CSV's rows and the snapshot's facts kept
  // in its own folder.
  const changedHome = join(fixture.dir, "cache-changed");
  measure([bin, "status", writtenCampaign], changedHome);
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate the order each round.
    const coldHome = join(fixture.dir, `cache-cold-${i}`);
    const jobs = [
      () => bare.push(measure(["-e", "0"])),
      () => help.push(measure([bin, "--help"])),
      () => status.push(measure([bin, "status", fixture.campaignFile])),
      () => {
        writeOneMore(stateFile, i);
        changed.push(measure([bin, "status", writtenCampaign], changedHome));
      },
      () => cold.push(measure([bin, "status", fixture.campaignFile], coldHome)),
    ];
    for (let k = 0; k < jobs.length; k++) jobs[(k + i) % jobs.length]!();
  }
  const med = (xs: Usage[], f: (u: Usage) => number): number => minMedian(xs.map(f)).median;
  const row = (label: string, xs: Usage[]): string[] => [label, `${fixed(med(xs, (u) => u.cpuMs), 0)} ms`, `${fixed(med(xs, (u) => u.wallMs), 0)} ms`, mb(med(xs, (u) => u.maxRssKb))];
  printTable(`Start-up, median of ${ROUNDS} interleaved rounds (status on a ${int(LEADS)}-lead state)`, ["command", "CPU", "wall", "peak RSS"], [
    row("node -e 0", bare),
    row("outreach --help", help),
    row(`outreach status (${int(LEADS)} leads, summary kept)`, status),
    row(`outreach status (${int(LEADS)} leads, after a run wrote)`, changed),
    row(`outreach status (${int(LEADS)} leads, cold)`, cold),
  ]);
  const cpu = (u: Usage): number => u.cpuMs;
  const wall = (u: Usage): number => u.wallMs;
  const helpCpu = ratioText(help.map(cpu), bare.map(cpu));
  const helpWall = ratioText(help.map(wall), bare.map(wall));
  const statusCpu = ratioText(status.map(cpu), bare.map(cpu));
  const statusWall = ratioText(status.map(wall), bare.map(wall));
  const statusMs = med(status, wall);
  const statusMb = med(status, (u) => u.maxRssKb) / 1024;
  const changedCpu = ratioText(changed.map(cpu), bare.map(cpu));
  const changedMs = med(changed, wall);
  const changedMb = med(changed, (u) => u.maxRssKb) / 1024;
  const coldCpu = ratioText(cold.map(cpu), bare.map(cpu));
  const coldMs = med(cold, wall);
  const coldMb = med(cold, (u) => u.maxRssKb) / 1024;
  await reportFigures("startup", [
    {
      what: "`outreach --help`",
      ours: `${fixed(med(help, cpu), 0)} ms CPU, ${fixed(med(help, wall), 0)} ms wall`,
      baseline: `node -e 0: ${fixed(med(bare, cpu), 0)} ms CPU, ${fixed(med(bare, wall), 0)} ms wall`,
      ratio: `CPU ${helpCpu.text}; wall ${helpWall.text}`,
      target: `≤ ${TARGET_RATIO}×`,
      verdict: helpCpu.median <= TARGET_RATIO ? "PASS" : "FAIL",
    },
    {
      what: `\`outreach status\`, ${int(LEADS)}-lead state (every status after the first: the summary kept, inputs unchanged)`,
      ours: `${fixed(med(status, cpu), 0)} ms CPU, ${fixed(statusMs, 0)} ms wall, ${statusMb.toFixed(0)} MB`,
      baseline: `node -e 0 (as above)`,
      ratio: `CPU ${statusCpu.text}; wall ${statusWall.text}`,
      target: `≤ ${TARGET_RATIO}×; ≤ ${TARGET_STATUS_MS} ms, ≤ ${TARGET_STATUS_MB} MB`,
      verdict: statusCpu.median <= TARGET_RATIO && statusMs <= TARGET_STATUS_MS && statusMb <= TARGET_STATUS_MB ? "PASS" : "FAIL",
    },
    {
      what: `\`outreach status\`, ${int(LEADS)}-lead state, after a run wrote to it (every status while a run goes: the campaign, the CSV's rows and the snapshot's facts kept, the journal read)`,
      ours: `${fixed(med(changed, cpu), 0)} ms CPU, ${fixed(changedMs, 0)} ms wall, ${changedMb.toFixed(0)} MB`,
      baseline: `node -e 0 (as above)`,
      ratio: `CPU ${changedCpu.text}`,
      target: `≤ ${TARGET_STATUS_MS} ms, ≤ ${TARGET_STATUS_MB} MB`,
      verdict: changedMs <= TARGET_STATUS_MS && changedMb <= TARGET_STATUS_MB ? "PASS" : "FAIL",
    },
    {
      what: `\`outreach status\`, ${int(LEADS)}-lead state, cold (nothing kept: a campaign's first status, or the first after its CSV changed)`,
      ours: `${fixed(med(cold, cpu), 0)} ms CPU, ${fixed(coldMs, 0)} ms wall, ${coldMb.toFixed(0)} MB`,
      baseline: `node -e 0 (as above)`,
      ratio: `CPU ${coldCpu.text}`,
      target: `≤ ${TARGET_STATUS_MS} ms, ≤ ${TARGET_STATUS_MB} MB`,
      verdict: coldMs <= TARGET_STATUS_MS && coldMb <= TARGET_STATUS_MB ? "PASS" : "FAIL",
    },
  ]);
} finally {
  await rm(usageFile, { force: true });
  await fixture.cleanup();
}
