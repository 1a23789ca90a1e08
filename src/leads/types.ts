/** One valid lead row from the CSV. */
export interface Lead {
  /** X user id (externalPlatformId): a digit string. The lead's identity in state and the sandbox. */
  id: string;
  /** 1-based position among the file's data rows (header excluded), in file order. */
  position: number;
  /** 1-based line number in the file where the row starts (header is line 1). */
  line: number;
  /** The username column's value without its "@"; absent (or undefined) when empty or not configured. */
  username?: string | undefined;
  /** Per-lead IANA zone from the time-zone column, when present and non-empty. */
  timezone?: string | undefined;
  /** Every CSV column by header name; values trimmed of whitespace and invisible characters (leads/values.ts). */
  fields: Record<string, string>;
}

export type LeadProblemReason =
  | "missing-id"
  | "malformed-id"
  | "spreadsheet-id"
  | "duplicate"
  | "suppressed"
  | "ragged-row"
  | "bad-timezone";

/** A row that will not be messaged, with why. Row problems never stop the other rows. */
export interface LeadProblem {
  reason: LeadProblemReason;
  line: number;
  position: number;
  /** The id cell, when there was one. */
  id?: string;
  /** Human sentence: what was wrong and what to do. */
  message: string;
  /**
   * An earlier row that must not be messaged either although it read as a lead: two different rows
   * sharing one rounded id (reason "spreadsheet-id"). A live run drops the lead on that line.
   */
  heldBackLine?: number;
}

export type LeadRecord = { kind: "lead"; lead: Lead } | { kind: "problem"; problem: LeadProblem };
