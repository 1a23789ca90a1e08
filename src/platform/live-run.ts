/**
 * `outreach run` for real (or against the embedded sandbox): the one place where the engine's ports
 * meet real implementations — the HTTP client, the state file and its lock, the account lanes and the quota gate,
 * the reply source, signals and the wall (or simulated) clock. Everything that can be checked
 * before a message is sent is checked first: the leads, every rendered message, the token, the
 * account links, the lock, and what changed since the last run.
 */
import { displayPath } from "../config/load.js";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type { Campaign } from "../config/types.js";
import type { RunResult } from "../engine/engine.js";
import { runCampaign } from "../engine/engine.js";
import type { EngineEvent } from "../engine/events.js";
import type { ReplySource } from "../engine/ports.js";
import { InterruptedError, PausedError, UserError } from "../errors.js";
import { fsFaultAsPaused, fsFaultAsUserError } from "../files/fs-faults.js";
import { ensurePrivateDir } from "../files/private-files.js";
import { InboxClient } from "../inbox/client.js";
import { AuthError, InboxError, NetworkError, RateLimitedError, ServerError, TimeoutError } from "../inbox/errors.js";
import type { InboxApi } from "../inbox/types.js";
import { appendSuppression } from "../leads/suppression.js";
import type { Lead } from "../leads/types.js";
import { createRenderer } from "../render/renderer.js";
import { AccountLanes } from "../schedule/account-lanes.js";
import { AccountPacer } from "../schedule/account-pacer.js";
import { createApiLimiter } from "../schedule/api-limiter.js";
import { computeFingerprint, diffFingerprint, hashFilePrefix } from "../state/fingerprint.js";
import { acquireLock } from "../state/lock.js";
import { openState, type StateStore } from "../state/store.js";
import { systemClock, type Clock } from "./clock.js";
import { collectLeads } from "./collect-leads.js";
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
  /** Continue although the state journal does not belong to the state file (`--repair-state`; load.ts). */
  repairState?: boolean;
  /** Skip fdatasync on `sending` (benchmarks only). */
  fsync?: boolean;
  emit(event: EngineEvent): void;
  note(level: "info" | "warn", message: string): void;
}

export async function runLive(campaign: Campaign, opts: LiveRunOptions): Promise<RunResult> {
  const clock = opts.clock ?? systemClock;
  const stateFile = opts.stateFile ?? campaign.stateFile;
  const suppressionFile = opts.suppressionFile ?? campaign.suppressionFile;

  // 1. Inputs: every lead read and every message rendered before anything is sent.
  const renderer = await createRenderer(campaign);
  const leads = await collectLeads(campaign, suppressionFile, (p) => opts.emit({ type: "leads.problem", at: clock.now(), ...p }));
  checkRenders(campaign, leads, renderer, opts.allowPartial);

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
  await checkAccounts(campaign, { listAccountLinks: (o) => gate.schedule(() => api.listAccountLinks(o)) }, clock, opts.note);

  // 3. State: the lock first, then the file, then what changed since the last run. The lock lives
  // beside the state file, so its directory (default .outreach/, 0700) must exist before the first run locks.
  // Until the first send, a filesystem fault (a directory at the path, no permission, a read-only or
  // full disk) is the user's to fix: exit 1 with the path and the fix.
  const shownState = displayPath(stateFile);
  const lock = await ensurePrivateDir(dirname(stateFile))
    .then(() => acquireLock(stateFile, { pid: process.pid, hostname: hostname(), now: clock.now() }))
    .catch((err: unknown) => {
      throw fsFaultAsUserError(err, `${shownState}.lock`, "lock the state file");
    });
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
    const templateTexts = await readTemplates(campaign);
    const fingerprint = await computeFingerprint(campaign, templateTexts);
    try {
      store = await openState({
        file: stateFile,
        campaign: campaign.name,
        fingerprint,
        clock,
        ...(opts.fsync === false ? { fsyncSending: false } : {}),
        ...(opts.repairState ? { repair: true } : {}),
        onWarning: (m) => opts.note("warn", m),
      });
      await checkChanges(store, fingerprint, campaign, opts);
    } catch (err) {
      throw fsFaultAsUserError(err, shownState, "open the state file");
    }

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
    return finish(result, campaign, stateFile);
  } finally {
    // Signal handlers stay until the state is saved: a Ctrl-C during cleanup is a "second" one.
    await replies?.close?.();
    await lanes.stop();
    // The journal holds everything until a compaction completes, so a failed final compaction (a
    // full disk) loses nothing; it is reported once cleanup is done, the lock released.
    const closeFault = await store?.close().then(() => undefined, (err: unknown) => err);
    await gate.stop();
    await lock.release();
    signals.dispose();
    if (closeFault !== undefined) throw fsFaultAsPaused(closeFault, shownState, "save the state file");
  }
}

function finish(result: RunResult, campaign: Campaign, stateFile: string): RunResult {
  const resume = `run the same command again to resume: outreach run ${displayPath(campaign.file)}`;
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

/** Every lead × message step renders, or the run refuses to start (unless --allow-partial). */
function checkRenders(campaign: Campaign, leads: Lead[], renderer: Awaited<ReturnType<typeof createRenderer>>, allowPartial: boolean): void {
  const steps = [...campaign.sequence.map((s) => s.id), ...campaign.replySteps.filter((s) => s.template).map((s) => s.id)];
  const bad: string[] = [];
  let count = 0;
  for (const lead of leads) {
    for (const step of steps) {
      const r = renderer.render(step, lead);
      if (!r.ok) {
        count++;
        if (bad.length < 10) bad.push(`line ${lead.line} (lead ${lead.id}) step ${step}: ${r.errors.map((e) => e.message).join("; ")}`);
      }
    }
  }
  if (count > 0 && !allowPartial) {
    throw new UserError(`${count} message${count === 1 ? "" : "s"} cannot be rendered; nothing was sent`, {
      problems: bad.map((message) => ({ file: displayPath(campaign.leads.file), message })),
      hint: `preview them with: outreach run ${displayPath(campaign.file)} --dry-run  (or pass --allow-partial to send to the other leads; these leads will be marked failed)`,
    });
  }
}

/** The token works and every configured account link exists and can send. */
async function checkAccounts(campaign: Campaign, api: Pick<InboxApi, "listAccountLinks">, clock: Clock, note: LiveRunOptions["note"]): Promise<void> {
  let links;
  try {
    links = await listAccountLinksPatiently(api, clock, note);
  } catch (err) {
    if (err instanceof AuthError && err.status === 401) {
      throw new UserError("the Inbox API rejected INBOX_API_TOKEN (401 Unauthorized); nothing was sent", {
        hint: "create a new token in Inbox → Settings → API and export INBOX_API_TOKEN=…, or rehearse with --sandbox",
        cause: err,
      });
    }
    if (err instanceof InboxError) throw new UserError(`could not start: ${err.message}`, { cause: err });
    throw err;
  }
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
      hint: `the team's account links are: ${known}`,
    });
  }
}

/** Start-up rate-limit waits before giving up: the team's quota is shared, so another client may have spent it. */
const STARTUP_429_ATTEMPTS = 5;

/** GET /account-links, waiting out 429s (a full quota is no input error); other errors go to the caller. */
async function listAccountLinksPatiently(api: Pick<InboxApi, "listAccountLinks">, clock: Clock, note: LiveRunOptions["note"]) {
  for (let attempt = 1; ; attempt++) {
    try {
      // The first try fails fast on a refused connection (a wrong INBOX_API_URL, not a blip: the
      // client's read retries would keep the user waiting 15 s in silence); later tries retry as usual.
      return await api.listAccountLinks(attempt === 1 ? { retry: false } : undefined);
    } catch (err) {
      // Nothing listens at that address: a wrong URL or the service is down. Say so now.
      if (err instanceof NetworkError && err.isConnectFailure) throw err;
      // Any other transient failure of the fast first try: try again, with the client's usual retries.
      if (attempt === 1 && (err instanceof ServerError || err instanceof TimeoutError || err instanceof NetworkError)) continue;
      if (!(err instanceof RateLimitedError) || attempt >= STARTUP_429_ATTEMPTS) throw err;
      note("warn", `the Inbox API is rate limiting the team (429); checking the account links again in ${Math.ceil(err.retryAfterMs / 1000)} s`);
      await clock.sleep(err.retryAfterMs);
    }
  }
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
