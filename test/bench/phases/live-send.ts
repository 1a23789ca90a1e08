/**
 * Phase: the full send path — `runLive` (render check, account check, lock, durable state, engine,
 * team gate, HTTP client) against a sandbox on loopback. Reports when sending started and ended so
 * the send rate excludes start-up (reading the CSV, rendering every message, opening the state).
 */
import { loadCampaign } from "../../../src/config/load.js";
import type { RateWindow } from "../../../src/config/types.js";
import type { EngineEvent } from "../../../src/engine/events.js";
import { InterruptedError } from "../../../src/errors.js";
import { runLive } from "../../../src/platform/live-run.js";
import { phaseArgs, sendResult } from "../support/child.js";

export interface LiveSendArgs {
  campaignFile: string;
  url: string;
  token: string;
  stateFile: string;
  fsync: boolean;
  /** Stop after this many sends (every lead has one step: the run ends when all are sent). */
  limit?: number;
  /** Replaces campaign.pacing.api (the YAML only takes per-minute/hour/day windows). */
  api?: RateWindow[];
  /** Interrupt the run (SIGTERM, as a user would) this long after it started sending. */
  stopAfterMs?: number;
  /** OUTREACH_REDIS_URL: share the team quota through this Redis. */
  redisUrl?: string;
  /** Sample RSS and heap every this many ms (with the count sent so far), for the memory slope. */
  sampleEveryMs?: number;
}

/** One memory sample: leads sent so far, RSS and V8 heap in bytes. */
export interface MemorySample {
  sent: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface LiveSendResult {
  sent: number;
  outcome: string;
  /** performance.now() offsets from the runLive call. */
  runStartedMs: number;
  firstSentMs: number;
  lastSentMs: number;
  endMs: number;
  /** Wall-clock instants, for matching against the sandbox's request counts sampled by the parent. */
  runStartedAt: number;
  endAt: number;
  events: Record<string, number>;
  warnings: string[];
  samples: MemorySample[];
}

const args = phaseArgs<LiveSendArgs>();
const campaign = await loadCampaign(args.campaignFile);
if (args.api) campaign.pacing.api = args.api;

const events: Record<string, number> = {};
const warnings: string[] = [];
let sent = 0;
let runStartedMs = Number.NaN;
let runStartedAt = Number.NaN;
let firstSentMs = Number.NaN;
let lastSentMs = Number.NaN;
let stopTimer: NodeJS.Timeout | undefined;
const t0 = performance.now();
const samples: MemorySample[] = [];
const sampler =
  args.sampleEveryMs === undefined
    ? undefined
    : setInterval(() => {
        const m = process.memoryUsage();
        samples.push({ sent, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
      }, args.sampleEveryMs);

const onEvent = (e: EngineEvent): void => {
  events[e.type] = (events[e.type] ?? 0) + 1;
  if (e.type === "lead.sent") {
    const t = performance.now() - t0;
    if (sent === 0) firstSentMs = t;
    lastSentMs = t;
    sent++;
  } else if (e.type === "run.started") {
    runStartedMs = performance.now() - t0;
    runStartedAt = Date.now();
    // runLive's own handler turns SIGTERM into a graceful stop (in-flight sends finish, state saved).
    if (args.stopAfterMs !== undefined) stopTimer = setTimeout(() => process.kill(process.pid, "SIGTERM"), args.stopAfterMs);
  }
};

let outcome: string;
try {
  const result = await runLive(campaign, {
    once: false,
    ...(args.limit !== undefined ? { limit: args.limit } : {}),
    acceptChanges: false,
    allowPartial: false,
    maxConsecutiveFailures: 5,
    env: args.redisUrl ? { OUTREACH_REDIS_URL: args.redisUrl } : {},
    connection: { baseUrl: args.url, token: args.token },
    stateFile: args.stateFile,
    fsync: args.fsync,
    emit: onEvent,
    note: (level, message) => {
      if (level === "warn") warnings.push(message);
    },
  });
  outcome = result.outcome;
} catch (err) {
  if (!(err instanceof InterruptedError)) throw err;
  outcome = "interrupted";
} finally {
  clearTimeout(stopTimer);
  clearInterval(sampler);
}
const endMs = performance.now() - t0;
const result: LiveSendResult = { sent, outcome, runStartedMs, firstSentMs, lastSentMs, endMs, runStartedAt, endAt: Date.now(), events, warnings, samples };
await sendResult({ ...result });
// The HTTP client's keep-alive sockets would hold the process open for a while: the work is done.
process.exit(0);
