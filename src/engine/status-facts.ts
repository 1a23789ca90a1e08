/**
 * What `outreach status` counts of each lead, as numbers in columns, so a status can keep them and,
 * while a run writes, bring them up to date from the journal's records alone instead of decoding every
 * lead of a 100,000-lead state again (platform/state-facts.ts keeps them per snapshot file).
 *
 * - `leadFacts(state)` reduces one lead's state to what the summary reads: where it stands in the
 *   sequence, its flags, its account, each campaign step's status, its message times, and the rare
 *   texts (a skipped first step's reason, a reply awaiting review, failed steps' reasons). None of it
 *   depends on the time of asking.
 * - `StatusFacts` holds them for the CSV's rows (one row per roster row: platform/lead-roster.ts), in
 *   typed arrays, and reads and writes them as bytes.
 * - `summarizeFacts` makes the status summary from the rows, the suppression file and the facts:
 *   exactly what `summarizeStatus` makes from the leads' states (test/unit/engine/status-facts.test.ts
 *   checks that over random states, suppression lists and times).
 */
import type { Campaign } from "../config/types.js";
import type { LeadState } from "../state/types.js";
import type { RemainingWork } from "./remaining.js";
import type { ReviewItem } from "./review.js";
import { nextReplyStepDue, nextSequenceWork, replyStepMatchers } from "./sequence.js";
import type { StatusReport, StatusSummary } from "./status-summary.js";
import { messageStepIds, messageTimes } from "./step-records.js";
import type { StepCounts } from "./events.js";

const DAY = 86_400_000;

/** Where a lead stands in the sequence when it is neither finished nor replied (remaining.ts's branches). */
export const Kind = {
  /** Not contacted: no state, or a state with no account whose first step is next. */
  toStart: 0,
  /** A sequence step failed: finished, failed. */
  sequenceFailed: 1,
  /** Bound to an account, its next step due now (the first, or one whose predecessor has no send time). */
  followUpNow: 2,
  /** Bound to an account, its next step due at `dueAt`. */
  followUpDue: 3,
  /** Every sequence step done: open for replies. */
  open: 4,
} as const;

/** Flag bits. */
export const Flag = {
  /** The lead has a state (else every other field is empty). */
  state: 1,
  /** `finishedAt` is set. */
  finished: 2,
  /** `finishReason` is "failed". */
  finishFailed: 4,
  /** It replied. */
  replied: 8,
  optedOut: 16,
  /** A step was sent (any step, the campaign's or not). */
  contacted: 32,
} as const;

/** Step status codes, per campaign step (sequence, then reply steps). */
const SENT = 1;
const FAILED = 2;
const SKIPPED = 3;

/** The rare texts of a lead, kept beside the columns. */
export interface RareFacts {
  /** Its first step was skipped, for this reason. */
  notContacted?: string;
  /** Its reply awaits review. */
  review?: { at: number; reason: string; reply: string };
  /** Each failed step's "step: reason", in the order of its steps. */
  failures?: string[];
}

/** One lead's facts (see the module comment). */
export interface LeadFacts {
  kind: number;
  flags: number;
  /** The next sequence step's index (followUpNow, followUpDue). */
  step: number;
  /** Epoch ms the next step is due (followUpDue). */
  dueAt: number;
  /** Epoch ms the next reply-step DM is due (a replied lead: sequence.ts nextReplyStepDue); 0 for none. */
  replyDue: number;
  account: string | undefined;
  /** Index among the campaign's steps of the step the reply came after; -1: none. */
  afterStep: number;
  /** Per campaign step: 0 (not sent, failed or skipped), SENT, FAILED or SKIPPED. */
  steps: number[];
  /** Message times (epoch ms): what the caps count. */
  sends: number[];
  rare?: RareFacts | undefined;
}

/** The campaign's side of the facts: which steps, in which order, are counted. */
export interface FactsPlan {
  sequence: Campaign["sequence"];
  replySteps: Campaign["replySteps"];
  /** Each reply step's match, compiled (sequence.ts replyStepMatchers). */
  matchers: ReadonlyMap<string, RegExp>;
  /** Sequence step ids, then reply step ids. */
  stepIds: string[];
  messageSteps: ReadonlySet<string>;
  firstStep: string;
}

export function factsPlan(campaign: Pick<Campaign, "sequence" | "replySteps">): FactsPlan {
  return {
    sequence: campaign.sequence,
    replySteps: campaign.replySteps,
    matchers: replyStepMatchers(campaign.replySteps),
    stepIds: [...campaign.sequence.map((s) => s.id), ...campaign.replySteps.map((s) => s.id)],
    messageSteps: messageStepIds(campaign),
    firstStep: campaign.sequence[0]?.id ?? "",
  };
}

/** What the facts depend on in the campaign (a kept table is used only for the same). */
export function factsStamp(campaign: Pick<Campaign, "sequence" | "replySteps">): string {
  return JSON.stringify({
    sequence: campaign.sequence.map((s) => [s.id, s.index, s.afterMs]),
    replySteps: campaign.replySteps.map((s) => [s.id, s.template !== undefined, s.delayMs, s.match ?? null]),
  });
}

/** One lead's facts, from its state. */
export function leadFacts(plan: FactsPlan, state: LeadState): LeadFacts {
  let flags = Flag.state;
  if (state.finishedAt !== undefined) flags |= Flag.finished;
  if (state.finishReason === "failed") flags |= Flag.finishFailed;
  if (state.reply) flags |= Flag.replied;
  if (state.optedOut) flags |= Flag.optedOut;
  let rare: RareFacts | undefined;
  for (const stepId of Object.keys(state.steps)) {
    const rec = state.steps[stepId]!;
    if (rec.status === "sent") flags |= Flag.contacted;
    if (rec.status === "failed") (rare ??= {}).failures = [...(rare.failures ?? []), `${stepId}: ${rec.reason ?? "unknown"}`];
  }
  const first = state.steps[plan.firstStep];
  if (first?.status === "skipped") (rare ??= {}).notContacted = first.reason ?? "skipped";
  if (state.review) (rare ??= {}).review = { at: state.review.at, reason: state.review.reason, reply: state.reply?.text ?? "" };
  const next = nextSequenceWork(plan.sequence, state.steps);
  let kind: number = Kind.open;
  let step = 0;
  let dueAt = 0;
  if (next.kind === "failed") kind = Kind.sequenceFailed;
  else if (next.kind === "start" && !state.account) kind = Kind.toStart;
  else if ((next.kind === "start" || next.kind === "due") && state.account) {
    kind = next.kind === "due" ? Kind.followUpDue : Kind.followUpNow;
    step = next.index;
    dueAt = next.kind === "due" ? next.at : 0;
  }
  const afterStep = state.reply?.afterStep;
  return {
    kind,
    flags,
    step,
    dueAt,
    replyDue: (state.account && nextReplyStepDue(plan.replySteps, plan.matchers, state)) || 0,
    account: state.account,
    afterStep: afterStep === undefined ? -1 : plan.stepIds.indexOf(afterStep),
    steps: plan.stepIds.map((id) => {
      const st = state.steps[id]?.status;
      return st === "sent" ? SENT : st === "failed" ? FAILED : st === "skipped" ? SKIPPED : 0;
    }),
    sends: state.account ? messageTimes(state, plan.messageSteps) : [],
    rare,
  };
}

/** The facts of the CSV's rows, in columns (one entry per roster row; a row with no state has none). */
export class StatusFacts {
  readonly kind: Uint8Array;
  readonly flags: Uint8Array;
  readonly step: Uint16Array;
  readonly dueAt: Float64Array;
  readonly replyDue: Float64Array;
  /** Index into `accounts`; -1: none. */
  readonly account: Int32Array;
  readonly afterStep: Int32Array;
  /** rows × steps status codes. */
  readonly steps: Uint8Array;
  /** Row r's message times are sends[sendFrom[r] .. sendFrom[r + 1]). */
  readonly sendFrom: Uint32Array;
  sends: Float64Array;
  readonly rare = new Map<number, RareFacts>();
  /** Account ids the `account` column indexes. */
  readonly accounts: string[] = [];
  private readonly accountIndex = new Map<string, number>();
  private sendCount = 0;
  private filled = 0;

  /** Empty columns for `rows` rows of `stepCount` steps, to `push` into (or, from `fromBytes`, the columns read). */
  constructor(
    readonly rows: number,
    readonly stepCount: number,
    columns?: Pick<StatusFacts, "kind" | "flags" | "step" | "dueAt" | "replyDue" | "account" | "afterStep" | "steps" | "sendFrom" | "sends">,
  ) {
    this.kind = columns?.kind ?? new Uint8Array(rows);
    this.flags = columns?.flags ?? new Uint8Array(rows);
    this.step = columns?.step ?? new Uint16Array(rows);
    this.dueAt = columns?.dueAt ?? new Float64Array(rows);
    this.replyDue = columns?.replyDue ?? new Float64Array(rows);
    this.account = columns?.account ?? new Int32Array(rows).fill(-1);
    this.afterStep = columns?.afterStep ?? new Int32Array(rows).fill(-1);
    this.steps = columns?.steps ?? new Uint8Array(rows * stepCount);
    this.sendFrom = columns?.sendFrom ?? new Uint32Array(rows + 1);
    this.sends = columns?.sends ?? new Float64Array(Math.max(16, rows));
  }

  /**
   * Sets row `row`'s facts (undefined: no state). Rows are set in order, each once (the send times
   * are appended): 0, 1, 2, …
   */
  push(row: number, facts: LeadFacts | undefined): void {
    if (row !== this.filled) throw new Error(`bug: facts row ${row} set out of order (next is ${this.filled})`);
    this.filled++;
    this.sendFrom[row] = this.sendCount;
    if (facts !== undefined) {
      this.kind[row] = facts.kind;
      this.flags[row] = facts.flags;
      this.step[row] = facts.step;
      this.dueAt[row] = facts.dueAt;
      this.replyDue[row] = facts.replyDue;
      this.account[row] = facts.account === undefined ? -1 : this.accountOf(facts.account);
      this.afterStep[row] = facts.afterStep;
      this.steps.set(facts.steps, row * this.stepCount);
      if (this.sendCount + facts.sends.length > this.sends.length) {
        const grown = new Float64Array(Math.max(this.sends.length * 2, this.sendCount + facts.sends.length));
        grown.set(this.sends.subarray(0, this.sendCount));
        this.sends = grown;
      }
      this.sends.set(facts.sends, this.sendCount);
      this.sendCount += facts.sends.length;
      if (facts.rare) this.rare.set(row, facts.rare);
    }
    this.sendFrom[row + 1] = this.sendCount;
  }

  /** Row `row`'s facts as one object (for a lead the journal changed: replaced, not merged). */
  at(row: number): LeadFacts | undefined {
    if ((this.flags[row]! & Flag.state) === 0) return undefined;
    const account = this.account[row]!;
    return {
      kind: this.kind[row]!,
      flags: this.flags[row]!,
      step: this.step[row]!,
      dueAt: this.dueAt[row]!,
      replyDue: this.replyDue[row]!,
      account: account < 0 ? undefined : this.accounts[account],
      afterStep: this.afterStep[row]!,
      steps: [...this.steps.subarray(row * this.stepCount, (row + 1) * this.stepCount)],
      sends: [...this.sends.subarray(this.sendFrom[row]!, this.sendFrom[row + 1]!)],
      rare: this.rare.get(row),
    };
  }

  /** The columns as bytes (8-byte aligned sections), the rare texts and accounts as JSON (see `fromBytes`). */
  toBytes(): { columns: Buffer; json: string } {
    const sections: ArrayBufferView[] = [
      this.kind, this.flags, this.step, this.dueAt, this.replyDue, this.account, this.afterStep, this.steps, this.sendFrom, this.sends.subarray(0, this.sendCount),
    ];
    const parts: Buffer[] = [];
    for (const s of sections) {
      const bytes = Buffer.from(s.buffer, s.byteOffset, s.byteLength);
      parts.push(bytes);
      const pad = (8 - (bytes.length % 8)) % 8;
      if (pad) parts.push(Buffer.alloc(pad));
    }
    return { columns: Buffer.concat(parts), json: JSON.stringify({ accounts: this.accounts, sends: this.sendCount, rare: [...this.rare] }) };
  }

  /**
   * The facts `toBytes` wrote, for `rows` rows of `stepCount` steps. @throws Error when the bytes do not
   * have that shape (the caller then makes them afresh).
   */
  static fromBytes(rows: number, stepCount: number, columns: Buffer, json: string): StatusFacts {
    const extra = JSON.parse(json) as { accounts: string[]; sends: number; rare: [number, RareFacts][] };
    // The columns are views of the bytes when they are 8-byte aligned (a kept file is written so), else of a copy.
    let aligned: Uint8Array = columns;
    if (columns.byteOffset % 8 !== 0) {
      aligned = new Uint8Array(columns.length);
      aligned.set(columns);
    }
    let at = 0;
    const take = <T extends ArrayBufferView>(make: (buf: ArrayBuffer, offset: number, length: number) => T, count: number, width: number): T => {
      if (!Number.isInteger(count) || count < 0 || at + count * width > aligned.length) throw new Error("facts: shorter than their shape");
      const view = make(aligned.buffer as ArrayBuffer, aligned.byteOffset + at, count);
      at += Math.ceil((count * width) / 8) * 8;
      return view;
    };
    const facts = new StatusFacts(rows, stepCount, {
      kind: take((b, o, n) => new Uint8Array(b, o, n), rows, 1),
      flags: take((b, o, n) => new Uint8Array(b, o, n), rows, 1),
      step: take((b, o, n) => new Uint16Array(b, o, n), rows, 2),
      dueAt: take((b, o, n) => new Float64Array(b, o, n), rows, 8),
      replyDue: take((b, o, n) => new Float64Array(b, o, n), rows, 8),
      account: take((b, o, n) => new Int32Array(b, o, n), rows, 4),
      afterStep: take((b, o, n) => new Int32Array(b, o, n), rows, 4),
      steps: take((b, o, n) => new Uint8Array(b, o, n), rows * stepCount, 1),
      sendFrom: take((b, o, n) => new Uint32Array(b, o, n), rows + 1, 4),
      sends: take((b, o, n) => new Float64Array(b, o, n), extra.sends, 8),
    });
    if (at !== aligned.length || facts.sendFrom[rows] !== extra.sends) throw new Error("facts: not of their shape");
    facts.sendCount = extra.sends;
    facts.filled = rows;
    for (const a of extra.accounts) facts.accountOf(a);
    for (let r = 0; r < rows; r++) {
      const a = facts.account[r]!;
      const k = facts.afterStep[r]!;
      if (a >= extra.accounts.length || a < -1 || k >= stepCount || k < -1 || facts.sendFrom[r]! > facts.sendFrom[r + 1]!) throw new Error("facts: an index out of range");
    }
    for (const [row, rare] of extra.rare) facts.rare.set(row, rare);
    return facts;
  }

  private accountOf(id: string): number {
    let i = this.accountIndex.get(id);
    if (i === undefined) {
      i = this.accounts.length;
      this.accountIndex.set(id, i);
      this.accounts.push(id);
    }
    return i;
  }
}

/** The CSV's rows as status reads them (platform/lead-roster.ts LeadRoster). */
export interface FactsRows {
  ids: readonly string[];
  /** Per row: a zone index into zoneNames, -1 (none) or -2 (a zone no one knows). */
  zones: readonly number[];
  zoneNames: readonly string[];
  /** Rows skipped whatever is suppressed. */
  otherSkipped: number;
}

/** What the summary needs besides the rows' facts. */
export interface FactsContext {
  campaign: Pick<Campaign, "name" | "stateFile" | "sequence" | "replySteps" | "accounts">;
  /** Leads in the state file (any, in the CSV or not). */
  leadsInState: number;
  /** Do-not-contact ids, as the suppression file says now. */
  suppressed: ReadonlySet<string>;
  computedAt: number;
}

const NOT_CONTACTED_SHOWN = 50;
/** Zone indexes in a follow-up's key: 0 for none, then 1 + the zone's index (fewer than this many zones). */
const ZONE_KEYS = 1 << 20;
const FAILED_LEADS_SHOWN = 20;

/**
 * The status summary from the rows and their facts — `override` (row → facts; undefined: no state)
 * taking the place of a row's kept facts. Equals `summarizeStatus` over the leads' states.
 */
export function summarizeFacts(ctx: FactsContext, rows: FactsRows, facts: StatusFacts, override: ReadonlyMap<number, LeadFacts | undefined> = new Map()): StatusSummary {
  const { campaign, suppressed, computedAt } = ctx;
  const stepIds = [...campaign.sequence.map((s) => s.id), ...campaign.replySteps.map((s) => s.id)];
  const stepKinds = [...campaign.sequence.map(() => "sequence" as const), ...campaign.replySteps.map(() => "reply" as const)];
  const counts: StepCounts[] = stepIds.map((stepId, i) => ({ stepId, kind: stepKinds[i]!, sent: 0, failed: 0, skipped: 0, pending: 0, replies: 0 }));
  const sendsFrom = computedAt - DAY;
  const recentSends = new Map<string, number[]>();
  const earliest = new Map<number, RemainingWork["followUps"][number]>();
  const accountNos = new Map<string, number>();
  const startZones = new Set<string | undefined>();
  const leadsPer = new Map<string, number>();
  const review: ReviewItem[] = [];
  const failures = new Map<string, { count: number; leads: string[] }>();
  const notContacted: { leadId: string; reason: string }[] = [];
  let notContactedCount = 0;
  let skippedRows = rows.otherSkipped;
  let total = 0;
  let toStart = 0;
  let waiting = 0;
  let firstStepWaiting = 0;
  let open = 0;
  let finishedWork = 0;
  let failedWork = 0;
  let seen = 0;
  let finished = 0;
  let replied = 0;
  let optedOut = 0;
  let contacted = 0;
  /** Keeps the send as its account and zone's earliest if it is (the first in CSV order wins a tie). */
  const offer = (step: number, dueAt: number, leadId: string, account: string, zone: string | undefined, r: number): void => {
    // Account and zone as one number (a string per row would be 100,000 strings to collect).
    let accountNo = accountNos.get(account);
    if (accountNo === undefined) accountNos.set(account, (accountNo = accountNos.size));
    const key = accountNo * ZONE_KEYS + (zone === undefined ? 0 : rows.zones[r]! + 1);
    const seenFollowUp = earliest.get(key);
    if (seenFollowUp === undefined || dueAt < seenFollowUp.dueAt) earliest.set(key, { leadId, step, dueAt, account, ...(zone ? { timezone: zone } : {}) });
  };
  const row = new RowReader(facts, override);
  const anySuppressed = suppressed.size > 0;
  let sendsOf: number[] | undefined;
  const addSend = (at: number): void => {
    if (at > sendsFrom) sendsOf!.push(at);
  };
  // A lead with no state starts the sequence (or, with no sequence step at all, has nothing left).
  const noStateStarts = nextSequenceWork(campaign.sequence, {}).kind === "start";
  for (let r = 0; r < rows.ids.length; r++) {
    const id = rows.ids[r]!;
    row.read(r);
    let zone: string | undefined;
    if (anySuppressed && suppressed.has(id)) {
      // A suppressed row is one of the campaign's leads only when this campaign finished it (an opt-out).
      if ((row.flags & Flag.finished) === 0) {
        skippedRows++;
        continue;
      }
    } else if (rows.zones[r] === -2) {
      skippedRows++;
      continue;
    } else if (rows.zones[r]! >= 0) zone = rows.zoneNames[rows.zones[r]!];
    total++;
    const has = (row.flags & Flag.state) !== 0;
    const account = row.account;
    if (has && account && row.sendCount() > 0) {
      sendsOf = recentSends.get(account) ?? [];
      row.eachSend(addSend);
      // An account enters the map at its first send in the range (the order summarizeStatus gives).
      if (sendsOf.length > 0 && !recentSends.has(account)) recentSends.set(account, sendsOf);
    }
    if (has && row.flags & Flag.finished) {
      finishedWork++;
      if (row.flags & Flag.finishFailed) failedWork++;
    } else if (has && row.flags & Flag.replied) {
      open++;
      // Its next reply-step DM competes with the follow-ups for its account's next send (not counted as one).
      if (row.replyDue > 0 && account) offer(campaign.sequence.length, row.replyDue, id, account, zone, r);
    }
    else if (!has && !noStateStarts) open++;
    else if (!has || row.kind === Kind.toStart) {
      toStart++;
      startZones.add(zone);
    } else if (row.kind === Kind.sequenceFailed) {
      finishedWork++;
      failedWork++;
    } else if (row.kind === Kind.followUpNow || row.kind === Kind.followUpDue) {
      // Bound to an account but not yet sent its first message: not started, to a person.
      if (row.step === 0) firstStepWaiting++;
      else waiting++;
      offer(row.step, row.kind === Kind.followUpDue ? row.dueAt : computedAt, id, account!, zone, r);
    } else open++;
    if (!has) continue;
    seen++;
    const isFinished = (row.flags & Flag.finished) !== 0;
    const isReplied = (row.flags & Flag.replied) !== 0;
    if (isFinished) finished++;
    if (isReplied) replied++;
    if (row.flags & Flag.optedOut) optedOut++;
    if (row.afterStep >= 0) counts[row.afterStep]!.replies++;
    for (let k = 0; k < counts.length; k++) {
      const st = row.stepStatus(k);
      const c = counts[k]!;
      if (st === SENT) c.sent++;
      else if (st === FAILED) c.failed++;
      else if (st === SKIPPED) c.skipped++;
      else if (!isFinished && (c.kind === "sequence" || isReplied)) c.pending++;
    }
    if (row.flags & Flag.contacted) contacted++;
    if (account) leadsPer.set(account, (leadsPer.get(account) ?? 0) + 1);
    const rare = row.rare;
    if (rare?.notContacted !== undefined && notContactedCount++ < NOT_CONTACTED_SHOWN) notContacted.push({ leadId: id, reason: rare.notContacted });
    if (rare?.review) review.push({ leadId: id, ...rare.review });
    for (const key of rare?.failures ?? []) {
      const f = failures.get(key) ?? { count: 0, leads: [] };
      f.count++;
      if (f.leads.length < FAILED_LEADS_SHOWN) f.leads.push(id);
      failures.set(key, f);
    }
  }
  for (const c of counts) if (c.kind === "sequence") c.pending += total - seen;
  for (const times of recentSends.values()) times.sort((a, b) => a - b);
  const report: StatusSummary["report"] = {
    campaign: campaign.name,
    stateFile: campaign.stateFile,
    started: ctx.leadsInState > 0,
    leads: { total, notStarted: toStart + firstStepWaiting, waitingForFollowUp: waiting, openForReplies: open, finished: finishedWork, failed: failedWork },
    skippedRows,
    leadsInState: ctx.leadsInState,
    steps: counts,
    contacted,
    replied,
    replyRate: contacted ? replied / contacted : 0,
    optedOut,
    needsReview: review.sort((a, b) => a.at - b.at),
    finished,
    failures: [...failures].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count) as StatusReport["failures"],
    notContacted,
    notContactedCount,
    replySteps: counts.filter((s) => s.kind === "reply").map(({ stepId, sent, skipped, failed, pending }) => ({ stepId, sent, skipped, failed, pending })),
  };
  return {
    computedAt,
    report,
    accountLeads: campaign.accounts.map((a) => leadsPer.get(a) ?? 0),
    toStartZones: [...startZones].map((z) => z ?? null),
    toStart,
    followUps: [...earliest.values()],
    recentSends: Object.fromEntries(recentSends),
  };
}

/** One row's facts at a time, from the columns or from an override. */
class RowReader {
  kind = 0;
  flags = 0;
  step = 0;
  dueAt = 0;
  replyDue = 0;
  account: string | undefined;
  afterStep = -1;
  rare: RareFacts | undefined;
  private row = 0;
  private over: LeadFacts | undefined;
  private overridden = false;

  constructor(
    private readonly facts: StatusFacts,
    private readonly override: ReadonlyMap<number, LeadFacts | undefined>,
  ) {}

  read(row: number): void {
    this.row = row;
    this.overridden = this.override.has(row);
    const f = this.facts;
    if (this.overridden) {
      const o = (this.over = this.override.get(row));
      this.kind = o?.kind ?? 0;
      this.flags = o?.flags ?? 0;
      this.step = o?.step ?? 0;
      this.dueAt = o?.dueAt ?? 0;
      this.replyDue = o?.replyDue ?? 0;
      this.account = o?.account;
      this.afterStep = o?.afterStep ?? -1;
      this.rare = o?.rare;
      return;
    }
    this.kind = f.kind[row]!;
    this.flags = f.flags[row]!;
    this.step = f.step[row]!;
    this.dueAt = f.dueAt[row]!;
    this.replyDue = f.replyDue[row]!;
    const a = f.account[row]!;
    this.account = a < 0 ? undefined : f.accounts[a];
    this.afterStep = f.afterStep[row]!;
    this.rare = f.rare.get(row);
  }

  stepStatus(k: number): number {
    return this.overridden ? (this.over?.steps[k] ?? 0) : this.facts.steps[this.row * this.facts.stepCount + k]!;
  }

  sendCount(): number {
    return this.overridden ? (this.over?.sends.length ?? 0) : this.facts.sendFrom[this.row + 1]! - this.facts.sendFrom[this.row]!;
  }

  eachSend(f: (at: number) => void): void {
    if (this.overridden) {
      for (const at of this.over?.sends ?? []) f(at);
      return;
    }
    const { sends, sendFrom } = this.facts;
    for (let i = sendFrom[this.row]!, end = sendFrom[this.row + 1]!; i < end; i++) f(sends[i]!);
  }
}
