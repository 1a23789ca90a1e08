/**
 * `outreach run` for real (or against the embedded sandbox): the one place where the engine's ports
 * meet real implementations — the HTTP client, the state file and its lock, the team-quota gate and account lanes,
 * the reply source, signals and the wall (or simulated) clock. Everything that can be checked
 * before a message is sent is checked first: the leads, every rendered message, the token, the
 * account links, the lock, and what changed since the last run.
 */
import { displayPath } from "../config/load.js";
import { setMaxListeners } from "node:events";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { Campaign } from "../config/types.js";
import type { RunResult } from "../engine/engine.js";
import { runCampaign } from "../engine/engine.js";
import type { EngineEvent } from "../engine/events.js";
import { buildPreflight, type Preflight } from "../engine/preflight.js";
import type { ReplySource } from "../engine/ports.js";
import { InterruptedError, PausedError, UserError } from "../errors.js";
import { fsFaultAsPaused, fsFaultAsUserError } from "../files/fs-faults.js";
import { ensurePrivateDir } from "../files/private-files.js";
import { InboxClient } from "../inbox/client.js";
import { ServerClock } from "../inbox/server-clock.js";
import type { InboxApi } from "../inbox/types.js";
import { describeFormat } from "../leads/csv-source.js";
import { appendSuppression } from "../leads/suppression.js";
import { createRenderer } from "../render/renderer.js";
import { AccountLanes } from "../schedule/account-lanes.js";
import { AccountPacer } from "../schedule/account-pacer.js";
import { createApiLimiter, type ApiLimiter } from "../schedule/api-limiter.js";
import { computeFingerprint, diffFingerprint, hashFilePrefix } from "../state/fingerprint.js";
import { acquireLock } from "../state/lock.js";
import { openState, type StateStore } from "../state/store.js";
import type { OpenJournalFile } from "../state/journal-writer.js";
import { clockFromEnv, type Clock } from "./clock.js";
import { checkRenders, refuseSkippedRows } from "./check-renders.js";
import { fetchAccountLinks } from "./account-links.js";
import { collectLeads } from "./collect-leads.js";
import { commandName, sameCommand } from "./invocation.js";
import { readStateModel } from "../state/load.js";
import type { LeadProblemReason } from "../leads/types.js";
import { joinTeamOf } from "./team-gate.js";
import { keepLiveRunHeapSmall } from "./heap-policy.js";
import { eventsReplySource, webhookReplySource } from "./reply-sources.js";

export interface LiveRunOptions {
  once: boolean;
  limit?: number;
  acceptChanges: boolean;
  allowPartial: boolean;
  retryFailed?: boolean;
  maxConsecutiveFailures: number;
  env: NodeJS.ProcessEnv;
  /**
   * Overrides for a rehearsal: the embedded sandbox's URL and token (and its in-process fetch, which
   * serves that URL without a socket), a simulated clock, temp files.
   */
  connection?: { baseUrl: string; token: string; fetch?: typeof fetch };
  clock?: Clock;
  stateFile?: string;
  suppressionFile?: string;
  /** Polling interval override (a simulated clock polls less often: it only has to see replies in time). */
  pollIntervalMs?: number;
  /** Another reason to stop gracefully, like Ctrl-C (e.g. the output pipe closed). */
  stop?: AbortSignal;
  /** Continue although the state journal does not belong to the state file (`--repair-state`; load.ts). */
  repairState?: boolean;
  /** Never join the team's Redis (the rehearsal: its embedded sandbox has a quota of its own). */
  solo?: boolean;
  /** Skip fdatasync on `sending` (benchmarks only). */
  fsync?: boolean;
  /** How the state journal is opened (the rehearsal's throwaway journal). Default: the store's own. */
  openJournal?: OpenJournalFile;
  emit(event: EngineEvent): void;
  note(level: "info" | "warn", message: string): void;
  /**
   * Called once every check has passed and before the lock is taken or anything is sent, with what the
   * run is about to do. It shows the summary and, on a campaign's first live start, asks to go on;
   * throwing (e.g. a UserError when the user declines) ends the run with nothing sent. Default: none.
   */
  preflight?(summary: Preflight): Promise<void>;
}

export async function runLive(campaign: Campaign, opts: LiveRunOptions): Promise<RunResult> {
  // A run against an API in another process (not a rehearsal, whose embedded sandbox shares this heap
  // and is solo): keep the heap near its live size.
  if (!opts.solo) keepLiveRunHeapSmall();
  const clock = opts.clock ?? clockFromEnv(opts.env);
  const stateFile = opts.stateFile ?? campaign.stateFile;
  const suppressionFile = opts.suppressionFile ?? campaign.suppressionFile;

  // 1. Inputs: every lead read and every message rendered before anything is sent.
  const renderer = await createRenderer(campaign);
  const problems = new Map<LeadProblemReason, number>();
  // Rows the suppression file skips: never worked on, but counted when this campaign finished them (EngineDeps.suppressedIds).
  const suppressedIds: string[] = [];
  const leads = await collectLeads(
    campaign,
    { file: suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true || opts.suppressionFile !== undefined },
    (p) => {
      problems.set(p.reason, (problems.get(p.reason) ?? 0) + 1);
      if (p.reason === "suppressed" && p.id !== undefined) suppressedIds.push(p.id);
      opts.emit({ type: "leads.problem", at: clock.now(), ...p });
    },
    // Said only when it is not the plain case (UTF-8, commas): then the reader may want to know.
    (format) => {
      if (format.encoding.source !== "default" || format.delimiter.delimiter !== ",") {
        opts.note("info", `${displayPath(campaign.leads.file)}: read as ${describeFormat(format)}`);
      }
    },
  );
  refuseSkippedRows(campaign, problems, opts.allowPartial);
  const unrenderable = checkRenders(campaign, leads, renderer, opts.allowPartial);

  // 2. The lock, before any request: a second run of the same campaign is refused with the first's
  // pid without spending the team's quota (a tester's refused run drew a 429 first). It lives beside
  // the state file, so its directory (default .outreach/, 0700) must exist before the first run locks.
  // Until the first send, a filesystem fault (a directory at the path, no permission, a read-only or
  // full disk) is the user's to fix: exit 1 with the path and the fix.
  const shownState = displayPath(stateFile);
  const lock = await ensurePrivateDir(dirname(stateFile))
    .then(() => acquireLock(stateFile, { pid: process.pid, hostname: hostname(), now: clock.now() }))
    .catch((err: unknown) => {
      throw fsFaultAsUserError(err, `${shownState}.lock`, "lock the state file");
    });

  // 3. The API: token and account links, checked with one read each (the lock released if they fail).
  const stop = new AbortController();
  // Every request waiting in the gate and every read in flight listens for the stop: dozens at once
  // behind a quota hold, which is no leak (each listener goes when its request settles).
  setMaxListeners(0, stop.signal);
  const connected = await connectToApi(campaign, opts, clock, stop.signal, stateFile).catch(async (err: unknown) => {
    await lock.release();
    throw err;
  });
  const { api, team, gated, serverClock, accountNames } = connected;
  if (lock.tookOverFrom) {
    opts.note("warn", `took over a stale lock on ${displayPath(stateFile)} left by process ${lock.tookOverFrom.pid} (no longer running)`);
  } else if (lock.notice) {
    opts.note("warn", lock.notice);
  }
  let store: StateStore | undefined;
  let replies: ReplySource | undefined;
  const lanes = new AccountLanes();
  const signals = installSignals(stop, opts.note);
  opts.stop?.addEventListener("abort", () => stop.abort(), { once: true });
  try {
    // 4. What this run is about to do, shown (and on a first start confirmed) under the lock — so no other
    // runner changes it meanwhile — and before the state file is created or anything is sent.
    if (opts.preflight) {
      // With --repair-state, the state as the repaired run will continue from (a refused journal left out):
      // without it here, the documented way out of a missing or foreign journal was refused for one.
      const state = await readStateModel(stateFile, { repair: opts.repairState === true }).catch((err: unknown) => {
        throw fsFaultAsUserError(err, shownState, "read the state file");
      });
      await opts.preflight(
        buildPreflight({ campaign, leads, stateOf: (id) => state?.leads.get(id), problems, unrenderable, accountNames, now: clock.now() }),
      );
    }
    const templateTexts = await readTemplates(campaign);
    const fingerprint = await computeFingerprint(campaign, templateTexts);
    try {
      store = await openState({
        file: stateFile,
        campaign: campaign.name,
        fingerprint,
        clock,
        ...(opts.fsync === false ? { fsyncSending: false } : {}),
        ...(opts.openJournal ? { openJournal: opts.openJournal } : {}),
        ...(opts.repairState ? { repair: true } : {}),
        onWarning: (m) => opts.note("warn", m),
      });
      await checkChanges(store, fingerprint, campaign, opts);
    } catch (err) {
      throw fsFaultAsUserError(err, shownState, "open the state file");
    }

    replies = await createReplySource(campaign, api, gated, clock, serverClock, store, opts);
    const result = await runCampaign({
      campaign,
      leads,
      suppressedIds,
      api,
      gate: gated,
      ...(team?.claims ? { claims: team.claims } : {}),
      pacing: new AccountPacer(campaign.pacing.perAccount),
      lanes,
      store,
      renderer,
      replies,
      clock,
      serverTime: serverClock,
      suppress: async (id, note) => {
        if (!suppressionFile) return;
        await appendSuppression(suppressionFile, id, note).catch((err: unknown) => {
          throw fsFaultAsPaused(err, displayPath(suppressionFile), "add an opt-out to the suppression file");
        });
      },
      emit: opts.emit,
      stop: stop.signal,
      options: {
        once: opts.once,
        ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
        maxConsecutiveFailures: opts.maxConsecutiveFailures,
        pollIntervalMs: opts.pollIntervalMs ?? campaign.replies.pollIntervalMs,
        checkThreadsOnGap: true,
        ...(opts.retryFailed ? { retryFailed: true } : {}),
      },
    });
    return finish(result, stateFile);
  } finally {
    // Signal handlers stay until the state is saved: a Ctrl-C during cleanup is a "second" one.
    await replies?.close?.();
    await lanes.stop();
    // The journal holds everything until a compaction completes, so a failed final compaction (a
    // full disk) loses nothing; it is reported once cleanup is done, the lock released. A stop
    // (Ctrl-C, SIGTERM) skips it: it ends the run at once, and the next open replays the journal.
    const closeFault = await store?.close({ compact: !stop.signal.aborted }).then(() => undefined, (err: unknown) => err);
    await gated.stop();
    await team?.close();
    await lock.release();
    signals.dispose();
    if (closeFault !== undefined) throw fsFaultAsPaused(closeFault, shownState, "save the state file");
  }
}

/** The API client, the team's quota gate, and the account links checked: step 3 of `runLive`. */
async function connectToApi(
  campaign: Campaign,
  opts: LiveRunOptions,
  clock: Clock,
  stop: AbortSignal,
  stateFile: string,
): Promise<{ api: InboxApi; team: Awaited<ReturnType<typeof joinTeamOf>>; gated: ApiLimiter; serverClock: ServerClock; accountNames: Map<string, string> }> {
  // Every request, these checks included, counts against the team quota: all go through the gate.
  let gate: ApiLimiter | undefined;
  // The API's clock, measured from every response: its times (createdAt, resets) are read through it.
  const serverClock = new ServerClock((offsetMs) => opts.emit({ type: "clock.skew", at: clock.now(), offsetMs }));
  const api: InboxApi = new InboxClient({
    env: opts.env,
    clock,
    serverClock,
    ...(opts.connection ? { baseUrl: opts.connection.baseUrl, token: opts.connection.token } : {}),
    ...(opts.connection?.fetch ? { fetch: opts.connection.fetch } : {}),
    onResponse: (info, status) => gate?.observe(info, status),
    stop,
  });
  const team = opts.solo ? undefined : await joinTeamOf(campaign, opts.env, api, clock, stateFile, opts.note);
  const gated = team?.gate ?? createApiLimiter({ windows: campaign.pacing.api, clock });
  gate = gated;
  gated.onHold = (until, reason) => opts.emit({ type: "rate.held", at: clock.now(), until, reason });
  const learnedLimits = new Set<number>();
  gated.onLearned = (w) => {
    if (learnedLimits.has(w.limit)) return;
    learnedLimits.add(w.limit);
    opts.note("info", `the Inbox API allows this team ${w.limit} requests per window, fewer than configured: pacing to the server's limit (its window's length is learned from its rate-limit headers)`);
  };
  try {
    const accountNames = await checkAccounts(campaign, { listAccountLinks: (o) => gated.schedule(() => api.listAccountLinks(o)) }, clock, opts.note);
    return { api, team, gated, serverClock, accountNames };
  } catch (err) {
    // The team's Redis connection would keep the process alive.
    await gated.stop();
    await team?.close();
    throw err;
  }
}

function finish(result: RunResult, stateFile: string): RunResult {
  const resume = `run the same command again to resume: ${sameCommand()}`;
  if (result.outcome === "interrupted") {
    throw new InterruptedError(`Stopped. Progress is saved in ${displayPath(stateFile)}; nothing will be sent twice.`, { hint: resume });
  }
  if (result.outcome === "paused") {
    throw new PausedError(`Campaign paused: ${result.summary.pausedReason ?? "too many errors"}`, {
      hint: `progress is saved in ${displayPath(stateFile)}; fix the cause, then ${resume}`,
    });
  }
  return result;
}

/**
 * The token works and every configured account link exists and can send.
 * @returns each account link id's X username, for the pre-flight summary
 */
async function checkAccounts(campaign: Campaign, api: Pick<InboxApi, "listAccountLinks">, clock: Clock, note: LiveRunOptions["note"]): Promise<Map<string, string>> {
  const links = await fetchAccountLinks(api, clock, note);
  const byId = new Map(links.map((l) => [l.id, l]));
  const problems: string[] = [];
  for (const id of campaign.accounts) {
    const link = byId.get(id);
    if (!link) problems.push(`unknown account link id "${id}"`);
    else if (link.status !== "active") problems.push(`account link "${id}" (@${link.username}) is ${link.status}: reconnect it in Inbox`);
  }
  if (problems.length > 0) {
    const known = links.map((l) => `${l.id} (@${l.username}, ${l.status})`).join(", ") || "none";
    throw new UserError(`${displayPath(campaign.file)} accounts: ${problems.join("; ")}; nothing was sent`, {
      hint: `the team's account links are: ${known} (list them with: ${commandName()} accounts)`,
    });
  }
  return new Map(links.map((l) => [l.id, l.username]));
}


async function checkChanges(store: StateStore, fingerprint: Awaited<ReturnType<typeof computeFingerprint>>, campaign: Campaign, opts: LiveRunOptions): Promise<void> {
  const old = store.meta.fingerprint;
  if (JSON.stringify(old) === JSON.stringify(fingerprint)) return;
  const prefix = fingerprint.csv.size > old.csv.size ? await hashFilePrefix(campaign.leads.file, old.csv.size) : undefined;
  const { changes } = diffFingerprint(old, fingerprint, prefix);
  const blocking = changes.filter((c) => c.severity === "needs-flag");
  for (const c of changes) opts.note(c.severity === "info" ? "info" : "warn", `since the last run: ${c.what}`);
  if (blocking.length > 0 && !opts.acceptChanges) {
    throw new UserError(`the campaign changed since the last run in ways that could message people again; nothing was sent`, {
      problems: blocking.map((c) => ({ file: displayPath(campaign.file), message: c.what })),
      hint: "review the changes, then run again with --accept-changes to continue with the new inputs",
    });
  }
  await store.patchMeta({ fingerprint });
}

async function createReplySource(
  campaign: Campaign,
  api: InboxApi,
  gate: ApiLimiter,
  clock: Clock,
  serverClock: ServerClock,
  store: StateStore,
  opts: LiveRunOptions,
): Promise<ReplySource> {
  const hook = campaign.replies.webhook;
  if (campaign.replies.source !== "webhook" || !hook) return eventsReplySource(api, gate, clock, store);
  const secret = opts.env.INBOX_WEBHOOK_SECRET ?? "";
  // Signatures carry the server's time (t=…, 300 s tolerance): check them against the server's clock.
  const signatureClock: Clock = { now: () => serverClock.toServer(clock.now()), sleep: (ms, signal) => clock.sleep(ms, signal) };
  const source = await webhookReplySource({ ...hook, secret }, api, gate, clock, signatureClock, store, (reason) =>
    opts.note("warn", `webhook delivery rejected: ${reason}`),
  );
  opts.note("info", `listening for webhooks on ${source.url}`);
  return source;
}

async function readTemplates(campaign: Campaign): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const step of [...campaign.sequence, ...campaign.replySteps]) {
    if (step.template) out[step.id] = await readFile(step.template, "utf8");
  }
  return out;
}

/** First Ctrl-C/SIGTERM: stop taking work, finish what is in flight, save. Second: exit now (state stays consistent). */
function installSignals(stop: AbortController, note: LiveRunOptions["note"]): { dispose(): void } {
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stop.signal.aborted) {
      process.stderr.write("\nsecond interrupt: exiting now. Uncertain sends will be reconciled on the next run.\n");
      process.exit(130);
    }
    note("warn", `${signal}: finishing sends in flight and saving progress (press Ctrl-C again to exit at once)`);
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
