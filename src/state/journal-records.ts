/**
 * The journal's line format and how it is replayed. One JSON object per line:
 *   {"k":"step","l":"<lead id>","s":"<step id>","r":{…StepRecord},"t":<epoch ms>}
 *   {"k":"lead","l":"<lead id>","p":{account?,threadId?,prospectId?,reply?,optedOut?,finishedAt?,finishReason?},"t":…}
 *   {"k":"meta","p":{…Partial<StateMeta>},"t":…}
 * Every record SETS values (a whole step record, or whole top-level fields); none increments or
 * appends. So replaying a record whose effect is already in the snapshot changes nothing, and replaying
 * the same journal twice gives the same state — which is what makes compaction crash-safe.
 */
import { UserError } from "../errors.js";
import { decodeHeader, type JournalHeader } from "./journal-header.js";
import type { LeadMap } from "./lead-map.js";
import type { LeadState, StateMeta, StepRecord } from "./types.js";

/** Fields to set on a lead; a field given as undefined is cleared (e.g. `finishedAt` on --retry-failed). */
export type LeadPatch = { [K in keyof Omit<LeadState, "id" | "steps">]?: LeadState[K] | undefined };

export type JournalRecord =
  | { k: "step"; l: string; s: string; r: StepRecord; t: number }
  | { k: "lead"; l: string; p: LeadPatch; t: number }
  | { k: "meta"; p: Partial<StateMeta>; t: number };

/**
 * The live state: the leads by id in a map (a plain Map, or a run's PackedLeads: lead-map.ts), so
 * lead ids can never collide with Object.prototype keys.
 */
export interface StateModel {
  meta: StateMeta;
  leads: LeadMap;
}

export function leadFor(model: StateModel, id: string): LeadState {
  let lead = model.leads.get(id);
  if (!lead) {
    lead = { id, steps: {} };
    model.leads.set(id, lead);
  }
  return lead;
}

export function applyRecord(model: StateModel, rec: JournalRecord): void {
  switch (rec.k) {
    case "step":
      leadFor(model, rec.l).steps[rec.s] = rec.r;
      break;
    case "lead": {
      // Never let a patch replace the identity or the step map, whatever the line says.
      const { id: _id, steps: _steps, ...patch } = rec.p as LeadPatch & { id?: unknown; steps?: unknown };
      const lead = leadFor(model, rec.l) as unknown as Record<string, unknown>;
      // A field patched to undefined is cleared; on disk that is written as null (JSON has no undefined).
      for (const [key, value] of Object.entries(patch)) {
        if (value === null || value === undefined) delete lead[key];
        else lead[key] = value;
      }
      break;
    }
    case "meta":
      Object.assign(model.meta, rec.p);
      break;
  }
  if (rec.t > model.meta.updatedAt) model.meta.updatedAt = rec.t;
}

export function encodeRecord(rec: JournalRecord): string {
  // Keep clears: JSON.stringify would drop a key patched to undefined, and replay would not clear it.
  return rec.k === "lead" ? JSON.stringify(rec, (_key, value: unknown) => (value === undefined ? null : value)) : JSON.stringify(rec);
}

/** Parses one line; undefined when it is not a well-formed record. */
export function decodeRecord(line: string): JournalRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(v) || typeof v.t !== "number") return undefined;
  if (v.k === "step" && typeof v.l === "string" && typeof v.s === "string" && isObject(v.r) && typeof v.r.status === "string") {
    return v as unknown as JournalRecord;
  }
  if (v.k === "lead" && typeof v.l === "string" && isObject(v.p)) return v as unknown as JournalRecord;
  if (v.k === "meta" && isObject(v.p)) return v as unknown as JournalRecord;
  return undefined;
}

export interface ParsedJournal {
  /** The first line, when it is a header (journal-header.ts); absent in a format-1 journal. */
  header: JournalHeader | undefined;
  records: JournalRecord[];
  /** Byte length of the intact prefix: what a writer keeps before appending (drops a torn tail). */
  intactBytes: number;
  /** The file ends in a complete record without its newline: the writer must add one first. */
  needsNewline: boolean;
  warnings: string[];
}

/**
 * Splits a journal into records. Appends are sequential, so a crash can only damage the END: a torn
 * last line (killed mid-write) or trailing NUL bytes (power loss after the size was extended but before
 * the data reached the disk) are dropped with a warning — no caller was ever told those writes
 * succeeded. Damage anywhere else means the file was edited or the disk is failing: refuse to guess.
 */
export function parseJournal(text: Buffer, file: string): ParsedJournal {
  const warnings: string[] = [];
  let end = text.length;
  while (end > 0 && text[end - 1] === 0) end--;
  if (end < text.length) warnings.push(`${file}: ignored ${text.length - end} NUL bytes at the end (an interrupted write)`);
  const records: JournalRecord[] = [];
  let header: JournalHeader | undefined;
  // Every element but the last was terminated by "\n"; the last is the unterminated remainder.
  const lines = text.subarray(0, end).toString("utf8").split("\n");
  let intactBytes = 0;
  let needsNewline = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const terminated = i < lines.length - 1;
    const bytes = Buffer.byteLength(line) + (terminated ? 1 : 0);
    const head = decodeHeader(line);
    if (head && (i > 0 || !terminated)) {
      if (!terminated) break; // a header torn before its newline: nothing after it was ever confirmed
      throw new UserError(`${file}:${i + 1}: a second journal header (state ${head.state}, campaign "${head.campaign}"): two journals were joined into one`, {
        hint: `restore this journal from a backup, or cut it at line ${i + 1} if the lines after it came from another state file`,
      });
    }
    if (head) {
      header = head;
      intactBytes += bytes;
      continue;
    }
    const rec = line.trim() === "" ? null : decodeRecord(line);
    if (rec === undefined && !terminated) {
      warnings.push(`${file}:${i + 1}: ignored an incomplete last line (the run was interrupted while writing it; that write was never confirmed)`);
      break;
    }
    if (rec === undefined) {
      throw new UserError(`${file}:${i + 1}: the state journal is corrupt (not a valid record)`, {
        hint: `the file was edited or the disk is damaged. Restore the state files from a backup, or delete ${file} and the state file next to it to start over — deleting re-sends to everyone.`,
      });
    }
    if (rec) {
      records.push(rec);
      needsNewline = !terminated;
    }
    intactBytes += bytes;
  }
  return { header, records, intactBytes, needsNewline, warnings };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
