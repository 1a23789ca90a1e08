/**
 * What the campaign report shows, derived from the state alone (no API call): the funnel per step,
 * replies over time, opt-outs and replies a person should read, failures by reason, sends per day
 * per account against the cap, and the next due work. Pure: the same state gives the same model.
 */
import type { Campaign } from "../config/types.js";
import { countSteps } from "../engine/summary.js";
import { nextSequenceWork } from "../engine/sequence.js";
import { messageStepIds } from "../engine/step-records.js";
import type { StepCounts } from "../engine/events.js";
import type { LeadState, StateSnapshot } from "../state/types.js";
import { dayKey } from "./bar-chart.js";

export interface ReplyRow {
  leadId: string;
  /** Epoch ms of the reply. */
  at: number;
  /** The reply's text as stored (first 500 characters): untrusted, escape before showing. */
  text: string;
  /** The last sequence step sent before the reply. */
  afterStep?: string;
  optedOut: boolean;
}

export interface ReportModel {
  campaign: string;
  /** Epoch ms the report describes ("now", or the rehearsal's simulated end). */
  at: number;
  timezone: string;
  leadsInState: number;
  contacted: number;
  replied: number;
  /** replied / contacted, 0..1. */
  replyRate: number;
  optedOut: number;
  finished: number;
  failedLeads: number;
  steps: StepCounts[];
  /** Day ("YYYY-MM-DD" in the campaign's zone) → replies that day. */
  repliesPerDay: Map<string, number>;
  /** Per account (campaign order): day → messages sent that day. */
  sendsPerDay: { account: string; days: Map<string, number> }[];
  optOuts: ReplyRow[];
  /** The most recent replies, newest first (at most REPLIES_SHOWN). */
  latestReplies: ReplyRow[];
  failures: { reason: string; count: number; leads: string[] }[];
  /** The earliest due follow-up among unfinished leads, epoch ms; undefined when none. */
  nextDueAt?: number;
  /** Unfinished leads still in their sequence. */
  open: number;
}

export const REPLIES_SHOWN = 100;
const FAILURE_LEADS_SHOWN = 20;

export function buildReportModel(campaign: Campaign, snapshot: StateSnapshot, at: number): ReportModel {
  const leads = Object.values(snapshot.leads);
  const zone = campaign.pacing.window.timezone;
  const counts = countSteps(campaign, leads, leads.length);
  const repliesPerDay = new Map<string, number>();
  const accountIndex = new Map(campaign.accounts.map((a, i) => [a, i]));
  const sendsPerDay = campaign.accounts.map((account) => ({ account, days: new Map<string, number>() }));
  // Step records that are messages (a reply step's actions are recorded too, as "<id>:actions").
  const messageSteps = messageStepIds(campaign);
  const replies: ReplyRow[] = [];
  const failures = new Map<string, { count: number; leads: string[] }>();
  let contacted = 0;
  let open = 0;
  let nextDueAt: number | undefined;

  for (const lead of leads) {
    let sentAny = false;
    for (const [stepId, rec] of Object.entries(lead.steps)) {
      if (rec.status === "sent" && messageSteps.has(stepId)) {
        sentAny = true;
        const i = lead.account === undefined ? undefined : accountIndex.get(lead.account);
        if (i !== undefined && rec.sentAt !== undefined) bump(sendsPerDay[i]!.days, dayKey(rec.sentAt, zone));
      } else if (rec.status === "failed") {
        const key = `${stepId}: ${rec.reason ?? "unknown"}`;
        const f = failures.get(key) ?? { count: 0, leads: [] };
        f.count++;
        if (f.leads.length < FAILURE_LEADS_SHOWN) f.leads.push(lead.id);
        failures.set(key, f);
      }
    }
    if (sentAny) contacted++;
    if (lead.reply) {
      bump(repliesPerDay, dayKey(lead.reply.at, zone));
      replies.push(replyRow(lead));
    }
    if (lead.finishedAt === undefined && !lead.reply) {
      open++;
      const next = nextSequenceWork(campaign.sequence, lead.steps);
      if (next.kind === "due" && (nextDueAt === undefined || next.at < nextDueAt)) nextDueAt = next.at;
    }
  }
  replies.sort((a, b) => b.at - a.at);
  return {
    campaign: campaign.name,
    at,
    timezone: zone,
    leadsInState: leads.length,
    contacted,
    replied: counts.replied,
    replyRate: contacted ? counts.replied / contacted : 0,
    optedOut: counts.optedOut,
    finished: counts.finished,
    failedLeads: counts.failedLeads,
    steps: counts.steps,
    repliesPerDay,
    sendsPerDay,
    optOuts: replies.filter((r) => r.optedOut),
    latestReplies: replies.slice(0, REPLIES_SHOWN),
    failures: [...failures].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count),
    ...(nextDueAt !== undefined ? { nextDueAt } : {}),
    open,
  };
}

function replyRow(lead: LeadState): ReplyRow {
  const r = lead.reply!;
  return { leadId: lead.id, at: r.at, text: r.text, ...(r.afterStep ? { afterStep: r.afterStep } : {}), optedOut: lead.optedOut === true };
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
