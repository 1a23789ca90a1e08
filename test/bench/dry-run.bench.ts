/**
 * Benchmark "dry-run": dry run of 100,000 leads × 3 steps to a file, against the bare libraries
 * (csv-parse + precompiled Handlebars writing JSON lines), in interleaved pairs, each pipeline in its
 * own process. The ratio that counts is CPU time (user + system, every thread, Node start-up
 * included): wall time on a shared machine mostly measures the neighbours.
 * Target (issue 11): CPU ≤ 1.5× the baseline (goal 1.3×).
 */
import { join } from "node:path";
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture } from "./support/fixture.js";
import { interleave, ratioText, reportFigures } from "./support/figures.js";
import { int, mb, printTable, secs } from "./support/table.js";

const LEADS = 100_000;
const STEPS = 3;
const PAIRS = 3;
const TARGET_CPU = 1.5;

interface Timed extends PhaseResult {
  ms: number;
}
type Run = { r: Timed; wall: number };

const fixture = await createFixture("dry-run", { leads: LEADS, steps: STEPS });
try {
  const runs = await interleave<Run, Run>(
    PAIRS,
    async () => {
      const { result, wallMs } = await runPhase<Timed>("phases/dry-run-baseline.js", { leadsFile: fixture.leadsFile, out: join(fixture.dir, "baseline.jsonl"), steps: STEPS });
      return { r: result, wall: wallMs };
    },
    async () => {
      const { result, wallMs } = await runPhase<Timed>("phases/dry-run-cli.js", { campaignFile: fixture.campaignFile, out: join(fixture.dir, "preview.jsonl") });
      return { r: result, wall: wallMs };
    },
  );
  const row = (label: string, x: Run): string[] => [label, secs(x.r.cpuMs), secs(x.wall), int(LEADS / (x.wall / 1000)), mb(x.r.maxRssKb)];
  printTable(
    `Dry run: ${int(LEADS)} leads × ${STEPS} steps → JSON lines file, ${PAIRS} interleaved pairs (whole process)`,
    ["pipeline", "CPU", "wall", "leads/s", "peak RSS"],
    runs.base.flatMap((b, i) => [row(`baseline #${i + 1}: csv-parse + Handlebars`, b), row(`outreach run --dry-run #${i + 1}`, runs.ours[i]!)]),
  );
  const cpu = ratioText(runs.ours.map((x) => x.r.cpuMs), runs.base.map((x) => x.r.cpuMs));
  const wall = ratioText(runs.ours.map((x) => x.wall), runs.base.map((x) => x.wall));
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  await reportFigures("dry-run", [
    {
      what: `Dry run CPU, ${int(LEADS)} leads × ${STEPS} steps → file`,
      ours: `${secs(med(runs.ours.map((x) => x.r.cpuMs)))} CPU (median)`,
      baseline: `csv-parse + Handlebars: ${secs(med(runs.base.map((x) => x.r.cpuMs)))}`,
      ratio: cpu.text,
      target: `≤ ${TARGET_CPU}× (goal 1.3×)`,
      verdict: cpu.median <= TARGET_CPU ? "PASS" : "FAIL",
    },
    {
      what: `Dry run wall time, same runs`,
      ours: `${secs(med(runs.ours.map((x) => x.wall)))} (median)`,
      baseline: `${secs(med(runs.base.map((x) => x.wall)))}`,
      ratio: wall.text,
      target: "",
      verdict: "",
    },
  ]);
} finally {
  await fixture.cleanup();
}
