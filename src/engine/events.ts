/**
 * Everything the engine reports, as one discriminated union. The CLI's reporter has one formatter
 * per `type` (the compiler catches a forgotten one); tests assert on these events, not on text.
 */
export type EngineEvent =
  | { type: "run.started"; at: number; campaign: string; leads: number; accounts: string[]; firstStep: string; resumed: boolean; toStart: number; inProgress: number; finished: number }
  | { type: "leads.problem"; at: number; line: number; reason: string; message: string; id?: string }
  | { type: "reconcile.started"; at: number; count: number }
  | { type: "reconcile.resolved"; at: number; leadId: string; stepId: string; outcome: "delivered" | "not-delivered" | "unknown"; messageId?: string }
  | { type: "lead.sent"; at: number; leadId: string; stepId: string; account: string; messageId: string; threadId: string }
  | { type: "lead.failed"; at: number; leadId: string; stepId: string; reason: string; code?: string }
  | { type: "lead.skipped"; at: number; leadId: string; stepId: string; reason: string }
  | { type: "lead.replied"; at: number; leadId: string; afterStep?: string; via: "events" | "webhook" | "thread-check"; text: string }
  | { type: "lead.opted-out"; at: number; leadId: string; reason: string }
  /** An ambiguous reply: listed for a person (`outreach review`); nothing more is sent to the lead until then. */
  | { type: "lead.needs-review"; at: number; leadId: string; reason: string }
  | { type: "lead.actions"; at: number; leadId: string; stepId: string; status?: string; tags: string[]; assignedTo?: string; markedDone?: boolean }
  | { type: "lead.retrying"; at: number; leadId: string; stepId: string; previousReason: string }
  | { type: "send.retry"; at: number; leadId: string; stepId: string; reason: string; retryAt: number }
  | { type: "rate.held"; at: number; until: number; reason: string }
  /** This machine's clock differs from the Inbox API's by `offsetMs` (server − ours; > 0: ours is behind). */
  | { type: "clock.skew"; at: number; offsetMs: number }
  | { type: "waiting"; at: number; until: number } & WaitReason
  | { type: "replies.gap"; at: number; message: string }
  | { type: "run.stopping"; at: number; inFlight: number }
  | { type: "run.finished"; at: number; outcome: RunOutcome; summary: RunSummary };

export type EngineEventType = EngineEvent["type"];

/**
 * Why the engine waits, naming the real blocker: a sending window, an account's cap or gap (with the
 * account), a follow-up's or reply step's delay, reply polling, or a retry. `detail` says it in words.
 */
export interface WaitReason {
  reason: "window" | "pacing" | "follow-up" | "replies" | "retry";
  detail: string;
  /** The sender account that is held, for `pacing`. */
  account?: string;
  /** Which per-account limit holds it, for `pacing`. */
  cap?: "gap" | "hourly" | "daily";
}

export type RunOutcome = "completed" | "once-done" | "limit-reached" | "interrupted" | "paused";

export interface StepCounts {
  stepId: string;
  kind: "sequence" | "reply";
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
  /** Leads whose first reply came after this step was their last sequence step. */
  replies: number;
}

export interface RunSummary {
  startedAt: number;
  endedAt: number;
  /** Messages sent during this run. */
  sentThisRun: number;
  leads: number;
  finished: number;
  replied: number;
  optedOut: number;
  /** Leads whose reply awaits a person's review. */
  needsReview: number;
  failedLeads: number;
  steps: StepCounts[];
  /** Earliest due work left, when the run stopped with work remaining. */
  nextDueAt?: number;
  pausedReason?: string;
}
