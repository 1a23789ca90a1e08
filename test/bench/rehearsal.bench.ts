/**
 * Benchmark: the rehearsal (`outreach run X --sandbox`, simulated clock) of 10,000 leads × 3 steps
 * with real sending windows (Mon–Fri 09:00–17:00 New York, leads in their own zones), the default
 * per-account caps and gaps, 8 accounts: about 50 days of campaign time, ~24,500 DMs. Each run uses
 * another seed (who replies, and when), and is killed as stalled when it prints nothing for STALL_MS
 * (it prints a line per send, reply and wait).
 *
 * Targets (issue 11): ≤ 30 s of wall time (goal 15 s) on the 2-core machine; no stall in ten seeded
 * runs. Wall time depends on what else the machine runs, so each run is interleaved with a baseline
 * of pure CPU work (phases/cpu-baseline.ts): its wall/CPU ratio is what the load alone costs a process
 * that never waits. "idle factor" = the rehearsal's wall/CPU over the baseline's: 1.0 means the
 * rehearsal never sat idle between events; 2.0 means it waited as long as it worked.
 *
 *   BENCH_REHEARSAL_RUNS=10 (default 3)   BENCH_REHEARSAL_LEADS=10000   BENCH_REHEARSAL_STALL_S=120
 * Another soak can run it as is: `node dist/test/bench/rehearsal.bench.js`; it exits 1 on a stall.
 */
import { runPhase, StalledPhaseError, type PhaseResult } from "./support/child.js";
import { reportFigures } from "./support/figures.js";
import { createFixture } from "./support/fixture.js";
import { fixed, int, mb, note, printTable, secs, verdict } from "./support/table.js";

const LEADS = Number(process.env.BENCH_REHEARSAL_LEADS ?? 10_000);
const RUNS = Number(process.env.BENCH_REHEARSAL_RUNS ?? 3);
const STALL_MS = Number(process.env.BENCH_REHEARSAL_STALL_S ?? 120) * 1000;
const TARGET_WALL_MS = 30_000;
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `benchacct${i}`);
/** ~2 s of CPU on the 2-core machine: long enough to see the load, short next to a rehearsal. */
const BASELINE_ROUNDS = 8;

interface Timed extends PhaseResult {
  ms: number;
  cpuMs: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const fixture = await createFixture("rehearsal", { leads: LEADS, steps: 3, accounts: ACCOUNTS });
const rows: string[][] = [];
const walls: number[] = [];
const cpus: number[] = [];
const idle: number[] = [];
const rssKb: number[] = [];
let stalls = 0;
try {
  for (let i = 0; i < RUNS; i++) {
    const seed = `bench-${i + 1}`;
    const base = await runPhase<Timed>("phases/cpu-baseline.js", { rounds: BASELINE_ROUNDS });
    const baseRatio = base.result.ms / base.result.cpuMs;
    try {
      const run = await runPhase<Timed>("phases/rehearsal-cli.js", { campaignFile: fixture.campaignFile, seed }, { silenceMs: STALL_MS });
      const { ms, cpuMs, maxRssKb } = run.result;
      walls.push(ms);
      cpus.push(cpuMs);
      idle.push(ms / cpuMs / baseRatio);
      rssKb.push(maxRssKb);
      rows.push([seed, secs(ms), secs(cpuMs), fixed(ms / cpuMs), fixed(baseRatio), fixed(ms / cpuMs / baseRatio), mb(maxRssKb)]);
      note(`  ${rows.at(-1)!.join("  ")}`); // progress: a long series shows each run as it ends
    } catch (err) {
      if (!(err instanceof StalledPhaseError)) throw err;
      stalls++;
      rows.push([seed, `STALLED (silent ${secs(STALL_MS)}, killed at ${secs(err.wallMs)})`, "", "", fixed(baseRatio), "", ""]);
      note(`  ${rows.at(-1)!.join("  ")}`);
    }
  }
} finally {
  await fixture.cleanup();
}

printTable(
  `Rehearsal: ${int(LEADS)} leads × 3 steps, real windows, 8 accounts, simulated clock (${RUNS} seeds; each after a CPU-only baseline)`,
  ["seed", "wall", "CPU", "wall/CPU", "baseline wall/CPU", "idle factor", "peak RSS"],
  rows,
);
if (walls.length > 0) {
  note(
    `wall min ${secs(Math.min(...walls))}, median ${secs(median(walls))}; CPU min ${secs(Math.min(...cpus))}, median ${secs(median(cpus))}; ` +
      `idle factor median ${fixed(median(idle))} — target ≤ ${secs(TARGET_WALL_MS)} wall (on an idle machine: CPU time is the floor): ` +
      `${verdict(median(walls) <= TARGET_WALL_MS)}`,
  );
}
note(`stalls: ${stalls} of ${RUNS} — ${verdict(stalls === 0)}`);
await reportFigures("rehearsal", [
  {
    what: `Rehearsal wall time, ${int(LEADS)} leads × 3 steps, real windows, 8 accounts (${walls.length} seeds)`,
    ours: walls.length > 0 ? `min ${secs(Math.min(...walls))} · median ${secs(median(walls))} wall; median ${secs(median(cpus))} CPU; peak RSS ${mb(Math.max(...rssKb))}` : "no run completed",
    baseline: "CPU-only work in the same session (its wall/CPU is what the load alone costs)",
    ratio: walls.length > 0 ? `idle factor median ${fixed(median(idle))} (1.0: never idle between events)` : "",
    target: `≤ ${secs(TARGET_WALL_MS)} wall (goal 15 s)`,
    verdict: walls.length > 0 && median(walls) <= TARGET_WALL_MS ? "PASS" : "FAIL",
  },
  {
    what: "Rehearsals that stopped progressing (killed after printing nothing for " + secs(STALL_MS) + ")",
    ours: `${stalls} of ${RUNS}`,
    baseline: "",
    ratio: "",
    target: "none",
    verdict: stalls === 0 ? "PASS" : "FAIL",
  },
]);
process.exitCode = stalls > 0 ? 1 : 0;
