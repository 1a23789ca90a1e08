/**
 * Why the engine is about to wait until `until`, naming the real blocker rather than a guess: the
 * work due first, then whichever limit pushed it to that instant — an account's hourly or daily cap
 * or its gap (with the account), the lead's sending window, or the step's own delay.
 */
import type { Campaign, SendingWindow } from "../config/types.js";
import type { Lead } from "../leads/types.js";
import { nextWindowStart } from "../schedule/windows.js";
import { formatDuration } from "../config/duration.js";
import type { WaitReason } from "./events.js";
import type { AccountPacing, ProgressStore } from "./ports.js";
import type { LeadWindows } from "./lead-windows.js";
import type { Work } from "./work-queue.js";

/** Two instants this close are the same wake-up (ms): queue keys and pacing instants are computed separately. */
const SAME = 1000;

export interface WaitContext {
  campaign: Pick<Campaign, "accounts" | "sequence" | "replySteps" | "pacing">;
  store: Pick<ProgressStore, "lead">;
  pacing: AccountPacing;
  windows: LeadWindows;
  leadsById: ReadonlyMap<string, Lead>;
  /** The bound work due first and when, if any. */
  bound?: { work: Work; at: number };
  /** When the next new lead may start, if any are left. */
  freshAt?: number;
}

export function explainWait(ctx: WaitContext, now: number, until: number): WaitReason {
  const { bound, freshAt } = ctx;
  if (bound && Math.abs(bound.at - until) < SAME) {
    const work = bound.work;
    switch (work.kind) {
      case "expire":
        return { reason: "replies", detail: "contacted leads stay open for replies (replies.keepOpenFor)" };
      case "reconcile":
        return { reason: "retry", detail: "checking an uncertain send again" };
      case "reply":
      case "sequence": {
        const lead = ctx.leadsById.get(work.leadId);
        const account = ctx.store.lead(work.leadId)?.account;
        const held = account ? accountHeld(ctx, account, now, until) : undefined;
        if (held) return held;
        if (lead && opensAt(ctx.windows.for(lead), until)) return windowClosed(ctx, lead);
        // No lead id in the words: waits for the same step read the same, so a log shows a run of them once.
        if (work.kind === "reply") return { reason: "follow-up", detail: `reply step "${work.stepId}" (its delay)` };
        const step = ctx.campaign.sequence[work.index];
        return work.index === 0 || !step
          ? { reason: "follow-up", detail: "next first message" }
          : { reason: "follow-up", detail: `next follow-up "${step.id}" (due ${formatDuration(step.afterMs)} after the previous step)` };
      }
    }
  }
  if (freshAt !== undefined && Math.abs(freshAt - until) < SAME) {
    return { reason: "window", detail: "sending window closed" };
  }
  if (freshAt !== undefined) {
    // New leads wait for the account that frees up first.
    for (const account of ctx.campaign.accounts) {
      const held = accountHeld(ctx, account, now, until);
      if (held) return held;
    }
    return { reason: "pacing", detail: "per-account pacing (caps and gaps)" };
  }
  return { reason: "replies", detail: "leads are open for replies" };
}

function accountHeld(ctx: WaitContext, account: string, now: number, until: number): WaitReason | undefined {
  const held = ctx.pacing.blockedBy?.(account, now);
  if (!held || Math.abs(held.until - until) >= SAME) return undefined;
  const { perHour, perDay } = ctx.campaign.pacing.perAccount;
  const detail =
    held.cap === "hourly"
      ? `account ${account} reached its hourly cap (${perHour} sends in the last hour)`
      : held.cap === "daily"
        ? `account ${account} reached its daily cap (${perDay} sends in the last 24 h)`
        : `account ${account}: random gap between sends (pacing.perAccount.gap)`;
  return { reason: "pacing", detail, account, cap: held.cap };
}

/** The window opens at `until`: closed just before it, open at it. */
function opensAt(window: SendingWindow, until: number): boolean {
  return nextWindowStart(window, until - SAME) > until - SAME && nextWindowStart(window, until) <= until;
}

function windowClosed(ctx: WaitContext, lead: Lead): WaitReason {
  const zone = lead.timezone && lead.timezone !== ctx.campaign.pacing.window.timezone ? ` in the lead's zone (${lead.timezone})` : "";
  return { reason: "window", detail: `sending window closed${zone}` };
}
