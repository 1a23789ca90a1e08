/**
 * A person's decision on replies the classifier could not call (replies/opt-out.ts "ambiguous"). Until
 * it is made, the lead gets no reply step and nothing more (LeadState.review). The decision:
 *   opt-out      the lead is suppressed for good (do-not-contact file), its reply steps skipped;
 *   not-opt-out  the review mark is cleared and the lead reopened: the next `outreach run` fires the
 *                reply steps its reply qualifies for, as if it had been classified so at once.
 */
import type { Campaign } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { ProgressStore } from "./ports.js";

export type ReviewDecision = "opt-out" | "not-opt-out";

/** A lead awaiting review, for `status` and `outreach review`. */
export interface ReviewItem {
  leadId: string;
  /** Epoch ms when the reply was marked. */
  at: number;
  /** Why the classifier could not call it. */
  reason: string;
  /** The reply (first 500 characters). */
  reply: string;
}

/** Leads whose reply awaits review, oldest first. */
export function leadsToReview(leads: Iterable<LeadState>): ReviewItem[] {
  const out: ReviewItem[] = [];
  for (const lead of leads) {
    const item = reviewItem(lead);
    if (item) out.push(item);
  }
  return sortReviewItems(out);
}

/** The lead as an item awaiting review, or undefined when it awaits none. */
export function reviewItem(lead: LeadState): ReviewItem | undefined {
  return lead.review ? { leadId: lead.id, at: lead.review.at, reason: lead.review.reason, reply: lead.reply?.text ?? "" } : undefined;
}

/** Oldest first (in place; stable: leads marked at the same ms keep their order). */
export function sortReviewItems(items: ReviewItem[]): ReviewItem[] {
  return items.sort((a, b) => a.at - b.at);
}

/**
 * Records decisions. Every id must be awaiting review (else nothing is written and the unknown ids
 * are returned). `suppress(id, note)` appends to the do-not-contact file.
 */
export async function applyReview(
  store: ProgressStore,
  campaign: Pick<Campaign, "name" | "replySteps">,
  decisions: ReadonlyMap<string, ReviewDecision>,
  suppress: (id: string, note: string) => Promise<void>,
  now: number,
): Promise<{ notAwaiting: string[] }> {
  const notAwaiting = [...decisions.keys()].filter((id) => !store.lead(id)?.review);
  if (notAwaiting.length > 0) return { notAwaiting };
  for (const [id, decision] of decisions) {
    const state = store.lead(id);
    if (!state?.review) continue;
    if (decision === "opt-out") {
      for (const step of campaign.replySteps) {
        const status = state.steps[step.id]?.status;
        if (status === undefined || status === "pending") await store.setStep(id, step.id, { status: "skipped", updatedAt: now, attempts: 0, reason: "opted out (reviewed)" });
      }
      await store.patchLead(id, { optedOut: true, review: undefined, finishedAt: state.finishedAt ?? now, finishReason: "opted-out" });
      await suppress(id, `opted out in "${campaign.name}" (reviewed on ${new Date(now).toISOString()}): ${JSON.stringify(state.reply?.text ?? "")}`);
    } else {
      await store.patchLead(id, { review: undefined, finishedAt: undefined, finishReason: undefined });
    }
  }
  return { notAwaiting: [] };
}
