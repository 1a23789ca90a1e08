/**
 * `npm run chaos`: ten seeded rehearsals of 10,000 leads × 3 steps with real windows and 8 accounts
 * (issue 11: "ten seeded 10k rehearsals complete with no stall"), each the built CLI exactly as a user
 * runs it — `outreach run <yaml> --sandbox --seed <seed> --json` — judged from what it printed: every
 * lead finished, each (lead, step) sent at most once, the summary agreeing with the sends it reported.
 * A run that prints nothing for CHAOS_REHEARSAL_STALL_S (default 120 s: a healthy run prints every
 * 100 ms) is taken for stalled, killed and failed. Roughly half a minute a run on an idle 2-core machine.
 *
 *   CHAOS_REHEARSAL_RUNS=10   CHAOS_REHEARSAL_LEADS=10000   CHAOS_REHEARSAL_STALL_S=120
 */
import { expect, it } from "vitest";
import { createFixture } from "../bench/support/fixture.js";
import { killAllChildren, spawnCli } from "../support/cli.js";

const RUNS = Number(process.env.CHAOS_REHEARSAL_RUNS ?? 10);
const LEADS = Number(process.env.CHAOS_REHEARSAL_LEADS ?? 10_000);
const STALL_MS = Number(process.env.CHAOS_REHEARSAL_STALL_S ?? 120) * 1000;
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `soakacct${i}`);

it(`${RUNS} seeded rehearsals of ${LEADS} leads: every lead finished, nothing sent twice, no stall`, async () => {
  const fixture = await createFixture("rehearsal-soak", { leads: LEADS, steps: 3, accounts: ACCOUNTS });
  try {
    for (let i = 1; i <= RUNS; i++) {
      const seed = `soak-${i}`;
      const started = performance.now();
      const run = spawnCli(["run", fixture.campaignFile, "--sandbox", "--seed", seed, "--json"], { timeoutMs: 1_800_000 });
      let seen = -1;
      let lastProgress = performance.now();
      let stalled = false;
      const watchdog = setInterval(() => {
        const now = performance.now();
        if (run.stdout.length !== seen) {
          seen = run.stdout.length;
          lastProgress = now;
        } else if (now - lastProgress > STALL_MS) {
          stalled = true;
          run.kill("SIGKILL");
        }
      }, 1_000);
      const result = await run.done.finally(() => clearInterval(watchdog));
      expect(stalled, `seed ${seed}: silent for ${STALL_MS / 1000} s, killed as stalled`).toBe(false);
      expect(result.code, `seed ${seed}\n${result.stderr.slice(-2000)}`).toBe(0);

      const finished = run.eventsOf("run.finished")[0];
      expect(finished?.outcome).toBe("completed");
      const summary = finished!.summary;
      expect(summary).toMatchObject({ leads: LEADS, finished: LEADS, failedLeads: 0 });
      const sent = run.eventsOf("lead.sent");
      const pairs = new Set(sent.map((e) => `${e.leadId}/${e.stepId}`));
      expect(pairs.size, `seed ${seed}: a (lead, step) was sent twice`).toBe(sent.length);
      expect(sent.length).toBe(summary.sentThisRun);
      expect(summary.steps.reduce((n, s) => n + s.sent, 0)).toBe(summary.sentThisRun);
      expect(summary.steps[0]?.sent).toBe(LEADS); // every lead got its first message (no unreachable share by default)
      process.stdout.write(`rehearsal ${seed}: ${sent.length} sends, ${summary.replied} replies, ${((performance.now() - started) / 1000).toFixed(1)} s wall\n`);
    }
  } finally {
    await killAllChildren();
    await fixture.cleanup();
  }
}, 3_600_000);
