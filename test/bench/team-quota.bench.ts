/**
 * Benchmark 5: several runners on one team quota (Debian's redis-server on a loopback port).
 *
 * Part 1, the library choice: three limiters in one process share a 50 requests / 1 s sliding quota
 * through one Redis and start no-op jobs as fast as they are allowed for ~5 s — Bottleneck 2.19.5's
 * Redis clustering (datastore "ioredis", a shared reservoir of 50 refreshed every second: its only way
 * to express "per second") against ours (a sorted-set log in Lua, src/team/). Measured: starts per
 * second and the most starts found in any sliding 1 s window (the server refuses anything above 50).
 *
 * Part 2, end to end: three runners (three campaigns, separate state, one token, 4 accounts each) in
 * their own processes against one sandbox process enforcing 10 requests / 1 s (sliding, every
 * /api/v1 request), sending for ~10 s each, first each on its own local gate ("alone": each believes
 * it owns the whole quota), then through Redis. The rate is what the sandbox counted, sampled every
 * 100 ms, over the span when all three were sending.
 */
import Bottleneck from "bottleneck";
import { join } from "node:path";
import type { RateWindow } from "../../src/config/types.js";
import { systemClock } from "../../src/platform/clock.js";
import type { ApiLimiter } from "../../src/schedule/api-limiter.js";
import { connectTeamRedis, type TeamRedis } from "../../src/team/redis-connection.js";
import { createSharedLimiter } from "../../src/team/shared-limiter.js";
import { TeamQuota } from "../../src/team/team-quota.js";
import { startRedisServer } from "../support/redis-server.js";
import type { LiveSendArgs, LiveSendResult } from "./phases/live-send.js";
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture, openPacing, type Fixture } from "./support/fixture.js";
import { startSandboxProcess } from "./support/sandbox-process.js";
import { reportFigures, type Figure } from "./support/figures.js";
import { fixed, int, note, printTable, secs, verdict } from "./support/table.js";

/** Part 1's quota: 50 per sliding second. */
const WINDOW: RateWindow = { limit: 50, windowMs: 1000 };
/**
 * Part 2's quota: 10 per sliding second, below what three runners can ask for even on a loaded
 * 2-core machine, so that runners alone do collide and the shared gate has to split it.
 */
const E2E_WINDOW: RateWindow = { limit: 10, windowMs: 1000 };
const RUNNERS = 3;
const LIB_JOBS_PER_RUNNER = 100;
const SEND_FOR_MS = 10_000;
const LEADS = 2_000;
const ACCOUNTS_PER_RUNNER = 4;
const TARGET_SHARE = 0.95;

const redis = await startRedisServer();
const figures: Figure[] = [];
try {
  await compareLibraries();
  await endToEnd();
} finally {
  await redis.stop();
}
await reportFigures("team-quota", figures);

/** The most starts in any window of `windowMs` (sorted start instants, two pointers). */
function peakInWindow(starts: number[], windowMs: number): number {
  const s = [...starts].sort((a, b) => a - b);
  let peak = 0;
  for (let lo = 0, hi = 0; hi < s.length; hi++) {
    while (s[hi]! - s[lo]! >= windowMs) lo++;
    peak = Math.max(peak, hi - lo + 1);
  }
  return peak;
}

async function compareLibraries(): Promise<void> {
  const rows: (string | number)[][] = [];
  // Bottleneck's cluster: one shared reservoir, refilled to 50 every second (fixed windows).
  {
    const limiters = Array.from({ length: RUNNERS }, (_, i) =>
      new Bottleneck({
        id: "bench-team",
        datastore: "ioredis",
        clientOptions: { host: "127.0.0.1", port: redis.port },
        clearDatastore: i === 0,
        reservoir: WINDOW.limit,
        reservoirRefreshAmount: WINDOW.limit,
        reservoirRefreshInterval: WINDOW.windowMs,
      }),
    );
    await Promise.all(limiters.map((l) => l.ready()));
    rows.push(["Bottleneck 2.19.5 cluster (ioredis)", ...(await measure((i, job) => limiters[i]!.schedule(job)))]);
    await Promise.all(limiters.map((l) => l.disconnect(true)));
  }
  // Ours: the Lua sorted-set log behind the engine's ApiLimiter interface.
  {
    const conns: TeamRedis[] = [];
    const limiters: ApiLimiter[] = [];
    for (let i = 0; i < RUNNERS; i++) {
      const conn = await connectTeamRedis(redis.url);
      conns.push(conn);
      const quota = new TeamQuota({ redis: conn, team: "bench-lib", windows: [WINDOW], clock: systemClock });
      limiters.push(createSharedLimiter({ quota, redis: conn, clock: systemClock, where: redis.url }));
    }
    rows.push(["ours: sorted-set log in Lua (ioredis 6.0.0)", ...(await measure((i, job) => limiters[i]!.schedule(job)))]);
    await Promise.all(limiters.map((l) => l.stop()));
    await Promise.all(conns.map((c) => c.close()));
  }
  const [bottleneck, ours] = rows;
  figures.push({
    what: `${RUNNERS} limiters on one Redis, quota ${WINDOW.limit} / ${WINDOW.windowMs / 1000} s sliding: share of allowed, most starts in any sliding window`,
    ours: `${ours![2]}, peak ${ours![3]}`,
    baseline: `Bottleneck cluster: ${bottleneck![2]}, peak ${bottleneck![3]}`,
    ratio: "",
    target: `never over ${WINDOW.limit}`,
    verdict: verdict(Number(ours![3]) <= WINDOW.limit),
  });
  printTable(
    `Team quota libraries: ${RUNNERS} limiters, one Redis, quota ${WINDOW.limit} / ${WINDOW.windowMs} ms sliding, ${LIB_JOBS_PER_RUNNER} no-op jobs each`,
    ["limiter", "starts/s", "share of allowed", "peak in any sliding 1 s", "over the quota", "Redis round trips/start"],
    rows,
  );
}

/** Runs `count` no-op jobs per runner as fast as allowed; returns the table cells. */
async function measure(schedule: (runner: number, job: () => Promise<void>) => Promise<void>): Promise<string[]> {
  const starts: number[] = [];
  const before = await redisCommands();
  await Promise.all(
    Array.from({ length: RUNNERS }, (_, i) =>
      Promise.all(Array.from({ length: LIB_JOBS_PER_RUNNER }, () => schedule(i, async () => void starts.push(Date.now())))),
    ),
  );
  const calls = (await redisCommands()) - before;
  // The first window may burst its whole allowance at once: the rate counts the starts after it,
  // over the time from the first start to the last.
  const sorted = [...starts].sort((a, b) => a - b);
  const rate = ((sorted.length - WINDOW.limit) * 1000) / Math.max(1, sorted[sorted.length - 1]! - sorted[0]!);
  const allowed = (WINDOW.limit * 1000) / WINDOW.windowMs;
  const peak = peakInWindow(starts, WINDOW.windowMs);
  return [fixed(rate, 1), `${fixed((rate / allowed) * 100, 1)}%`, int(peak), peak > WINDOW.limit ? `${peak - WINDOW.limit} over: 429s` : "never", fixed(calls / starts.length, 1)];
}

/** Commands Redis processed so far (INFO stats). */
async function redisCommands(): Promise<number> {
  const { spawnSync } = await import("node:child_process");
  const out = spawnSync("redis-cli", ["-p", String(redis.port), "info", "stats"], { encoding: "utf8" }).stdout;
  return Number(/total_commands_processed:(\d+)/.exec(out)?.[1] ?? 0);
}

type Run = LiveSendResult & PhaseResult;

async function endToEnd(): Promise<void> {
  const accounts = Array.from({ length: RUNNERS * ACCOUNTS_PER_RUNNER }, (_, i) => `benchteam${i}`);
  const rows: (string | number)[][] = [];
  for (const mode of ["alone", "team"] as const) {
    const fixtures: Fixture[] = [];
    for (let i = 0; i < RUNNERS; i++) {
      fixtures.push(await createFixture(`team-${mode}-${i}`, { leads: LEADS, steps: 1, pacing: openPacing({ api: false }), accounts: accounts.slice(i * ACCOUNTS_PER_RUNNER, (i + 1) * ACCOUNTS_PER_RUNNER), firstLead: i * LEADS }));
    }
    const sandbox = await startSandboxProcess({ rateLimit: [E2E_WINDOW], accountLinks: accounts, replyRate: 0 });
    try {
      const samples: { at: number; requests: number }[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const s = await sandbox.stats();
          samples.push({ at: Date.now(), requests: s.requests });
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      let runs: Run[];
      try {
        runs = await Promise.all(
          fixtures.map(async (fx, i) => {
            const args: LiveSendArgs = {
              campaignFile: fx.campaignFile,
              url: sandbox.url,
              token: sandbox.token,
              stateFile: join(fx.dir, "state", `runner${i}.json`),
              fsync: true,
              api: [E2E_WINDOW],
              stopAfterMs: SEND_FOR_MS,
              ...(mode === "team" ? { redisUrl: redis.url } : {}),
            };
            return (await runPhase<Run>("phases/live-send.js", args)).result;
          }),
        );
      } finally {
        sampling = false;
        await sampler;
      }
      const final = await sandbox.stats();
      const startAll = Math.max(...runs.map((r) => r.runStartedAt)) + E2E_WINDOW.windowMs;
      const endAll = Math.min(...runs.map((r) => r.endAt));
      let from = samples.find((s) => s.at >= startAll);
      let to = [...samples].reverse().find((s) => s.at <= endAll);
      if (!from || !to || to.at <= from.at) {
        // Alone, a runner may wait out the others' 429s at start-up (it waits, up to 10 min) and start
        // sending after they stopped: then the baseline is measured over the whole span instead.
        if (mode === "team") throw new Error("the three runners never sent at the same time long enough to measure");
        from = samples.find((s) => s.at >= Math.min(...runs.map((r) => r.runStartedAt)));
        to = [...samples].reverse().find((s) => s.at <= Math.max(...runs.map((r) => r.endAt)));
        if (!from || !to || to.at <= from.at) throw new Error("the runners alone sent nothing measurable");
      }
      const allowed = (E2E_WINDOW.limit * 1000) / E2E_WINDOW.windowMs;
      const achieved = ((to.requests - from.requests) * 1000) / (to.at - from.at);
      rows.push([
        mode === "team" ? "through Redis (OUTREACH_REDIS_URL)" : "alone (each its own local gate)",
        fixed(achieved, 1),
        `${fixed((achieved / allowed) * 100, 1)}%`,
        int(final.rateLimited),
        int(final.requests),
        int(final.sends),
        runs.map((r) => int(r.sent)).join(" / "),
        secs(to.at - from.at),
      ]);
      if (mode === "team") {
        const share = achieved / allowed;
        const alone = rows[0]!;
        figures.push({
          what: `${RUNNERS} runners, one token, sandbox quota ${E2E_WINDOW.limit} / ${E2E_WINDOW.windowMs / 1000} s sliding: combined share of allowed, 429s`,
          ours: `${fixed(share * 100, 1)}%, ${final.rateLimited} × 429 (through Redis)`,
          baseline: `alone: ${alone[2]}, ${alone[3]} × 429`,
          ratio: "",
          target: `≥ ${TARGET_SHARE * 100}%, 0 × 429`,
          verdict: verdict(share >= TARGET_SHARE && final.rateLimited === 0),
        });
        note(`(team) combined ${fixed(share * 100, 1)}% of the allowed rate (target ≥ ${TARGET_SHARE * 100}%) ${verdict(share >= TARGET_SHARE)}; 429s ${final.rateLimited} (target 0) ${verdict(final.rateLimited === 0)}`);
      }
    } finally {
      await sandbox.close();
      for (const fx of fixtures) await fx.cleanup();
    }
  }
  printTable(
    `Three runners, one team token, one sandbox enforcing ${E2E_WINDOW.limit} requests / ${E2E_WINDOW.windowMs} ms (sliding), ~${SEND_FOR_MS / 1000} s of sending each`,
    ["runners", "combined req/s", "share of allowed", "429s", "requests", "sends", "sends per runner", "measured over"],
    rows,
  );
}
