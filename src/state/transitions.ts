/**
 * The step state machine. Every status change of a step goes through `applyTransition` (engine) or
 * is checked by `assertLegalTransition` (the store, on every `setStep`), so a bug that would send a
 * lead the same step twice fails loudly instead of quietly re-arming a step.
 *
 *   from \ to   pending        sending          sent    failed   skipped
 *   (missing)   = pending
 *   pending     –              yes              –       yes¹     yes
 *   sending     yes²           –                yes     yes      –³
 *   sent        –              –                –       –        –       (terminal: it was delivered)
 *   failed      retry⁴         retry⁴           –       –        –
 *   skipped     –              –                –       –        –       (terminal)
 *
 *   ¹ the step failed before anything left this machine (e.g. the template could not render for the lead).
 *   ² only after reconciliation proved the attempt was never delivered.
 *   ³ an in-flight send cannot be skipped: whether it arrived is unknown until reconciled.
 *   ⁴ only with an explicit retry (`--retry-failed`); never implicit.
 * "sent → sending" and "sending → sending" are the two double-send bugs this table exists to catch.
 */
import type { StepRecord, StepStatus } from "./types.js";

/** A transition the state machine forbids: always a bug in the caller, never a user error. */
export class IllegalTransitionError extends Error {
  override readonly name = "IllegalTransitionError";
  constructor(
    readonly from: StepStatus,
    readonly to: StepStatus,
    detail: string,
  ) {
    super(`bug: illegal step transition ${from} → ${to}${detail ? ` (${detail})` : ""}`);
  }
}

type Rule = "yes" | "retry";
const TABLE: Record<StepStatus, Partial<Record<StepStatus, Rule>>> = {
  pending: { sending: "yes", failed: "yes", skipped: "yes" },
  sending: { pending: "yes", sent: "yes", failed: "yes" },
  sent: {},
  failed: { pending: "retry", sending: "retry" },
  skipped: {},
};

/** Throws IllegalTransitionError unless `from → to` is in the table (retry-only edges need `retry`). */
export function assertLegalTransition(from: StepStatus, to: StepStatus, opts: { retry?: boolean } = {}, where = ""): void {
  const rule = TABLE[from][to];
  if (rule === "yes" || (rule === "retry" && opts.retry === true)) return;
  throw new IllegalTransitionError(from, to, rule === "retry" ? `needs an explicit retry${where ? `; ${where}` : ""}` : where);
}

export interface TransitionExtra {
  /** Required for → sending: hash of the exact content about to leave. */
  contentHash?: string;
  /** Required for → sent. */
  messageId?: string;
  /** When the API created the message (→ sent); defaults to `at`. */
  sentAt?: number;
  /** Why (→ failed, → skipped, and → pending after reconciliation). */
  reason?: string;
  /** Allows failed → pending | sending. */
  retry?: boolean;
}

/**
 * The record after moving `prev` to `next` at `at`. Pure: returns a new record, never mutates.
 * Throws IllegalTransitionError for transitions outside the table, or when → sending lacks a content
 * hash or → sent lacks a message id (reconciliation and `status` depend on both).
 */
export function applyTransition(prev: StepRecord | undefined, next: StepStatus, at: number, extra: TransitionExtra = {}): StepRecord {
  const from = prev?.status ?? "pending";
  assertLegalTransition(from, next, extra.retry === undefined ? {} : { retry: extra.retry });
  const attempts = prev?.attempts ?? 0;
  const base: StepRecord = { status: next, updatedAt: at, attempts };
  switch (next) {
    case "sending": {
      if (!extra.contentHash) throw new IllegalTransitionError(from, next, "a sending record needs the content hash");
      return { ...base, attempts: attempts + 1, sendingAt: at, contentHash: extra.contentHash };
    }
    case "sent": {
      if (!extra.messageId) throw new IllegalTransitionError(from, next, "a sent record needs the message id");
      return { ...keepAttempt(prev), ...base, sentAt: extra.sentAt ?? at, messageId: extra.messageId };
    }
    case "failed":
      // Keep the attempt's sendingAt/contentHash: a failed attempt is still evidence for `status`.
      return withReason({ ...keepAttempt(prev), ...base }, extra.reason);
    case "pending":
    case "skipped":
      return withReason(base, extra.reason);
  }
}

/** True when the step needs no further sending (sent or skipped). */
export function isStepDone(record: StepRecord | undefined): boolean {
  return record?.status === "sent" || record?.status === "skipped";
}

function keepAttempt(prev: StepRecord | undefined): Partial<StepRecord> {
  const out: Partial<StepRecord> = {};
  if (prev?.sendingAt !== undefined) out.sendingAt = prev.sendingAt;
  if (prev?.contentHash !== undefined) out.contentHash = prev.contentHash;
  return out;
}

function withReason(r: StepRecord, reason: string | undefined): StepRecord {
  return reason === undefined ? r : { ...r, reason };
}
