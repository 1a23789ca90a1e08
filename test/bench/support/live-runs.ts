/**
 * Live send runs against a sandbox in its own process (all limits off, 8 accounts, 1 step, nobody
 * replies), and the figures drawn from them: send rate, per-send time, peak RSS and the memory slope.
 */
import { join } from "node:path";
import type { LiveSendArgs, LiveSendResult, MemorySample } from "../phases/live-send.js";
import { runPhase, type PhaseResult } from "./child.js";
import type { Fixture } from "./fixture.js";
import { startSandboxProcess } from "./sandbox-process.js";

export const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `benchacct${i}`);

export type LiveRun = LiveSendResult & PhaseResult;

/** One run of `leads` sends (fsync on), sampling memory every 250 ms; throws unless every lead was sent once. */
export async function liveRun(fixture: Fixture, leads: number, tag: string): Promise<LiveRun> {
  const sandbox = await startSandboxProcess({ rateLimit: "off", accountLinks: ACCOUNTS, replyRate: 0 });
  try {
    const args: LiveSendArgs = {
      campaignFile: fixture.campaignFile,
      url: sandbox.url,
      token: sandbox.token,
      stateFile: join(fixture.dir, "state", `${tag}.json`),
      fsync: true,
      limit: leads,
      sampleEveryMs: 250,
    };
    const { result } = await runPhase<LiveRun>("phases/live-send.js", args);
    const stats = await sandbox.stats();
    if (result.sent !== leads || stats.sends !== leads) {
      throw new Error(`expected ${leads} sends, runner reported ${result.sent} and the sandbox stored ${stats.sends} (${JSON.stringify(result.events)})`);
    }
    return result;
  } finally {
    await sandbox.close();
  }
}

export const sendSeconds = (r: LiveRun): number => (r.lastSentMs - r.runStartedMs) / 1000;
export const sendRate = (r: LiveRun): number => r.sent / sendSeconds(r);
export const perSendMs = (r: LiveRun): number => (sendSeconds(r) * 1000) / r.sent;

/**
 * How RSS grows with leads sent, in bytes per lead: the least-squares slope of RSS over the count
 * sent, from the samples after the first tenth of the sends (start-up and warm-up excluded) to the
 * last one before the final save.
 */
export function memorySlope(samples: readonly MemorySample[], leads: number): number {
  const pts = samples.filter((s) => s.sent >= leads / 10 && s.sent < leads);
  if (pts.length < 3) return Number.NaN;
  const n = pts.length;
  const mx = pts.reduce((a, s) => a + s.sent, 0) / n;
  const my = pts.reduce((a, s) => a + s.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of pts) {
    num += (s.sent - mx) * (s.rss - my);
    den += (s.sent - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** RSS when the first lead was sent, in bytes (NaN when no sample caught it). */
export function rssAtFirstSend(samples: readonly MemorySample[]): number {
  return samples.find((s) => s.sent > 0)?.rss ?? Number.NaN;
}
