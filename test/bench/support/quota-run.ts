/**
 * One timed live run against a sandbox in its own process that enforces `server` as the team quota,
 * with the campaign's quota set to `configured`, interrupted after `sendForMs` (SIGTERM, as a user
 * would), while the sandbox's own counters are sampled: the shared body of the quota benchmarks.
 */
import { join } from "node:path";
import type { RateWindow } from "../../../src/config/types.js";
import type { SandboxStats } from "../../../src/sandbox/index.js";
import type { LiveSendArgs, LiveSendResult } from "../phases/live-send.js";
import { runPhase, type PhaseResult } from "./child.js";
import { createFixture, openPacing } from "./fixture.js";
import { sampleRate, type RateSampler } from "./rate-sampler.js";
import { startSandboxProcess } from "./sandbox-process.js";

export interface QuotaRun {
  run: LiveSendResult & PhaseResult;
  /** The sandbox's counters after the run. */
  final: SandboxStats;
  sampler: RateSampler;
}

export async function runAgainstQuota(opts: {
  name: string;
  leads: number;
  accounts: string[];
  server: RateWindow[];
  configured: RateWindow[];
  sendForMs: number;
}): Promise<QuotaRun> {
  const fixture = await createFixture(opts.name, { leads: opts.leads, steps: 1, pacing: openPacing({ api: false }), accounts: opts.accounts });
  const sandbox = await startSandboxProcess({ rateLimit: opts.server, accountLinks: opts.accounts, replyRate: 0 });
  try {
    const sampler = sampleRate(sandbox);
    const args: LiveSendArgs = {
      campaignFile: fixture.campaignFile,
      url: sandbox.url,
      token: sandbox.token,
      stateFile: join(fixture.dir, "state", `${opts.name}.json`),
      fsync: true,
      api: opts.configured,
      stopAfterMs: opts.sendForMs,
    };
    try {
      const run = (await runPhase<LiveSendResult & PhaseResult>("phases/live-send.js", args)).result;
      return { run, final: await sandbox.stats(), sampler };
    } finally {
      await sampler.stop();
    }
  } finally {
    await sandbox.close();
    await fixture.cleanup();
  }
}
