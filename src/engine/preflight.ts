/**
 * The pre-flight summary a live run shows before its first send: who will be contacted, from which
 * accounts, when the first and last messages go out, how many a day, and what is skipped and why.
 * Pure: built from the CSV's leads, the state and `now`; the CLI renders it and asks for confirmation.
 */
import type { Campaign } from "../config/types.js";
import type { LeadProblemReason } from "../leads/types.js";
import type { LeadState } from "../state/types.js";
import { projectRemaining, remainingWork } from "./remaining.js";

export interface Preflight {
  campaign: string;
  /** No lead has been contacted yet: this start would send the campaign's first real DMs. */
  firstStart: boolean;
  leads: { total: number; toStart: number; waitingForFollowUp: number; openForReplies: number; finished: number };
  /** Data rows of the CSV: every lead plus every row skipped while reading it (blank lines not counted). */
  rows: number;
  accounts: { id: string; username?: string }[];
  /** Sequence step ids, in order. */
  steps: string[];
  /** Reply step ids (sent only to leads who reply, when their `on:` matches). */
  replySteps: string[];
  /** When the first message would go out (epoch ms), window and caps applied; absent when nothing is left to send. */
  firstSendAt?: number;
  /** When the last first message and the last message of all would go out (nobody replying: the latest case). */
  lastFirstMessageAt?: number;
  lastSendAt?: number;
  /** The most messages all accounts together would send in any rolling 24 h, and the caps behind it. */
  messagesPerDay: number;
  caps: { perHour: number; perDay: number };
  /** Rows and leads that will not be messaged, by reason, with counts. */
  skipped: { reason: string; count: number }[];
}

/** What a skipped row's reason means, in words. */
const SKIP_WORDS: Record<LeadProblemReason, string> = {
  "missing-id": "no X user id",
  "malformed-id": "the id is not an X user id (digits only)",
  duplicate: "duplicate of an earlier row",
  suppressed: "on the suppression list",
  "ragged-row": "wrong number of columns",
  "bad-timezone": "unknown time zone",
  "spreadsheet-id": "an id a spreadsheet rounded or reformatted",
};

export function buildPreflight(input: {
  campaign: Pick<Campaign, "name" | "sequence" | "replySteps" | "accounts" | "pacing">;
  leads: readonly { id: string; timezone?: string | undefined }[];
  stateOf: (id: string) => LeadState | undefined;
  /** Rows skipped while reading the CSV, by reason. */
  problems: ReadonlyMap<LeadProblemReason, number>;
  /** Leads whose messages cannot be rendered (only with --allow-partial: they will be marked failed). */
  unrenderable: number;
  accountNames: ReadonlyMap<string, string>;
  now: number;
}): Preflight {
  const { campaign, now } = input;
  const work = remainingWork(campaign, input.leads, input.stateOf, now);
  const firstStepBound = work.followUps.filter((f) => f.step === 0).length;
  const p = projectRemaining(campaign, work, now);
  const skipped = [...input.problems].map(([reason, count]) => ({ reason: SKIP_WORDS[reason], count }));
  if (input.unrenderable > 0) skipped.push({ reason: "a message cannot be rendered (--allow-partial: marked failed)", count: input.unrenderable });
  const caps = { perHour: campaign.pacing.perAccount.perHour, perDay: campaign.pacing.perAccount.perDay };
  return {
    campaign: campaign.name,
    firstStart: work.finished === 0 && work.followUps.length === 0 && work.openForReplies === 0,
    rows: work.leads + [...input.problems.values()].reduce((a, n) => a + n, 0),
    // A lead bound to an account but not yet sent its first message is still one to contact.
    leads: { total: work.leads, toStart: work.toStart.length + firstStepBound, waitingForFollowUp: work.followUps.length - firstStepBound, openForReplies: work.openForReplies, finished: work.finished },
    accounts: campaign.accounts.map((id) => {
      const username = input.accountNames.get(id);
      return username === undefined ? { id } : { id, username };
    }),
    steps: campaign.sequence.map((s) => s.id),
    replySteps: campaign.replySteps.map((s) => s.id),
    ...(p ? { firstSendAt: p.firstSendAt, lastFirstMessageAt: p.lastFirstStepAt, lastSendAt: p.lastSendAt } : {}),
    messagesPerDay: p ? Math.min(p.sendsPerDayPerAccount, caps.perDay) * Math.max(1, campaign.accounts.length) : 0,
    caps,
    skipped,
  };
}
