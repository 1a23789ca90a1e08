/**
 * The chaos soak: the built CLI against `outreach sandbox` in its own process, with server errors, lost
 * responses, latency and 429 bursts, replies injected around the follow-up's due time, SIGKILLs at
 * seeded random moments and during the final save (compaction), and a watchdog that fails the soak
 * when a run stops making progress. The verdict comes from the sandbox's record (judge.ts).
 * `npm run chaos` runs the long variant; test/e2e/chaos-soak.test.ts a short one inside `npm test`.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { seededRandom } from "../../src/sandbox/ids.js";
import { DEFAULT_TEAM_LIMITS } from "../../src/sandbox/index.js";
import { makeCampaign } from "../support/campaign-fixture.js";
import { apiEnv, runCli, spawnCli, type CliProcess } from "../support/cli.js";
import { judge, type StatusReport, type Verdict } from "./judge.js";
import { startSandboxServer } from "./sandbox-server.js";

export interface SoakOptions {
  /** Everything random (kill moments, reply timing, faults) derives from it. */
  seed: string;
  leads: number;
  /** SIGKILLs at random moments of a run. */
  kills: number;
  /** SIGKILLs right after a graceful stop began: while the state is saved and the journal compacted. */
  compactionKills: number;
  /** How long a run lives past its start (`run.started`) before its SIGKILL, ms: [min, max]. */
  killAfterMs: [number, number];
  /** A run silent this long (past any wait it announced) is stalled: killed, counted, the soak fails. */
  stallMs: number;
  log?: (line: string) => void;
}

export interface SoakReport extends Verdict {
  runs: number;
  kills: number;
  compactionKills: number;
  stalls: number;
  serverErrors: number;
  lostResponses: number;
  rateLimited: number;
  rateLimitBursts: number;
  repliesInjected: { before: number; at: number; after: number };
}

const ACCOUNTS = ["chaosacct1", "chaosacct2"];
const FOLLOW_UP_AFTER_MS = 3_000;
const REPLY_TEXT = "Sounds good, tell me more";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => undefined);
  const random = seededRandom(opts.seed, "chaos-soak");
  const between = ([min, max]: [number, number]): number => Math.round(min + random() * (max - min));
  const sandbox = await startSandboxServer(
    ["--accounts", ACCOUNTS.join(","), "--reply-rate", "0", "--server-error-rate", "0.1", "--lost-response-rate", "0.05", "--latency", "0-40", "--seed", opts.seed],
    `sandbox_${randomBytes(8).toString("hex")}`,
  );
  const fixture = makeCampaign({
    accounts: ACCOUNTS,
    leads: opts.leads,
    name: "Chaos soak",
    followUps: 1,
    followUpAfter: `${FOLLOW_UP_AFTER_MS / 1000}s`,
    replyStep: { id: "thank-you", delay: "0s" },
    // Sub-second and whole-second gaps: the pacing values that once made the run loop spin.
    perAccount: { gap: "5ms-1s" },
    pollEvery: "1s",
    keepOpenFor: "4s",
  });
  const env = apiEnv(sandbox);
  const report: SoakReport = {
    runs: 0,
    kills: 0,
    compactionKills: 0,
    stalls: 0,
    serverErrors: 0,
    lostResponses: 0,
    rateLimited: 0,
    rateLimitBursts: 0,
    repliesInjected: { before: 0, at: 0, after: 0 },
    ...judge({ messages: [], leadIds: [], intro: "", followUp: "", replyStep: "", status: { steps: [], failures: [] } }),
  };
  let stopped = false;
  const background = [injectReplies(), burstRateLimits()];
  try {
    return await soak();
  } finally {
    stopped = true;
    await Promise.all(background);
    // Whatever happened (a run that would not start, a failed check), the sandbox process goes too.
    await sandbox.close();
    fixture.cleanup();
  }

  async function soak(): Promise<SoakReport> {
  try {
    for (let i = 0; i < opts.kills; i++) {
      const cli = start();
      const done = await Promise.race([killMoment(cli), watch(cli)]);
      if (done) break; // the campaign finished before this kill: the remaining kills have nothing to hit
      cli.kill("SIGKILL");
      await cli.done;
      report.kills++;
    }
    for (let i = 0; i < opts.compactionKills; i++) {
      const cli = start();
      const done = await Promise.race([killMoment(cli), watch(cli)]);
      if (done) break;
      // Ctrl-C: the run stops taking work, lets sends in flight finish, saves and compacts. Kill it mid-way.
      cli.kill("SIGINT");
      await cli.waitForOutput(/SIGINT/, 10_000).catch(() => undefined);
      await sleep(between([0, 30]));
      cli.kill("SIGKILL");
      await cli.done;
      report.compactionKills++;
    }
    // The last run goes to the end (follow-ups due, reply windows closing): no more kills.
    for (let attempt = 0; attempt < 5; attempt++) {
      const cli = start();
      if (await watch(cli)) break;
    }
  } finally {
    stopped = true;
    await Promise.all(background);
  }
  const statusRun = await runCli(["status", fixture.yamlPath, "--json"], { env });
  const status = JSON.parse(statusRun.stdout) as StatusReport;
  const stats = await sandbox.stats();
  Object.assign(
    report,
    { serverErrors: stats.serverErrors, lostResponses: stats.lostResponses, rateLimited: stats.rateLimited },
    judge({ messages: await sandbox.messages(), leadIds: fixture.leadIds, intro: "intro", followUp: "follow-up-1", replyStep: "thank-you", status }),
  );
  return report;
  }

  /** A random moment of the run's work: from its start (inputs checked, state open, reconciling) on. */
  async function killMoment(cli: CliProcess): Promise<false> {
    await cli.waitForEvent("run.started", () => true, 60_000).catch(() => undefined);
    await sleep(between(opts.killAfterMs));
    return false;
  }

  function start(): CliProcess {
    report.runs++;
    return spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 3_600_000 });
  }

  /** Resolves true when the run exits having completed the campaign, false on any other exit; kills a stalled run. */
  async function watch(cli: CliProcess): Promise<boolean> {
    const startedAt = Date.now();
    let seen = -1;
    let quietSince = Date.now();
    let waitingUntil = 0;
    while (!cli.exited) {
      const activity = cli.stdout.length + cli.stderr.length;
      if (activity !== seen) {
        seen = activity;
        quietSince = Date.now();
        const lastWait = cli.eventsOf("waiting").at(-1);
        const lastHold = cli.eventsOf("rate.held").at(-1);
        // A run that said it waits until some instant is silent until then on purpose.
        waitingUntil = Math.max(lastWait?.until ?? 0, lastHold?.until ?? 0);
      }
      if (Date.now() - Math.max(quietSince, waitingUntil) > opts.stallMs) {
        report.stalls++;
        log(`stall: run ${report.runs} silent for ${opts.stallMs} ms; last output:\n${cli.stdout.slice(-1500)}${cli.stderr.slice(-1500)}`);
        cli.kill("SIGKILL");
        break;
      }
      await Promise.race([cli.done, sleep(100)]);
    }
    const r = await cli.done.catch(() => undefined);
    if (r && r.code !== null && r.code !== 0 && r.code !== 130) log(`run ${report.runs} exited ${r.code}: ${r.stderr.slice(-800)}`);
    log(`run ${report.runs}: ${r?.code ?? r?.signal} after ${Date.now() - startedAt} ms, ${r?.events.filter((e) => e.type === "lead.sent").length ?? 0} sent`);
    return r?.code === 0 && r.events.some((e) => e.type === "run.finished" && e.outcome === "completed");
  }

  /** Replies before, at and just after each lead's follow-up is due (timed from its intro in the sandbox). */
  async function injectReplies(): Promise<void> {
    const planned = new Set<string>();
    const pending: Promise<void>[] = [];
    while (!stopped) {
      const messages = await sandbox.messages().catch(() => []);
      for (const m of messages) {
        if (m.direction !== "outbound" || !m.content.startsWith("[intro]") || planned.has(m.externalPlatformId)) continue;
        planned.add(m.externalPlatformId);
        const pick = random();
        // A quarter never reply; the rest reply half-way to, right at, or 150 ms after the follow-up's due time.
        const kind = pick < 0.25 ? undefined : pick < 0.5 ? "before" : pick < 0.75 ? "at" : "after";
        if (!kind) continue;
        const offset = kind === "before" ? FOLLOW_UP_AFTER_MS / 2 : kind === "at" ? FOLLOW_UP_AFTER_MS : FOLLOW_UP_AFTER_MS + 150;
        const delay = Date.parse(m.createdAt) + offset - Date.now();
        pending.push(
          sleep(Math.max(0, delay)).then(async () => {
            if (await sandbox.reply(m.externalPlatformId, REPLY_TEXT).catch(() => false)) report.repliesInjected[kind]++;
          }),
        );
      }
      await sleep(50);
    }
    await Promise.all(pending);
  }

  /**
   * Now and then a burst of 429s: the next three sends are refused, or (every fourth time) the team quota
   * drops to 3 requests a second for 1.5 s, which the runner learns and follows for a while (learned-quota.ts).
   */
  async function burstRateLimits(): Promise<void> {
    while (!stopped) {
      await sleep(between([3_000, 8_000]));
      if (stopped) break;
      report.rateLimitBursts++;
      if (report.rateLimitBursts % 4 !== 0) {
        await sandbox.failNext(3, 429).catch(() => undefined);
        continue;
      }
      await sandbox.configure({ rateLimit: [{ limit: 3, windowMs: 1_000 }] }).catch(() => undefined);
      await sleep(1_500);
      await sandbox.configure({ rateLimit: DEFAULT_TEAM_LIMITS.map((w) => ({ ...w })) }).catch(() => undefined);
    }
  }
}

/** The soak's figures, one per line, for the log and the README. */
export function formatSoakReport(r: SoakReport): string {
  const sorted = [...r.blindWindowsMs].sort((a, b) => a - b);
  const pct = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return [
    `runs ${r.runs} · SIGKILLs ${r.kills} at random moments + ${r.compactionKills} during the final save/compaction · stalls ${r.stalls}`,
    `faults injected: ${r.serverErrors} × 5xx, ${r.lostResponses} lost responses, ${r.rateLimited} × 429 in ${r.rateLimitBursts} bursts, 0–40 ms latency`,
    `replies injected: ${r.repliesInjected.before} before, ${r.repliesInjected.at} at, ${r.repliesInjected.after} just after the follow-up was due`,
    `duplicates ${r.duplicates.length} · missing ${r.missing.length} · follow-ups after a seen reply ${r.followUpsAfterSeenReply.length} · failed leads ${r.failedLeads} (without a reason ${r.failedWithoutReason.length}) · status mismatches ${r.statusMismatches.length}`,
    `follow-ups that crossed a reply in flight (no conditional send in v1): ${r.followUpsInFlight} of ${r.replies} replies; blind window from the last thread read to the send: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${sorted.at(-1) ?? 0} ms`,
  ].join("\n");
}

/** What every soak must show, long or short: the promises held, and the faults really happened. */
export function expectSoakHeld(r: SoakReport, minKills: number): void {
  expect(r.stalls).toBe(0);
  expect(r.duplicates).toEqual([]);
  expect(r.missing).toEqual([]);
  expect(r.followUpsAfterSeenReply).toEqual([]);
  expect(r.failedWithoutReason).toEqual([]);
  expect(r.statusMismatches).toEqual([]);
  expect(r.kills + r.compactionKills).toBeGreaterThanOrEqual(minKills);
  expect(r.serverErrors + r.lostResponses + r.rateLimited).toBeGreaterThan(0);
}
