/**
 * Where a live run keeps its leads' states: compact while nobody is working on them.
 *
 * A lead's state as objects (the lead, its steps, their records, boxed times, strings) is ~600 bytes
 * once its first step is sent; a 1,000,000-lead run would keep ~600 MB of them, nearly all of leads
 * that are finished or waiting days for a follow-up. The same state as one line of the snapshot's
 * format (snapshot-format.ts) is ~200 bytes. So a lead is kept as objects while it is being worked on
 * ("hot") and as its line otherwise ("cold"):
 *  - `get` returns the lead's objects, decoding its line when it is cold, and marks it hot.
 *  - Every HOT_LIMIT distinct leads touched, the leads not touched in the last two such periods are
 *    written back to their lines (a lead touched at least once every 512 others stays hot).
 *  - A lead made cold keeps a weak reference to its objects: while anyone still holds them (a send
 *    waiting on the API), `get` returns those same objects, never a second copy. So, as with a plain
 *    Map, there is only ever one object per lead to mutate, and what a caller holds never goes stale.
 *    Once the objects are collected, only the line is kept.
 * The store mutates a lead only through objects `get` returned (journal-records.ts applyRecord), so
 * a line is always the lead's latest value whenever its objects are not in use.
 */
import { flatString } from "../flat-string.js";
import { encodeLead, decodeLead, type LeadLine } from "./snapshot-format.js";
import type { LeadState } from "./types.js";

/** What the state's readers need of the leads map: a plain `Map` is one; `PackedLeads` is another. */
export interface LeadMap {
  get(id: string): LeadState | undefined;
  set(id: string, lead: LeadState): unknown;
  readonly size: number;
  /**
   * Every lead, in insertion order. A `PackedLeads` decodes a cold lead into a copy made for this
   * pass: read it and let it go; to change a lead or keep it, `get` it.
   */
  values(): IterableIterator<LeadState>;
}

/** Distinct leads touched per period; a lead untouched for two periods is packed (see above). */
export const HOT_LIMIT = 512;

/** How a packed lead's objects are held while they may be in use: weakly (a seam for tests, which collect on demand). */
export type HoldWeakly = (lead: LeadState) => { deref(): LeadState | undefined };

export interface PackedLeadsOptions {
  /** Epoch ms that a line's times are written relative to (any fixed value is correct; a near one is short). Default: now. */
  base?: number;
  /** Default HOT_LIMIT. */
  hotLimit?: number;
  /** Default: a WeakRef. */
  holdWeakly?: HoldWeakly;
}

/** A lead packed while its objects may still be in use: the line, and the objects while they live. */
class Cooling {
  constructor(
    readonly line: string,
    readonly ref: { deref(): LeadState | undefined },
  ) {}
}

type Slot = LeadState | Cooling | string;

/** A lead map that keeps idle leads as compact lines (see the module comment). */
export class PackedLeads implements LeadMap {
  private readonly slots = new Map<string, Slot>();
  /** Hot leads touched in this period, and in the previous one. Every hot lead is in one of the two. */
  private young = new Set<string>();
  private old = new Set<string>();
  /**
   * Leads packed while their objects may be in use, oldest first from `coolingHead`: each period checks
   * up to HOT_LIMIT of them, keeping the line alone for those whose objects were collected. (Checking
   * all of them each period was quadratic where full collections are rare: a rehearsal's large heap.)
   */
  private cooling: string[] = [];
  private coolingHead = 0;
  /** Account and step ids seen so far, so lines carry small indexes (they only grow). */
  private readonly accounts = new Map<string, number>();
  private readonly accountList: string[] = [];
  private readonly steps = new Map<string, number>();
  private readonly stepList: string[] = [];
  private readonly base: number;
  private readonly hotLimit: number;
  private readonly holdWeakly: HoldWeakly;

  constructor(opts: PackedLeadsOptions = {}) {
    this.base = opts.base ?? Date.now();
    this.hotLimit = opts.hotLimit ?? HOT_LIMIT;
    this.holdWeakly = opts.holdWeakly ?? ((lead) => new WeakRef(lead));
  }

  /** Moves every lead of `from` in (packed), emptying `from` as it goes so the two never both hold them all. */
  static from(from: Map<string, LeadState>, opts?: PackedLeadsOptions): PackedLeads {
    const map = new PackedLeads(opts);
    for (const [id, lead] of from) {
      map.slots.set(id, map.encode(lead));
      from.delete(id);
    }
    return map;
  }

  get size(): number {
    return this.slots.size;
  }

  get(id: string): LeadState | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    let lead: LeadState;
    if (typeof slot === "string") lead = this.decode(id, slot);
    else if (slot instanceof Cooling) lead = slot.ref.deref() ?? this.decode(id, slot.line);
    else lead = slot;
    if (lead !== slot) this.slots.set(id, lead);
    this.touch(id);
    return lead;
  }

  set(id: string, lead: LeadState): this {
    this.slots.set(id, lead);
    this.touch(id);
    return this;
  }

  *values(): IterableIterator<LeadState> {
    for (const [id, slot] of this.slots) {
      if (typeof slot === "string") yield this.decode(id, slot);
      else if (slot instanceof Cooling) yield slot.ref.deref() ?? this.decode(id, slot.line);
      else yield slot;
    }
  }

  /** Leads held as objects now (for tests and measurements). */
  get hotCount(): number {
    let n = 0;
    for (const slot of this.slots.values()) if (typeof slot === "object" && !(slot instanceof Cooling)) n++;
    return n;
  }

  private touch(id: string): void {
    this.young.add(id);
    if (this.young.size >= this.hotLimit) this.endPeriod();
  }

  /** Packs the leads untouched for two periods, and forgets the objects of those packed before, once collected. */
  private endPeriod(): void {
    const end = Math.min(this.cooling.length, this.coolingHead + this.hotLimit);
    for (; this.coolingHead < end; this.coolingHead++) {
      const id = this.cooling[this.coolingHead]!;
      const slot = this.slots.get(id);
      if (!(slot instanceof Cooling)) continue; // hot again, or already a line
      if (slot.ref.deref() === undefined) this.slots.set(id, slot.line);
      else this.cooling.push(id); // still in use: looked at again later
    }
    if (this.coolingHead >= this.hotLimit && this.coolingHead * 2 >= this.cooling.length) {
      this.cooling = this.cooling.slice(this.coolingHead);
      this.coolingHead = 0;
    }
    for (const id of this.old) {
      if (this.young.has(id)) continue;
      const slot = this.slots.get(id);
      if (slot === undefined || typeof slot === "string" || slot instanceof Cooling) continue;
      this.slots.set(id, new Cooling(this.encode(slot), this.holdWeakly(slot)));
      this.cooling.push(id);
    }
    this.old = this.young;
    this.young = new Set();
  }

  private encode(lead: LeadState): string {
    if (lead.account !== undefined && !this.accounts.has(lead.account)) {
      this.accounts.set(lead.account, this.accountList.length);
      this.accountList.push(lead.account);
    }
    for (const stepId of Object.keys(lead.steps)) {
      if (!this.steps.has(stepId)) {
        this.steps.set(stepId, this.stepList.length);
        this.stepList.push(stepId);
      }
    }
    // The id is the map's key: the line goes without it.
    return flatString(encodeLead(lead, { accounts: this.accounts, steps: this.steps, base: this.base }, { withId: false }));
  }

  private decode(id: string, line: string): LeadState {
    const parsed = JSON.parse(line) as LeadLine;
    parsed.i = id;
    return decodeLead(parsed, { accounts: this.accountList, steps: this.stepList, base: this.base });
  }
}
