/**
 * What is left of a campaign, from the CSV's leads and the state alone (no API, no clock but `now`):
 * who has not been contacted, who waits for which follow-up and when, and each account's recent
 * sends. The pre-flight summary, `outreach status` and the dry run of a started campaign all project
 * their timetable from it, with the same rules the engine applies when it plans a run (planning.ts).
 */
import type { Campaign } from "../config/types.js";
import type { Projection } from "../schedule/projection.js";
import { projectSchedule } from "../schedule/projection.js";
import type { LeadState } from "../state/types.js";
import { nextReplyStepDue, nextSequenceWork, replyStepMatchers } from "./sequence.js";
import { messageStepIds, messageTimes } from "./step-records.js";

const DAY = 86_400_000;

export interface RemainingWork {
  /** Leads in the CSV (valid rows only). */
  leads: number;
  /** Not contacted yet, in CSV order: their zones (undefined = the campaign's). */
  toStart: (string | undefined)[];
  /** Contacted leads waiting for a sequence step: which (index), when it is due (epoch ms), and their account. */
  followUps: { leadId: string; step: number; dueAt: number; account: string; timezone?: string }[];
  /** Every sequence step sent: open for replies until keepOpenFor has passed. */
  openForReplies: number;
  /** Leads needing no more work (done, replied and handled, opted out, failed). */
  finished: number;
  /** Leads whose steps are marked failed (a subset of `finished`). */
  failed: number;
  /** Each account's send times in the last 24 h before `now` (or the range asked for), oldest first (for its caps). */
  recentSends: Map<string, number[]>;
}

/**
 * Sorts every CSV lead into not started / waiting for a follow-up / open for replies / finished.
 * `recentSends` holds the send times in (`sendsFrom`, `sendsTo`], by default the 24 h before `now`.
 */
export function remainingWork(
  campaign: Pick<Campaign, "sequence" | "replySteps" | "accounts">,
  leads: Iterable<{ id: string; timezone?: string | undefined }>,
  stateOf: (id: string) => LeadState | undefined,
  now: number,
  range: { sendsFrom: number; sendsTo: number } = { sendsFrom: now - DAY, sendsTo: now },
): RemainingWork {
  const tally = new RemainingTally(campaign, now, range);
  for (const lead of leads) tally.add(lead, stateOf(lead.id));
  return tally.work();
}

/** `remainingWork` a lead at a time, in CSV order (a pass that reads each lead's state once and lets it go). */
export class RemainingTally {
  private readonly messageSteps: ReadonlySet<string>;
  private readonly matchers: ReadonlyMap<string, RegExp>;
  private readonly out: RemainingWork = { leads: 0, toStart: [], followUps: [], openForReplies: 0, finished: 0, failed: 0, recentSends: new Map() };

  /** With `earliestOnly`: the earliest follow-up of each account and zone, by key (the first in CSV order wins a tie). */
  private readonly earliest: Map<string, RemainingWork["followUps"][number]> | undefined;
  /** With `earliestOnly`: the zones of the leads not started, in CSV order of first use. */
  private readonly startZones: Set<string | undefined> | undefined;
  private followUpCount = 0;
  private toStartCount = 0;
  private firstStepCount = 0;

  /**
   * `earliestOnly`: keep of the follow-ups only the earliest of each account in each zone, and of the
   * leads not started only their distinct zones — all that projectFirstSend needs, and a few objects
   * however many leads there are (the counts are `waiting` and `toStartCount`). The replied leads'
   * next reply-step DMs (nextReplyStepDue) are offered too, as sends after the sequence's last step:
   * they take their account's next send as a follow-up does (`outreach status`'s next send).
   */
  constructor(
    private readonly campaign: Pick<Campaign, "sequence" | "replySteps" | "accounts">,
    private readonly now: number,
    private readonly range: { sendsFrom: number; sendsTo: number } = { sendsFrom: now - DAY, sendsTo: now },
    opts: { earliestOnly?: boolean } = {},
  ) {
    this.messageSteps = messageStepIds(campaign);
    this.matchers = replyStepMatchers(campaign.replySteps);
    if (opts.earliestOnly) {
      this.earliest = new Map();
      this.startZones = new Set();
    }
  }

  /** Leads waiting for a follow-up (all of them, with `earliestOnly` too). */
  get waiting(): number {
    return this.followUpCount;
  }

  /** Leads not bound to an account yet (all of them, with `earliestOnly` too). */
  get notStarted(): number {
    return this.toStartCount;
  }

  /**
   * Leads bound to an account whose first step has not gone out yet (counted in `waiting`, for the
   * projection: their account's caps apply). A person reads them as not started, not as waiting for a follow-up.
   */
  get firstStepWaiting(): number {
    return this.firstStepCount;
  }

  /** One CSV lead and its state (undefined: never touched). */
  add(lead: { id: string; timezone?: string | undefined }, state: LeadState | undefined): void {
    const out = this.out;
    out.leads++;
    if (state) collectSends(state, this.messageSteps, this.range, out.recentSends);
    if (state?.finishedAt !== undefined) {
      out.finished++;
      if (state.finishReason === "failed") out.failed++;
      return;
    }
    if (state?.reply) {
      // A reply stops the sequence; what is left are reply steps, a few at most: counted as open.
      out.openForReplies++;
      // Its next reply-step DM competes with the follow-ups for its account's next send (not counted as one).
      const due = this.earliest && state.account ? nextReplyStepDue(this.campaign.replySteps, this.matchers, state) : undefined;
      if (due !== undefined) this.offerEarliest(lead, this.campaign.sequence.length, due, state.account!);
      return;
    }
    const next = nextSequenceWork(this.campaign.sequence, state?.steps ?? {});
    if (next.kind === "failed") {
      out.finished++;
      out.failed++;
    } else if (next.kind === "start" && !state?.account) {
      this.toStartCount++;
      if (this.startZones) this.startZones.add(lead.timezone);
      else out.toStart.push(lead.timezone);
    } else if ((next.kind === "start" || next.kind === "due") && state?.account) {
      this.followUpCount++;
      if (next.index === 0) this.firstStepCount++;
      const dueAt = next.kind === "due" ? next.at : this.now;
      if (this.earliest) this.offerEarliest(lead, next.index, dueAt, state.account);
      else out.followUps.push(followUp(lead, next.index, dueAt, state.account));
    } else {
      out.openForReplies++;
    }
  }

  /** Keeps the send as its account and zone's earliest if it is (the first in CSV order wins a tie). */
  private offerEarliest(lead: { id: string; timezone?: string | undefined }, step: number, dueAt: number, account: string): void {
    const key = `${account}\0${lead.timezone ?? ""}`;
    const seen = this.earliest!.get(key);
    if (seen !== undefined && seen.dueAt <= dueAt) return;
    this.earliest!.set(key, followUp(lead, step, dueAt, account));
  }

  /** What remains of the leads added (call once). With `earliestOnly`, `toStart` and `followUps` hold what it keeps. */
  work(): RemainingWork {
    for (const times of this.out.recentSends.values()) times.sort((a, b) => a - b);
    if (this.earliest) this.out.followUps = [...this.earliest.values()];
    if (this.startZones) this.out.toStart = [...this.startZones];
    return this.out;
  }
}

function followUp(lead: { id: string; timezone?: string | undefined }, step: number, dueAt: number, account: string): RemainingWork["followUps"][number] {
  return { leadId: lead.id, step, dueAt, account, ...(lead.timezone ? { timezone: lead.timezone } : {}) };
}

/** The timetable of what remains, from `start`: the dry run's worst case (nobody replies), caps and windows applied. */
export function projectRemaining(
  campaign: Pick<Campaign, "sequence" | "accounts" | "pacing">,
  work: RemainingWork,
  start: number,
  opts: { firstSendOnly?: boolean } = {},
): Projection | undefined {
  if (work.toStart.length === 0 && work.followUps.length === 0) return undefined;
  const index = new Map(campaign.accounts.map((a, i) => [a, i]));
  return projectSchedule({
    start,
    leads: work.toStart.some((z) => z !== undefined) ? work.toStart : work.toStart.length,
    accounts: Math.max(1, campaign.accounts.length),
    pacing: campaign.pacing,
    sequenceDelaysMs: campaign.sequence.map((s) => s.afterMs),
    started: work.followUps.map((f) => ({ step: f.step, dueAt: f.dueAt, account: index.get(f.account) ?? 0, ...(f.timezone ? { timezone: f.timezone } : {}) })),
    history: campaign.accounts.map((a) => work.recentSends.get(a) ?? []),
    ...(opts.firstSendOnly ? { firstSendOnly: true } : {}),
  });
}

/**
 * When the first message of what remains goes out (epoch ms), caps and windows applied, or undefined
 * when nothing remains: the projection's first send, computed from the earliest follow-up of each
 * account in each zone (a later one cannot go first), so a 100,000-lead state costs a few hundred.
 */
export function projectFirstSend(campaign: Pick<Campaign, "sequence" | "accounts" | "pacing">, work: RemainingWork, start: number): number | undefined {
  const earliest = new Map<string, RemainingWork["followUps"][number]>();
  for (const f of work.followUps) {
    const key = `${f.account}\0${f.timezone ?? ""}`;
    const seen = earliest.get(key);
    if (!seen || f.dueAt < seen.dueAt) earliest.set(key, f);
  }
  return projectRemaining(campaign, { ...work, followUps: [...earliest.values()] }, start, { firstSendOnly: true })?.firstSendAt;
}

function collectSends(state: LeadState, messageSteps: ReadonlySet<string>, range: { sendsFrom: number; sendsTo: number }, into: Map<string, number[]>): void {
  if (!state.account) return;
  for (const at of messageTimes(state, messageSteps)) {
    if (at <= range.sendsFrom || at > range.sendsTo) continue;
    const list = into.get(state.account) ?? [];
    list.push(at);
    into.set(state.account, list);
  }
}
