/**
 * Validated input → `Campaign`: paths absolute (relative to the campaign file's directory),
 * durations in ms, days as numbers, hours as minutes, limits as rolling windows. Runs only on
 * input that passed the schema and the rules, so parse failures here are bugs, not user errors.
 */
import path from "node:path";
import type { Campaign, ReplyActions, ReplyStep, SequenceStep } from "./types.js";
import { parseDuration, parseRange } from "./duration.js";
import { DEFAULTS, type CampaignInput } from "./schema.js";
import { slugify } from "./slug.js";
import { parseDays, parseHours } from "./window.js";

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function ms(text: string): number {
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`bug: unvalidated duration ${JSON.stringify(text)}`);
  return value;
}

/** `file` is the absolute path of the campaign.yaml. */
export function normaliseCampaign(input: CampaignInput, file: string): Campaign {
  const dir = path.dirname(file);
  const resolve = (p: string) => path.resolve(dir, p);
  const slug = slugify(input.name);

  const sequence: SequenceStep[] = [];
  const replySteps: ReplyStep[] = [];
  for (const step of input.steps) {
    if (step.on === "reply") {
      const actions: ReplyActions = { tags: step.actions?.tags ?? [] };
      if (step.actions?.status !== undefined) actions.status = step.actions.status;
      if (step.actions?.assignTo !== undefined) actions.assignTo = step.actions.assignTo;
      if (step.actions?.markDone !== undefined) actions.markDone = step.actions.markDone;
      const reply: ReplyStep = { kind: "reply", id: step.id, delayMs: ms(step.delay), actions };
      if (step.template !== undefined) reply.template = resolve(step.template);
      if (step.match !== undefined) reply.match = step.match;
      replySteps.push(reply);
    } else {
      sequence.push({
        kind: "sequence",
        id: step.id,
        template: resolve(step.template),
        afterMs: step.after === undefined ? 0 : ms(step.after),
        index: sequence.length,
      });
    }
  }

  const hours = parseHours(input.pacing.hours);
  const gap = parseRange(input.pacing.perAccount.gap);
  if (!hours || !gap) throw new Error("bug: unvalidated pacing");
  const { api } = input.pacing;
  const replies = input.replies;

  const campaign: Campaign = {
    name: input.name,
    slug,
    file,
    dir,
    leads: {
      file: resolve(input.leads.file),
      idColumn: input.leads.idColumn,
    },
    accounts: input.accounts,
    sequence,
    replySteps,
    pacing: {
      window: { timezone: input.pacing.timezone, days: parseDays(input.pacing.days), ...hours },
      perAccount: {
        perHour: input.pacing.perAccount.perHour,
        perDay: input.pacing.perAccount.perDay,
        gapMinMs: gap[0],
        gapMaxMs: gap[1],
      },
      api: api.windows
        ? api.windows.map((w) => ({ limit: w.limit, windowMs: ms(w.per) }))
        : [
            { limit: api.perMinute, windowMs: MINUTE_MS },
            { limit: api.perHour, windowMs: HOUR_MS },
            { limit: api.perDay, windowMs: DAY_MS },
          ],
    },
    replies: {
      source: replies.source,
      pollIntervalMs: ms(replies.pollEvery),
      optOut: replies.optOut,
      keepOpenMs: ms(replies.keepOpenFor),
    },
    stateFile: resolve(input.state ?? path.join(".outreach", `${slug}.json`)),
    contacted: input.contacted,
    team: {
      whenRedisDown: input.team?.whenRedisDown ?? DEFAULTS.team.whenRedisDown,
      localShare: input.team?.localShare ?? DEFAULTS.team.localShare,
    },
  };
  if (input.team?.redis !== undefined) campaign.team.redisUrl = input.team.redis;
  if (input.leads.usernameColumn !== undefined) campaign.leads.usernameColumn = input.leads.usernameColumn;
  if (input.leads.timezoneColumn !== undefined) campaign.leads.timezoneColumn = input.leads.timezoneColumn;
  if (input.leads.delimiter !== undefined) campaign.leads.delimiter = input.leads.delimiter;
  if (input.leads.encoding !== undefined) campaign.leads.encoding = input.leads.encoding;
  if (typeof input.suppression === "string") campaign.suppressionFile = resolve(input.suppression);
  else if (input.suppression !== undefined) {
    campaign.suppressionFile = resolve(input.suppression.file);
    if (input.suppression.create) campaign.suppressionMayBeMissing = true;
  }
  if (replies.webhook !== undefined) campaign.replies.webhook = { ...replies.webhook };
  return campaign;
}
