/**
 * The persistent model of a campaign's progress. A lead's step moves
 *   pending → sending → sent | failed | skipped      (and sending → pending after reconciliation
 *                                                      proved the message was never delivered)
 * `sending` is written durably before the request leaves, so a crash at any point leaves either a
 * record that proves nothing was attempted, or a `sending` record that is reconciled against the
 * API before anything is sent again.
 */

export type StepStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

export interface StepRecord {
  status: StepStatus;
  /** Epoch ms of the last transition. */
  updatedAt: number;
  /** Number of send attempts that left this machine (a reconciled-undelivered attempt still counts). */
  attempts: number;
  /** Epoch ms when the current/last attempt was recorded as `sending`. */
  sendingAt?: number;
  /**
   * The same instant on the Inbox API server's clock (epoch ms), as measured from its responses when the
   * attempt was recorded; absent when nothing was measured. Reconciliation compares the API's createdAt
   * with this, never with `sendingAt`, so a client clock that is off (or corrected since) cannot mislead it.
   */
  serverSendingAt?: number;
  /** Epoch ms when the API confirmed the message (or reconciliation found it). */
  sentAt?: number;
  messageId?: string;
  /** sha256 (hex, first 32 chars) of the exact content sent; reconciliation matches on it. */
  contentHash?: string;
  /** Why the step failed or was skipped, for `status` and the final summary. */
  reason?: string;
}

export interface ReplyRecord {
  /** Epoch ms of the reply message (its createdAt, on the API server's clock). */
  at: number;
  messageId: string;
  /** First 500 characters of the reply, for match rules and status. */
  text: string;
  /** The sequence step that was the last one sent before the reply (for replies-per-step). */
  afterStep?: string;
  /** Where we learned of it. */
  via: "events" | "webhook" | "thread-check";
}

export interface LeadState {
  id: string;
  /** Account link the lead is bound to from its first send on. */
  account?: string;
  threadId?: string;
  /** Inbox prospect id (externalId), once known; needed for PATCH /prospects/{id}/context. */
  prospectId?: string;
  /** Keyed by step id. A missing entry means pending. */
  steps: Record<string, StepRecord>;
  reply?: ReplyRecord;
  optedOut?: boolean;
  /**
   * Set when the reply was ambiguous (it may be a request to stop): until a person decides with
   * `outreach review`, no reply step fires and nothing more is sent. Cleared by that decision.
   */
  review?: { at: number; reason: string };
  /** Set when the lead needs no more work; `reason` e.g. "completed", "replied", "opted-out", "failed". */
  finishedAt?: number;
  finishReason?: string;
}

/** What the state records of its inputs, to say what changed between runs. */
export interface Fingerprint {
  /** Hash of the normalized campaign (minus paths). */
  campaign: string;
  /** Step id → hash of its template text. */
  templates: Record<string, string>;
  /** Sequence step ids in order, and reply step ids. */
  sequence: string[];
  replySteps: string[];
  accounts: string[];
  idColumn: string;
  csv: { size: number; /** sha256 of the whole file as it was */ hash: string };
}

export interface StateMeta {
  /**
   * Format version of the state file: 3 since the snapshot is written a lead a line, compactly
   * (snapshot-format.ts; a format 2 file is read as is and written as 3 at its next save); 2 brought
   * journal headers (format 1 files are migrated on open).
   */
  version: 3;
  campaign: string;
  /** Random id made with the state file; the journal's header names it (journal-header.ts). */
  stateId: string;
  /** Compactions so far: the snapshot's generation; its journal's header carries the same (or one less). */
  generation: number;
  createdAt: number;
  updatedAt: number;
  fingerprint: Fingerprint;
  /** Last Events API seq fully processed (exclusive cursor for the next poll); null = from the oldest kept event. */
  eventsSeq: number | null;
  /** Epoch ms of the last successful events poll; used to detect the 7-day retention gap. */
  eventsPolledAt?: number;
  /** Tag/status name → id cache, so reply actions resolve each name once. */
  tagIds: Record<string, string>;
  statusIds: Record<string, string>;
}

export interface StateSnapshot {
  meta: StateMeta;
  leads: Record<string, LeadState>;
  /** Campaign-level counters, derived from `leads` when the snapshot is written (for humans and `status`). */
  counters?: Record<string, number>;
}
