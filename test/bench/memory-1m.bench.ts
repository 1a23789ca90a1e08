/**
 * Benchmark "memory-1m" (run only when named: `npm run bench -- memory-1m`; ~35 min at 500 sends/s):
 * a 1,000,000-lead live run, all limits off, against a sandbox in its own process. Target: it
 * completes under 1 GB peak RSS, with no flags.
 */
import { reportFigures } from "./support/figures.js";
import { createFixture, openPacing } from "./support/fixture.js";
import { ACCOUNTS, liveRun, memorySlope, rssAtFirstSend, sendRate } from "./support/live-runs.js";
import { int } from "./support/table.js";

const LEADS = Number(process.env.BENCH_MEMORY_LEADS ?? 1_000_000);
const TARGET_MB = 1024;

const fixture = await createFixture(`memory-${LEADS}`, { leads: LEADS, steps: 1, pacing: openPacing({ api: true }), accounts: ACCOUNTS });
try {
  const run = await liveRun(fixture, LEADS, "large");
  const peakMb = run.maxRssKb / 1024;
  await reportFigures("memory-1m", [
    {
      what: `Peak RSS, live run of ${int(LEADS)} leads`,
      ours: `${peakMb.toFixed(0)} MB (${(rssAtFirstSend(run.samples) / 1048576).toFixed(0)} MB at the first send; ${(memorySlope(run.samples, LEADS) / 1024).toFixed(2)} KB a lead after; ${int(sendRate(run))} sends/s)`,
      baseline: "",
      ratio: "",
      target: `< ${TARGET_MB} MB, no flags`,
      verdict: peakMb < TARGET_MB ? "PASS" : "FAIL",
    },
  ]);
} finally {
  await fixture.cleanup();
}
