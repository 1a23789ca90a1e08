/**
 * Why the engine is about to wait, naming the real blocker rather than a guess. The next send is the
 * work due first (the first bound work, or the next new lead); it goes out at the latest of its
 * constraints — the step's own delay, its account's gap or hourly/daily cap, the lead's sending
 * window — and the constraint that set that instant is the reason. Constraints are applied in the
 * engine's own order (delay, then pacing, then window); one that ends exactly when an earlier one
 * does (a follow-up due at the instant the window opens) did not hold anything and is not named.
 */
import type { Campaign } from "../config/types.js";
import type { Lead } from "../leads/types.js";
import { nextWindowStart } from "../schedule/windows.js";
import { formatDuration } from "../config/duration.js";
import type { WaitReason } from "./events.js";
import type { AccountPacing, ProgressStore } from "./ports.js";
import type { LeadWindows } from "./lead-windows.js";
import type { Work } from "./work-queue.js";

export interface WaitContext {
  campaign: Pick<Campaign, "accounts" | "sequence" | "replySteps" | "pacing">;
  store: Pick<ProgressStore, "lead">;
  pacing: AccountPacing;
  windows: LeadWindows;
  leadsById: ReadonlyMap<string, Lead>;
  /**
   * The bound work due first and when it is keyed (epoch ms), if any. `held`: it fell due and was put
   * back (its key is then a limit's end, not its delay), so its own delay no longer holds it.
   */
  bound?: { work: Work; at: number; held?: boolean };
  /** The first new lead's first message and when it is keyed (epoch ms), if any are left. */
  fresh?: { work: Work; at: number };
}

/** A wait explained: the reason, and `at`, the instant (epoch ms) the work it explains can go (>= the engine's wake-up). */
export type ExplainedWait = WaitReason & { at: number };

/**
 * Explains a wait that starts at `now` (epoch ms) and ends no earlier than `until` (the engine's next
 * wake-up, epoch ms). The returned `at` is when the next send can really go, which can be later than
 * `until`: the engine may wake for work keyed earlier (a follow-up's delay) that a cap still holds.
 */
export function explainWait(ctx: WaitContext, now: number, until: number): ExplainedWait {
  const bound = ctx.bound ? explainBound(ctx, ctx.bound.work, ctx.bound.held ? now : ctx.bound.at, now) : undefined;
  const fresh = ctx.fresh ? explainFresh(ctx, ctx.fresh.work, ctx.fresh.at, now) : undefined;
  // Due bound work goes before new leads (the engine's order), so a tie names the bound work.
  const next = bound && (!fresh || bound.at <= fresh.at) ? bound : fresh;
  if (next) return { ...next, at: Math.max(next.at, until) };
  return { reason: "replies", detail: "leads are open for replies", at: until };
}

/** `at`: when the work's own delay ends (epoch ms); pacing and the window may hold it longer. */
function explainBound(ctx: WaitContext, work: Work, at: number, now: number): ExplainedWait {
  switch (work.kind) {
    case "expire":
      return { reason: "replies", detail: "contacted leads stay open for replies (replies.keepOpenFor)", at };
    case "reconcile":
      return { reason: "retry", detail: "checking an uncertain send again", at };
    case "reply":
    case "sequence": {
      const account = ctx.store.lead(work.leadId)?.account;
      // A first message with no account yet is a new lead's (the engine moves it to the new leads).
      if (!account) return explainFresh(ctx, work, at, now);
      return holdOf(ctx, work.leadId, [account], { ...delayOf(ctx, work), at: Math.max(at, now) });
    }
  }
}

/** A new lead: keyed at its window's opening (or now), then the account that frees first. */
function explainFresh(ctx: WaitContext, work: Work, at: number, now: number): ExplainedWait {
  const lead = ctx.leadsById.get(work.leadId);
  const start: ExplainedWait =
    at > now && lead ? { ...windowClosed(ctx, lead), at } : { reason: "follow-up", detail: "next first message", at: Math.max(at, now) };
  return holdOf(ctx, work.leadId, ctx.campaign.accounts, start);
}

/** Applies pacing (the account of `accounts` that frees first) then the lead's window to `from`. */
function holdOf(ctx: WaitContext, leadId: string, accounts: readonly string[], from: ExplainedWait): ExplainedWait {
  let result = from;
  let account: string | undefined;
  let free = Number.POSITIVE_INFINITY;
  for (const a of accounts) {
    const allowed = ctx.pacing.nextAllowedAt(a, from.at);
    if (allowed < free) [free, account] = [allowed, a];
  }
  if (account !== undefined && free > from.at) result = { ...accountHeld(ctx, account, from.at), at: free };
  const lead = ctx.leadsById.get(leadId);
  if (lead) {
    const opens = nextWindowStart(ctx.windows.for(lead), result.at);
    if (opens > result.at) result = { ...windowClosed(ctx, lead), at: opens };
  }
  return result;
}

/** The step's own delay, in words without a lead id: waits for the same step read the same, so a log folds them. */
function delayOf(ctx: WaitContext, work: Extract<Work, { kind: "reply" | "sequence" }>): WaitReason {
  if (work.kind === "reply") return { reason: "follow-up", detail: `reply step "${work.stepId}" (its delay)` };
  const step = ctx.campaign.sequence[work.index];
  return work.index === 0 || !step
    ? { reason: "follow-up", detail: "next first message" }
    : { reason: "follow-up", detail: `next follow-up "${step.id}" (due ${formatDuration(step.afterMs)} after the previous step)` };
}

/** Which limit holds `account` at `at`: the latest-ending of its gap, hourly cap and daily cap. */
function accountHeld(ctx: WaitContext, account: string, at: number): WaitReason {
  const held = ctx.pacing.blockedBy?.(account, at);
  if (!held) return { reason: "pacing", detail: `account ${account}: per-account pacing (caps and gaps)`, account };
  const { perHour, perDay } = ctx.campaign.pacing.perAccount;
  const detail =
    held.cap === "hourly"
      ? `account ${account} reached its hourly cap (${perHour} sends in the last hour)`
      : held.cap === "daily"
        ? `account ${account} reached its daily cap (${perDay} sends in the last 24 h)`
        : `account ${account}: random gap between sends (pacing.perAccount.gap)`;
  return { reason: "pacing", detail, account, cap: held.cap };
}

function windowClosed(ctx: WaitContext, lead: Lead): WaitReason {
  const zone = lead.timezone && lead.timezone !== ctx.campaign.pacing.window.timezone ? ` in the lead's zone (${lead.timezone})` : "";
  return { reason: "window", detail: `sending window closed${zone}` };
}
