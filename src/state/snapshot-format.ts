/**
 * The snapshot's compact layout (format 3): still one JSON document (lowdb's), laid out one lead a line
 * so it can be written and read a chunk at a time instead of as one string of the whole campaign:
 *
 *   {"meta":{…},"counters":{…},"accounts":["<account link>",…],"steps":["intro",…],"base":<epoch ms>,"leads":[
 *   {"i":"<lead id>","a":0,"h":"<thread id>","s":{"0":{"s":"sent","u":12,"g":0,"t":0,"m":"<message id>","c":"<hash>"}}},
 *   …
 *   ]}
 *
 * A lead is written with short keys and without its defaults: the account and step ids as indexes into
 * the header's tables (or as themselves, `"~<step id>"` for a step, when the lead changed after the
 * tables were made: the write is streamed while the run goes on), a step's update time as ms after
 * `base` and its other times as ms after that, one attempt left out. ~170 bytes a lead instead of ~330 (format 2: `leads` an object of full records).
 * Fields this file does not know are kept under `x`, so a newer field is never dropped on the way.
 */
import type { LeadState, ReplyRecord, StepRecord, StepStatus } from "./types.js";

/** The header's tables: where an index in a lead line points. */
export interface LeadTables {
  accounts: string[];
  steps: string[];
  /** Epoch ms that lead times are written relative to. */
  base: number;
}

/** A lead as written on its line. */
export interface LeadLine {
  i: string;
  a?: number | string;
  h?: string;
  p?: string;
  s?: Record<string, StepLine>;
  r?: ReplyRecord;
  o?: 1;
  v?: { at: number; reason: string };
  f?: number;
  w?: string;
  x?: Record<string, unknown>;
}

interface StepLine {
  s: StepStatus;
  /** updatedAt − base. */
  u: number;
  /** attempts, when not 1. */
  n?: number;
  /** sendingAt − updatedAt; serverSendingAt − updatedAt; sentAt − updatedAt. */
  g?: number;
  v?: number;
  t?: number;
  m?: string;
  c?: string;
  r?: string;
  x?: Record<string, unknown>;
}

/** The tables for `leads`: every account and step id they use, and the earliest update as the base. */
export function leadTables(leads: Iterable<LeadState>): LeadTables {
  const accounts = new Set<string>();
  const steps = new Set<string>();
  let base = Number.POSITIVE_INFINITY;
  for (const lead of leads) {
    if (lead.account !== undefined) accounts.add(lead.account);
    for (const [id, rec] of Object.entries(lead.steps)) {
      steps.add(id);
      base = Math.min(base, rec.updatedAt);
    }
  }
  return { accounts: [...accounts], steps: [...steps], base: Number.isFinite(base) ? base : 0 };
}

/** Index lookups for `encodeLead`, built once per write. */
export function tableIndex(tables: LeadTables): { accounts: Map<string, number>; steps: Map<string, number>; base: number } {
  return { accounts: new Map(tables.accounts.map((a, i) => [a, i])), steps: new Map(tables.steps.map((s, i) => [s, i])), base: tables.base };
}

/**
 * One lead's line (without the separator). An account or step missing from the tables is written as
 * itself (see above). With `withId: false` the line leaves out the id, for a reader that knows it
 * (lead-map.ts keeps lines under their ids); `decodeLead` then needs `i` put back.
 */
export function encodeLead(lead: LeadState, index: ReturnType<typeof tableIndex>, opts: { withId?: boolean } = {}): string {
  const { id, account, threadId, prospectId, steps, reply, optedOut, review, finishedAt, finishReason, ...rest } = lead;
  const out = (opts.withId === false ? {} : { i: id }) as LeadLine;
  if (account !== undefined) out.a = index.accounts.get(account) ?? account;
  if (threadId !== undefined) out.h = threadId;
  if (prospectId !== undefined) out.p = prospectId;
  const stepIds = Object.keys(steps);
  if (stepIds.length > 0) {
    const s: Record<string, StepLine> = {};
    for (const stepId of stepIds) s[index.steps.get(stepId) ?? `~${stepId}`] = encodeStep(steps[stepId]!, index.base);
    out.s = s;
  }
  if (reply !== undefined) out.r = reply;
  if (optedOut) out.o = 1;
  if (review !== undefined) out.v = review;
  if (finishedAt !== undefined) out.f = finishedAt;
  if (finishReason !== undefined) out.w = finishReason;
  if (Object.keys(rest).length > 0) out.x = rest;
  return JSON.stringify(out);
}

/** The lead a line holds. @throws RangeError when it points outside the tables (a damaged file). */
export function decodeLead(line: LeadLine, tables: LeadTables): LeadState {
  if (typeof line !== "object" || line === null || typeof line.i !== "string") throw new RangeError("a lead line without its id");
  const lead: LeadState = { ...line.x, id: line.i, steps: {} };
  if (line.a !== undefined) lead.account = typeof line.a === "string" ? line.a : tableEntry(tables.accounts, line.a, "account");
  if (line.h !== undefined) lead.threadId = line.h;
  if (line.p !== undefined) lead.prospectId = line.p;
  for (const [k, rec] of Object.entries(line.s ?? {})) {
    lead.steps[k.startsWith("~") ? k.slice(1) : tableEntry(tables.steps, Number(k), "step")] = decodeStep(rec, tables.base);
  }
  if (line.r !== undefined) lead.reply = line.r;
  if (line.o) lead.optedOut = true;
  if (line.v !== undefined) lead.review = line.v;
  if (line.f !== undefined) lead.finishedAt = line.f;
  if (line.w !== undefined) lead.finishReason = line.w;
  return lead;
}

function encodeStep(rec: StepRecord, base: number): StepLine {
  const { status, updatedAt, attempts, sendingAt, serverSendingAt, sentAt, messageId, contentHash, reason, ...rest } = rec;
  const out: StepLine = { s: status, u: updatedAt - base };
  if (attempts !== 1) out.n = attempts;
  if (sendingAt !== undefined) out.g = sendingAt - updatedAt;
  if (serverSendingAt !== undefined) out.v = serverSendingAt - updatedAt;
  if (sentAt !== undefined) out.t = sentAt - updatedAt;
  if (messageId !== undefined) out.m = messageId;
  if (contentHash !== undefined) out.c = contentHash;
  if (reason !== undefined) out.r = reason;
  if (Object.keys(rest).length > 0) out.x = rest;
  return out;
}

function decodeStep(line: StepLine, base: number): StepRecord {
  if (typeof line !== "object" || line === null || typeof line.s !== "string" || typeof line.u !== "number") throw new RangeError("a step without its status");
  const updatedAt = base + line.u;
  const rec: StepRecord = { ...line.x, status: line.s, updatedAt, attempts: line.n ?? 1 };
  if (line.g !== undefined) rec.sendingAt = updatedAt + line.g;
  if (line.v !== undefined) rec.serverSendingAt = updatedAt + line.v;
  if (line.t !== undefined) rec.sentAt = updatedAt + line.t;
  if (line.m !== undefined) rec.messageId = line.m;
  if (line.c !== undefined) rec.contentHash = line.c;
  if (line.r !== undefined) rec.reason = line.r;
  return rec;
}

function tableEntry(table: readonly string[], i: number, what: string): string {
  const v = table[i];
  if (v === undefined) throw new RangeError(`${what} #${i} is not in the file's table of ${what}s`);
  return v;
}
