/**
 * The rate a sandbox in its own process actually served, from its /_sandbox/stats counters (not rate
 * limited) sampled every 100 ms while a run sends: the ground truth the quota benchmarks judge by.
 */
import type { SandboxProcess } from "./sandbox-process.js";

interface Sample {
  at: number;
  requests: number;
  rateLimited: number;
}

export interface RateSampler {
  /** Stops sampling (call once the run is over). */
  stop(): Promise<void>;
  /**
   * Requests per second the sandbox counted between the first sample at or after `from` and the last one
   * at or before `to` (wall-clock epoch ms), and how long that was.
   * @throws Error when fewer than two samples fall in between.
   */
  rateBetween(from: number, to: number): { perSecond: number; overMs: number; rateLimited: number };
}

export function sampleRate(sandbox: SandboxProcess): RateSampler {
  const samples: Sample[] = [];
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const s = await sandbox.stats();
      samples.push({ at: Date.now(), requests: s.requests, rateLimited: s.rateLimited });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await loop;
    },
    rateBetween(fromAt, toAt) {
      const from = samples.find((s) => s.at >= fromAt);
      const to = [...samples].reverse().find((s) => s.at <= toAt);
      if (!from || !to || to.at <= from.at) throw new Error("too few samples of the sandbox's counters to compute a rate");
      return {
        perSecond: ((to.requests - from.requests) * 1000) / (to.at - from.at),
        overMs: to.at - from.at,
        rateLimited: to.rateLimited - from.rateLimited,
      };
    },
  };
}
