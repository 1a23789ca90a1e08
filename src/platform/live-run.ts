/**
 * `outreach run` for real (or against the embedded sandbox): the one place where the engine's ports
 * meet real implementations — the HTTP client, the state file and its lock, the Bottleneck gate,
 * the reply source, signals and the wall (or simulated) clock. Everything that can be checked
 * before a message is sent is checked first: the leads, every rendered message, the token, the
 * account links, the lock, and what changed since the last run.
 */
import { displayPath } from "../config/load.js";
import { mkdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { Campaign } from "../config/types.js";
import type { RunResult } from "../engine/engine.js";
import { runCampaign } from "../engine/engine.js";
import type { EngineEvent } from "../engine/events.js";
import { buildPreflight, type Preflight } from "../engine/preflight.js";
import type { ReplySource } from "../engine/ports.js";
import { InterruptedError, PausedError, UserError } from "../errors.js";
import { InboxClient } from "../inbox/client.js";
import type { InboxApi } from "../inbox/types.js";
import { appendSuppression } from "../leads/suppression.js";
import type { Lead, LeadProblemReason } from "../leads/types.js";
import { createRenderer } from "../render/renderer.js";
import { AccountLanes } from "../schedule/account-lanes.js";
import { AccountPacer } from "../schedule/account-pacer.js";
import { createApiLimiter } from "../schedule/api-limiter.js";
import { computeFingerprint, diffFingerprint, hashFilePrefix } from "../state/fingerprint.js";
import { acquireLock } from "../state/lock.js";
import { openState, readStateSnapshot, type StateStore } from "../state/store.js";
import { systemClock, type Clock } from "./clock.js";
import { fetchAccountLinks } from "./account-links.js";
import { collectLeads } from "./collect-leads.js";
import { commandName } from "./invocation.js";
import { eventsReplySource, webhookReplySource } from "./reply-sources.js";

export interface LiveRunOptions {
  once: boolean;
  limit?: number;
  acceptChanges: boolean;
  allowPartial: boolean;
  retryFailed?: boolean;
  maxConsecutiveFailures: number;
  env: NodeJS.ProcessEnv;
  /** Overrides for a rehearsal: the embedded sandbox's URL and token, a simulated clock, temp files. */
  connection?: { baseUrl: string; token: string };
  clock?: Clock;
  stateFile?: string;
  suppressionFile?: string;
  /** Polling interval override (a simulated clock polls less often: it only has to see replies in time). */
  pollIntervalMs?: number;
  /** Another reason to stop gracefully, like Ctrl-C (e.g. the output pipe closed). */
  stop?: AbortSignal;
  /** Skip fdatasync on `sending` (benchmarks only). */
  fsync?: boolean;
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
  const clock = opts.clock ?? systemClock;
  const stateFile = opts.stateFile ?? campaign.stateFile;
  const suppressionFile = opts.suppressionFile ?? campaign.suppressionFile;

  // 1. Inputs: every lead read and every message rendered before anything is sent.
  const renderer = await createRenderer(campaign);
  const problems = new Map<LeadProblemReason, number>();
  const leads = await collectLeads(campaign, suppressionFile, (p) => {
    problems.set(p.reason, (problems.get(p.reason) ?? 0) + 1);
    opts.emit({ type: "leads.problem", at: clock.now(), ...p });
  });
  const unrenderable = checkRenders(campaign, leads, renderer, opts.allowPartial);

  // 2. The API: token and account links, checked with one read each.
  // Every request, these checks included, counts against the team quota: all go through the gate.
  const stop = new AbortController();
  const gate = createApiLimiter({ windows: campaign.pacing.api, clock });
  gate.onHold = (until, reason) => opts.emit({ type: "rate.held", at: clock.now(), until, reason });
  const api: InboxApi = new InboxClient({
    env: opts.env,
    clock,
    ...(opts.connection ? { baseUrl: opts.connection.baseUrl, token: opts.connection.token } : {}),
    onResponse: (info, status) => gate.observe(info, status),
  });
  const accountNames = await checkAccounts(campaign, { listAccountLinks: (o) => gate.schedule(() => api.listAccountLinks(o)) }, clock, opts.note);

  // 3. State: the lock first, then the file, then what changed since the last run. The lock lives
  // beside the state file, so its directory (default .outreach/) must exist before the first run locks.
  await mkdir(dirname(stateFile), { recursive: true });
  const lock = await acquireLock(stateFile, { pid: process.pid, hostname: hostname(), now: clock.now() });
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
      const snapshot = await readStateSnapshot(stateFile);
      await opts.preflight(
        buildPreflight({ campaign, leads, stateOf: (id) => snapshot?.leads[id], problems, unrenderable, accountNames, now: clock.now() }),
      );
    }
    const templateTexts = await readTemplates(campaign);
    const fingerprint = await computeFingerprint(campaign, templateTexts);
    store = await openState({
      file: stateFile,
      campaign: campaign.name,
      fingerprint,
      clock,
      ...(opts.fsync === false ? { fsyncSending: false } : {}),
      onWarning: (m) => opts.note("warn", m),
    });
    await checkChanges(store, fingerprint, campaign, opts);

    replies = await createReplySource(campaign, api, gate, clock, store, opts);
    const result = await runCampaign({
      campaign,
      leads,
      api,
      gate,
      pacing: new AccountPacer(campaign.pacing.perAccount),
      lanes,
      store,
      renderer,
      replies,
      clock,
      suppress: async (id, note) => {
        if (suppressionFile) await appendSuppression(suppressionFile, id, note);
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
    return finish(result, campaign, stateFile);
  } finally {
    // Signal handlers stay until the state is saved: a Ctrl-C during cleanup is a "second" one.
    await replies?.close?.();
    await lanes.stop();
    await store?.close();
    await gate.stop();
    await lock.release();
    signals.dispose();
  }
}

function finish(result: RunResult, campaign: Campaign, stateFile: string): RunResult {
  const resume = `run the same command again to resume: ${commandName()} run ${displayPath(campaign.file)}`;
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
 * Every lead × message step renders, or the run refuses to start (unless --allow-partial).
 * @returns how many leads have a message that cannot be rendered (they will be marked failed)
 */
function checkRenders(campaign: Campaign, leads: Lead[], renderer: Awaited<ReturnType<typeof createRenderer>>, allowPartial: boolean): number {
  const steps = [...campaign.sequence.map((s) => s.id), ...campaign.replySteps.filter((s) => s.template).map((s) => s.id)];
  const bad: string[] = [];
  let count = 0;
  let badLeads = 0;
  for (const lead of leads) {
    let ok = true;
    for (const step of steps) {
      const r = renderer.render(step, lead);
      if (!r.ok) {
        count++;
        ok = false;
        if (bad.length < 10) bad.push(`line ${lead.line} (lead ${lead.id}) step ${step}: ${r.errors.map((e) => e.message).join("; ")}`);
      }
    }
    if (!ok) badLeads++;
  }
  if (count > 0 && !allowPartial) {
    throw new UserError(`${count} message${count === 1 ? "" : "s"} cannot be rendered; nothing was sent`, {
      problems: bad.map((message) => ({ file: displayPath(campaign.leads.file), message })),
      hint: `preview them with: ${commandName()} run ${displayPath(campaign.file)} --dry-run  (or pass --allow-partial to send to the other leads; these leads will be marked failed)`,
    });
  }
  return badLeads;
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
      hint: `the team's account links are: ${known} (list them with: outreach accounts)`,
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
  gate: ReturnType<typeof createApiLimiter>,
  clock: Clock,
  store: StateStore,
  opts: LiveRunOptions,
): Promise<ReplySource> {
  const hook = campaign.replies.webhook;
  if (campaign.replies.source !== "webhook" || !hook) return eventsReplySource(api, gate, clock, store);
  const secret = opts.env.INBOX_WEBHOOK_SECRET ?? "";
  const source = await webhookReplySource({ ...hook, secret }, api, gate, clock, store, (reason) =>
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
