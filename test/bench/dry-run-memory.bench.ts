/**
 * Benchmark "dry-run-memory": peak RSS of a 1,000,000-lead × 3-step dry run with --format json to /dev/null, with
 * the bare libraries' peak for the same work as a reference. Target: ours < 250 MB.
 */
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture } from "./support/fixture.js";
import { reportFigures } from "./support/figures.js";
import { int, mb, note, printTable, secs, verdict } from "./support/table.js";

const LEADS = 1_000_000;
const STEPS = 3;
const TARGET_MB = 250;

interface Timed extends PhaseResult {
  ms: number;
}

const fixture = await createFixture("dry-run-memory", { leads: LEADS, steps: STEPS });
try {
  const base = await runPhase<Timed>("phases/dry-run-baseline.js", { leadsFile: fixture.leadsFile, out: "/dev/null", steps: STEPS });
  // To stdout, which the phase's parent discards: `--out /dev/null` is refused (the extension picks the format).
  const ours = await runPhase<Timed>("phases/dry-run-cli.js", { campaignFile: fixture.campaignFile });
  printTable(
    `Dry run memory: ${int(LEADS)} leads × ${STEPS} steps, --format json to /dev/null (peak RSS of the whole process)`,
    ["pipeline", "peak RSS", "time", "leads/s"],
    [
      ["baseline: csv-parse + Handlebars", mb(base.result.maxRssKb), secs(base.result.ms), int(LEADS / (base.result.ms / 1000))],
      ["outreach run --dry-run --format json", mb(ours.result.maxRssKb), secs(ours.result.ms), int(LEADS / (ours.result.ms / 1000))],
    ],
  );
  const peakMb = ours.result.maxRssKb / 1024;
  note(`peak RSS ${peakMb.toFixed(0)} MB (target < ${TARGET_MB} MB) ${verdict(peakMb < TARGET_MB)}`);
  const baseMb = base.result.maxRssKb / 1024;
  await reportFigures("dry-run-memory", [
    {
      what: `Dry run peak RSS, ${int(LEADS)} leads × ${STEPS} steps, --format json → /dev/null`,
      ours: `${peakMb.toFixed(0)} MB`,
      baseline: `csv-parse + Handlebars: ${baseMb.toFixed(0)} MB`,
      ratio: `${(peakMb / baseMb).toFixed(2)}× (1 pair)`,
      target: `< ${TARGET_MB} MB`,
      verdict: verdict(peakMb < TARGET_MB),
    },
  ]);
} finally {
  await fixture.cleanup();
}
