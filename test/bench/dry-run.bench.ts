/**
 * Benchmark 1: dry run of 100,000 leads × 3 steps to a file, against the bare libraries (csv-parse +
 * precompiled Handlebars writing JSON lines) measured in the same run. Target: ours within 2× the
 * baseline's time. Each pipeline runs in its own process (peak RSS is its own); best of RUNS.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture } from "./support/fixture.js";
import { fixed, int, mb, note, printTable, secs, verdict } from "./support/table.js";

const LEADS = 100_000;
const STEPS = 3;
const RUNS = 2;
const TARGET_RATIO = 2;

interface Timed extends PhaseResult {
  ms: number;
}

const fixture = await createFixture("dry-run", { leads: LEADS, steps: STEPS });
try {
  const oursOut = join(fixture.dir, "preview.jsonl");
  const baseOut = join(fixture.dir, "baseline.jsonl");
  const best = { ours: undefined as { r: Timed; wall: number } | undefined, base: undefined as { r: Timed; wall: number } | undefined };
  // Alternate the two so drift in machine load hits both alike.
  for (let i = 0; i < RUNS; i++) {
    const base = await runPhase<Timed>("phases/dry-run-baseline.js", { leadsFile: fixture.leadsFile, out: baseOut, steps: STEPS });
    const ours = await runPhase<Timed>("phases/dry-run-cli.js", { campaignFile: fixture.campaignFile, out: oursOut });
    if (!best.base || base.result.ms < best.base.r.ms) best.base = { r: base.result, wall: base.wallMs };
    if (!best.ours || ours.result.ms < best.ours.r.ms) best.ours = { r: ours.result, wall: ours.wallMs };
  }
  const { ours, base } = best as { ours: { r: Timed; wall: number }; base: { r: Timed; wall: number } };
  const size = async (f: string): Promise<string> => mb((await stat(f)).size / 1024);
  const ratio = ours.r.ms / base.r.ms;
  printTable(
    `Dry run: ${int(LEADS)} leads × ${STEPS} steps → JSON lines file (best of ${RUNS}; time excludes Node start-up, "process" includes it)`,
    ["pipeline", "time", "leads/s", "process", "peak RSS", "output"],
    [
      ["baseline: csv-parse + Handlebars", secs(base.r.ms), int(LEADS / (base.r.ms / 1000)), secs(base.wall), mb(base.r.maxRssKb), await size(baseOut)],
      ["outreach run --dry-run --format json --out", secs(ours.r.ms), int(LEADS / (ours.r.ms / 1000)), secs(ours.wall), mb(ours.r.maxRssKb), await size(oursOut)],
    ],
  );
  note(`ours / baseline time: ${fixed(ratio)}× (target ≤ ${TARGET_RATIO}×) ${verdict(ratio <= TARGET_RATIO)}`);
} finally {
  await fixture.cleanup();
}
