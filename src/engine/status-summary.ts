/**
 * What `outreach status` reports, in two stages so the costly one can be kept:
 *
 * 1. `summarizeStatus` walks every CSV lead and its state once and keeps what
 *    does not depend on the time of asking — the counts, the failures, the leads to review — plus the
 *    few inputs the time-dependent parts need: the zones of the leads not started, the earliest
 *    follow-up of each account in each zone, and each account's recent send times.
 * 2. `statusAt(summary, now)` finishes the report for `now` in microseconds: each account's sends in
 *    the last hour and 24 h, and the next send after caps, gaps and windows (`projectFirstSend`).
 *
 * The two stages give exactly what one pass at `now` gives, for any `now` at or after the summary's
 * `computedAt` (test/unit/engine/status-summary.test.ts checks that against random states).
 */
import type { Campaign } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { LeadMap } from "../state/lead-map.js";
import type { StepCounts } from "./events.js";
import { projectFirstSend, RemainingTally, type RemainingWork } from "./remaining.js";
import { reviewItem, sortReviewItems, type ReviewItem } from "./review.js";
import { StepTally } from "./summary.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface AccountProgress {
  id: string;
  /** Leads bound to this account. */
  leads: number;
  sentLastHour: number;
  perHour: number;
  sentLast24h: number;
  perDay: number;
}

export interface StatusReport {
  campaign: string;
  stateFile: string;
  /** False before the first run: nothing has been sent and there is no state file. */
  started: boolean;
  /**
   * Every valid lead of the CSV, where it stands. `notStarted`: not sent its first message yet (bound
   * to an account or not); `waitingForFollowUp`: sent it, a sequence step still to come.
   */
  leads: { total: number; notStarted: number; waitingForFollowUp: number; openForReplies: number; finished: number; failed: number };
  /** CSV rows that will not be messaged (bad id, duplicate, suppressed, …). */
  skippedRows: number;
  /** Leads with a record in the state file. */
  leadsInState: number;
  steps: StepCounts[];
  contacted: number;
  replied: number;
  replyRate: number;
  optedOut: number;
  /** Replies that may be opt-outs, awaiting a person (`outreach review`). */
  needsReview: ReviewItem[];
  finished: number;
  /** When the next message would go out (epoch ms), caps, gaps and windows applied; null when nothing is left to send. */
  nextDueAt: number | null;
  accounts: AccountProgress[];
  failures: { reason: string; count: number; leads: string[] }[];
  /** Leads given no first message: already in conversation with the team, or claimed by another campaign. First 50. */
  notContacted: { leadId: string; reason: string }[];
  notContactedCount: number;
  replySteps: { stepId: string; sent: number; skipped: number; failed: number; pending: number }[];
  /**
   * The run holding the campaign's lock as status asked (its pid, host — set only when another host's,
   * whose liveness cannot be checked from here — and start, epoch ms), or null when none is running.
   */
  running: { pid: number; hostname?: string; startedAt: number } | null;
}

/** What status needs of a CSV lead: its id and zone (not its columns: 100,000 leads' fields are ~40 MB). */
export interface StatusLead {
  id: string;
  timezone?: string;
}

/**
 * The report without its time-dependent parts, and what those need. Plain JSON (kept in a file by
 * state/status-cache.ts): a few KB however many leads, except `recentSends`, which holds every send
 * of the last 24 h (at most the accounts' daily caps when the caps held).
 */
export interface StatusSummary {
  /** Epoch ms the summary was made at; `statusAt` is exact for any `now` >= this. */
  computedAt: number;
  report: Omit<StatusReport, "nextDueAt" | "accounts" | "running">;
  /** Leads bound to each account, in campaign order. */
  accountLeads: number[];
  /** The distinct zones of the leads not started (null: the campaign's), in CSV order of first use. */
  toStartZones: (string | null)[];
  /** How many leads are not started (the projection only needs which zones they are in). */
  toStart: number;
  /** The earliest follow-up of each account in each zone: a later one of the same pair cannot go first. */
  followUps: RemainingWork["followUps"];
  /** Each account's message times (epoch ms, ascending) after `computedAt` − 24 h, future ones included. */
  recentSends: Record<string, number[]>;
}

/**
 * The leads' states as the summary reads them: `peek` (when there) reads a lead without keeping it
 * (state/lead-lines.ts: a 100,000-lead state is decoded one lead at a time and let go), else `get`.
 */
export type StatusLeads = Pick<LeadMap, "get" | "size"> & { peek?(id: string): LeadState | undefined };

/**
 * The summary's definition: one pass over the CSV's leads and their states (undefined before the first
 * run), each lead's state read once and let go. `outreach status` makes the same summary from facts it
 * can keep (engine/status-facts.ts summarizeFacts); tests hold the two equal over random states. `csvLeads` are the valid rows as a run reads them, in CSV order; `skippedRows`
 * the others.
 */
export function summarizeStatus(
  campaign: Pick<Campaign, "name" | "stateFile" | "sequence" | "replySteps" | "accounts">,
  state: { leads: StatusLeads } | undefined,
  csvLeads: Iterable<StatusLead>,
  skippedRows: number,
  computedAt: number,
): StatusSummary {
  const leads = state?.leads;
  const read = leads === undefined ? () => undefined : leads.peek ? (id: string) => leads.peek!(id) : (id: string) => leads.get(id);
  const steps = new StepTally(campaign);
  // Sends up to a day after computedAt count too: a clock that was ahead wrote them, and they come
  // into the last 24 h as `now` moves on.
  const remaining = new RemainingTally(campaign, computedAt, { sendsFrom: computedAt - DAY, sendsTo: Number.POSITIVE_INFINITY }, { earliestOnly: true });
  const firstStep = campaign.sequence[0]?.id ?? "";
  let contacted = 0;
  const notContacted: { leadId: string; reason: string }[] = [];
  let notContactedCount = 0;
  const leadsPer = new Map<string, number>();
  const review: ReviewItem[] = [];
  const failures = new FailureGroups();
  let csvCount = 0;
  for (const lead of csvLeads) {
    csvCount++;
    const s = read(lead.id);
    remaining.add(lead, s);
    if (s === undefined) continue;
    steps.add(s);
    if (Object.values(s.steps).some((r) => r.status === "sent")) contacted++;
    const first = s.steps[firstStep];
    if (first?.status === "skipped" && notContactedCount++ < NOT_CONTACTED_SHOWN) notContacted.push({ leadId: s.id, reason: first.reason ?? "skipped" });
    if (s.account) leadsPer.set(s.account, (leadsPer.get(s.account) ?? 0) + 1);
    const item = reviewItem(s);
    if (item) review.push(item);
    failures.add(s);
  }
  const counts = steps.totals(csvCount);
  const work = remaining.work();
  return {
    computedAt,
    report: {
      campaign: campaign.name,
      stateFile: campaign.stateFile,
      started: leads !== undefined && leads.size > 0,
      leads: {
        total: work.leads,
        // A lead bound to an account but not yet sent its first message is not started, to a person.
        notStarted: remaining.notStarted + remaining.firstStepWaiting,
        waitingForFollowUp: remaining.waiting - remaining.firstStepWaiting,
        openForReplies: work.openForReplies,
        finished: work.finished,
        failed: work.failed,
      },
      skippedRows,
      leadsInState: leads?.size ?? 0,
      steps: counts.steps,
      contacted,
      replied: counts.replied,
      replyRate: contacted ? counts.replied / contacted : 0,
      optedOut: counts.optedOut,
      needsReview: sortReviewItems(review),
      finished: counts.finished,
      failures: failures.groups(),
      notContacted,
      notContactedCount,
      replySteps: counts.steps.filter((s) => s.kind === "reply").map(({ stepId, sent, skipped, failed, pending }) => ({ stepId, sent, skipped, failed, pending })),
    },
    accountLeads: campaign.accounts.map((a) => leadsPer.get(a) ?? 0),
    toStartZones: work.toStart.map((z) => z ?? null),
    toStart: remaining.notStarted,
    followUps: work.followUps,
    recentSends: Object.fromEntries(work.recentSends),
  };
}

/** Leads given no first message that the report names (the rest are counted). */
const NOT_CONTACTED_SHOWN = 50;
/** Leads each failure reason names (the rest are counted). */
const FAILED_LEADS_SHOWN = 20;

/**
 * The whole report at `now` (>= `summary.computedAt`; earlier gives the caps too few sends), with the
 * run in progress `running` (never kept: asked at each status).
 */
export function statusAt(campaign: Pick<Campaign, "sequence" | "accounts" | "pacing">, summary: StatusSummary, now: number, running: StatusReport["running"] = null): StatusReport {
  const recentSends = new Map<string, number[]>();
  for (const id of campaign.accounts) {
    recentSends.set(id, (summary.recentSends[id] ?? []).filter((t) => t > now - DAY && t <= now));
  }
  // The projection takes the zones of the leads not started, one entry per zone: which zones have
  // such a lead is all that decides when the first of them can go.
  const toStart = summary.toStartZones.map((z) => z ?? undefined);
  const work: RemainingWork = { leads: 0, toStart, followUps: summary.followUps, openForReplies: 0, finished: 0, failed: 0, recentSends };
  const nextDueAt = projectFirstSend(campaign, work, now);
  const { perHour, perDay } = campaign.pacing.perAccount;
  return {
    ...summary.report,
    running,
    nextDueAt: nextDueAt ?? null,
    accounts: campaign.accounts.map((id, i) => {
      const recent = recentSends.get(id) ?? [];
      return {
        id,
        leads: summary.accountLeads[i] ?? 0,
        sentLastHour: recent.filter((t) => t > now - HOUR).length,
        perHour,
        sentLast24h: recent.length,
        perDay,
      };
    }),
  };
}

/** Failed steps grouped by "step: reason", most frequent first, each naming its first leads. */
class FailureGroups {
  private readonly byReason = new Map<string, { count: number; leads: string[] }>();

  add(lead: LeadState): void {
    for (const [stepId, rec] of Object.entries(lead.steps)) {
      if (rec.status !== "failed") continue;
      const key = `${stepId}: ${rec.reason ?? "unknown"}`;
      const f = this.byReason.get(key) ?? { count: 0, leads: [] };
      f.count++;
      if (f.leads.length < FAILED_LEADS_SHOWN) f.leads.push(lead.id);
      this.byReason.set(key, f);
    }
  }

  groups(): StatusReport["failures"] {
    return [...this.byReason].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count);
  }
}
