/**
 * What the engine needs from the outside world, declared here so the engine knows nothing of HTTP,
 * files or the wall clock. `src/platform/wire-run.ts` plugs in the real implementations; tests plug
 * in fakes. (listmonk's campaign manager declares its Store and Messenger the same way.)
 */
import type { Campaign } from "../config/types.js";
import type { Problem } from "../errors.js";
import type { InboxApi, RateLimitInfo } from "../inbox/types.js";
import type { Lead } from "../leads/types.js";
import type { Clock } from "../platform/clock.js";
import type { InboundReply } from "../replies/inbound.js";
import type { LeadState, StateMeta, StepRecord } from "../state/types.js";
import type { EngineEvent } from "./events.js";

/** Durable progress. `setStep` with status "sending" resolves only once the record is on disk. */
export interface ProgressStore {
  readonly meta: StateMeta;
  lead(id: string): LeadState | undefined;
  leads(): IterableIterator<LeadState>;
  setStep(leadId: string, stepId: string, record: StepRecord): Promise<void>;
  /** A field given as undefined is cleared. */
  patchLead(leadId: string, patch: { [K in keyof Omit<LeadState, "id" | "steps">]?: LeadState[K] | undefined }): Promise<void>;
  patchMeta(patch: Partial<StateMeta>): Promise<void>;
}

/**
 * A rendered message, or why it cannot be sent. An error with scope "template" fails every lead the same
 * way (report it once, with a count); notes flag a message that renders but deserves a look.
 */
export type RenderResult =
  | { ok: true; text: string; notes?: { variable: string; value: string; firstName: string; reason: string }[] }
  | { ok: false; errors: { variable?: string; message: string; scope?: "template"; problem?: Problem }[] };

export interface MessageRenderer {
  render(stepId: string, lead: Lead): RenderResult;
}

/** The team API quota: every request goes through `schedule`. */
export interface RequestGate {
  schedule<T>(fn: () => Promise<T>, opts?: { priority?: number; signal?: AbortSignal }): Promise<T>;
  observe(info: RateLimitInfo, status: number): void;
  holdUntil(at: number, reason: string): void;
}

/**
 * Team-wide claims on new leads (lead → campaign, Redis SET NX), so two campaigns starting together
 * never both open a conversation with the same lead. Absent without a team Redis.
 */
export interface LeadClaims {
  /**
   * Claims `leadId` for this campaign, or renews our own claim (a restart after kill -9 finds it ours).
   * @returns undefined when the lead is ours, else the name of the campaign that holds it.
   * @throws when the claim store is unreachable (nothing may be sent then: try later).
   */
  claim(leadId: string): Promise<string | undefined>;
}

/** Per-account caps and random gaps. */
export interface AccountPacing {
  nextAllowedAt(account: string, now: number): number;
  recordSend(account: string, at: number): void;
  restore(account: string, sendTimes: number[]): void;
  /** What keeps the account from sending at `now` (gap, hourly or daily cap) and until when; undefined when free. */
  blockedBy?(account: string, now: number): { cap: "gap" | "hourly" | "daily"; until: number } | undefined;
}

/** A reply and how it reached us (webhook delivery or Events API poll). */
export type ReceivedReply = InboundReply & { via: "events" | "webhook" };

/** One lane per sender account: its work runs one piece at a time, by priority (0 first). */
export interface AccountLanes {
  isBusy(account: string): boolean;
  run<T>(account: string, priority: number, fn: () => Promise<T>): Promise<T>;
}

/** A batch of replies from one poll; `commit` persists the cursor once the replies are recorded. */
export interface ReplyBatch {
  replies: ReceivedReply[];
  /** Set when replies may have been missed (retention exceeded, seq gap); the engine then checks threads. */
  gap?: string;
  /** More is waiting: commit this batch, then fetch again at once. */
  more?: boolean;
  commit(): Promise<void>;
}

export interface ReplySource {
  /** Fetches what arrived since the last commit (Events API page loop, or the webhook queue). */
  fetch(signal?: AbortSignal): Promise<ReplyBatch>;
  /** Resolves when pushed replies are waiting (webhooks), so a sleeping engine wakes at once. */
  arrival?(): Promise<void>;
  /** True when pushed replies are waiting to be fetched. */
  hasPending?(): boolean;
  close?(): Promise<void>;
}

/**
 * The Inbox API server's clock as measured from its responses (inbox/server-clock.ts). Times the API
 * writes (createdAt) are converted with it before they meet times of our clock, and back.
 */
export interface ServerTime {
  /** Our clock's epoch ms → the server's. */
  toServer(localMs: number): number;
  /** The server's epoch ms → ours. */
  toLocal(serverMs: number): number;
}

/** The two clocks taken to agree: what the engine assumes when no measurement is wired in (tests, fakes). */
export const SAME_CLOCK: ServerTime = { toServer: (ms) => ms, toLocal: (ms) => ms };

/** The deps' server clock, or SAME_CLOCK. */
export function serverTimeOf(deps: Pick<EngineDeps, "serverTime">): ServerTime {
  return deps.serverTime ?? SAME_CLOCK;
}

export interface EngineOptions {
  /** Do only what is due now, then exit (for cron). */
  once: boolean;
  /** Send at most this many messages in this run. */
  limit?: number;
  /** Failures of one kind in a row that pause the whole run. Default 5. */
  maxConsecutiveFailures: number;
  /** How often to poll for replies (ms of the engine's clock). */
  pollIntervalMs: number;
  /** Fall back to per-thread checks for all open leads when replies may have been missed. */
  checkThreadsOnGap: boolean;
  /** Give failed steps another chance (after fixing their cause): failed → pending, the lead reopened. */
  retryFailed?: boolean;
}

export interface EngineDeps {
  campaign: Campaign;
  /** Every valid lead, in CSV order. */
  leads: Lead[];
  /**
   * Ids of CSV rows skipped because the suppression file lists them. The run never works on them; one
   * that this campaign finished (an opt-out appends the lead to that file) is still one of its leads in
   * the counts it reports, as `outreach status` counts it. Default: none.
   */
  suppressedIds?: readonly string[];
  api: InboxApi;
  gate: RequestGate;
  pacing: AccountPacing;
  lanes: AccountLanes;
  store: ProgressStore;
  renderer: MessageRenderer;
  replies: ReplySource;
  clock: Clock;
  /** Team-wide lead claims; absent without a team Redis. */
  claims?: LeadClaims;
  /** The API server's clock relative to `clock`; default SAME_CLOCK. */
  serverTime?: ServerTime;
  /** Appends an id to the do-not-contact file (opt-outs). */
  suppress(leadId: string, note: string): Promise<void>;
  emit(event: EngineEvent): void;
  /** Aborted on Ctrl-C/SIGTERM: stop taking new work, finish or reconcile what is in flight. */
  stop: AbortSignal;
  options: EngineOptions;
}
