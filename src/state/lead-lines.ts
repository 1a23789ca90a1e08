/**
 * The leads of a state read only to be looked at (`outreach status`): the snapshot file's bytes kept
 * as they are, each lead's line decoded when read, so a 100,000-lead state costs its ~18 MB of bytes
 * rather than ~60 MB of objects, and a lead the reader never asks for is never decoded.
 *
 * - `peek(id)` decodes the lead's line into objects made for that one read, and keeps nothing: a
 *   pass over every lead holds one at a time.
 * - `get(id)` decodes and keeps the objects, for the journal's replay (journal-records.ts applyRecord
 *   mutates what `get` returned); `set` keeps a lead's objects. A kept lead is what `peek` returns.
 * - A line is checked only when decoded. `checkUnread()` decodes every line no one asked for, so a
 *   damaged line anywhere is still found, as when the whole snapshot was decoded on load.
 * A damaged line throws `badLine`'s error, which names the line of the file (a lead a line from line 2).
 */
import type { LeadMap } from "./lead-map.js";
import { decodeLead, type LeadLine, type LeadTables } from "./snapshot-format.js";
import type { LeadState } from "./types.js";

/** What a damaged line throws: `line` is its line number in the snapshot file (1-based). */
export type BadLine = (line: number, error: Error) => Error;

/** Every lead line starts so (snapshot-format.ts encodeLead: the id first). */
const ID_PREFIX = Buffer.from('{"i":"');

export class LeadLines implements LeadMap {
  /** id → its line's place (a later line of the same id wins, as in a Map). */
  private readonly index = new Map<string, number>();
  /** Per line: where it starts and ends in `text` (bytes, the end exclusive, without its line break). */
  private starts = new Uint32Array(1024);
  private ends = new Uint32Array(1024);
  private count = 0;
  /** Per line, whether it was decoded (checked) yet. */
  private decoded = new Uint8Array(1024);
  /** Leads kept as objects: replayed from the journal, or set. */
  private readonly kept = new Map<string, LeadState>();

  /**
   * `text`: the snapshot file's bytes (UTF-8), kept as they are: a line becomes a string only when
   * its lead is read, so the whole file is never one string too.
   */
  constructor(
    private readonly text: Buffer,
    readonly tables: LeadTables,
    private readonly badLine: BadLine,
    /** The line number of the first lead line added (the header is line 1). */
    private readonly firstLine = 2,
  ) {}

  /**
   * Adds the snapshot's next lead line: bytes `start` to `end` of the text (as written: with its
   * trailing comma, if any). The id is read from the line's start without decoding the rest.
   * @throws badLine's error when the line has no readable id.
   */
  addLine(start: number, end: number): void {
    const at = this.count++;
    if (at >= this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.decoded = grow(this.decoded);
    }
    this.starts[at] = start;
    this.ends[at] = end;
    this.index.set(this.idOf(at), at);
  }

  get size(): number {
    let extra = 0;
    for (const id of this.kept.keys()) if (!this.index.has(id)) extra++;
    return this.index.size + extra;
  }

  /** The lead's state as objects of its own, made for this read and not kept (undefined: no such lead). */
  peek(id: string): LeadState | undefined {
    const kept = this.kept.get(id);
    if (kept !== undefined) return kept;
    const at = this.index.get(id);
    return at === undefined ? undefined : this.decode(at);
  }

  /** The lead's state, kept as objects from now on (what the journal's replay mutates). */
  get(id: string): LeadState | undefined {
    const lead = this.peek(id);
    if (lead !== undefined) this.kept.set(id, lead);
    return lead;
  }

  set(id: string, lead: LeadState): this {
    this.kept.set(id, lead);
    return this;
  }

  /** Every lead, in the order of the file (leads only in the journal after), each decoded for this pass. */
  *values(): IterableIterator<LeadState> {
    for (const [id, at] of this.index) yield this.kept.get(id) ?? this.decode(at);
    for (const [id, lead] of this.kept) if (!this.index.has(id)) yield lead;
  }

  /** Whether the journal's replay changed the lead (or `set` it): its state is no longer its line's. */
  changed(id: string): boolean {
    return this.kept.has(id);
  }

  /** The lead as its snapshot line says, whatever the journal changed since (undefined: not in the snapshot). */
  snapshotLead(id: string): LeadState | undefined {
    const at = this.index.get(id);
    return at === undefined ? undefined : this.decode(at);
  }

  /** Where the lead's line is in the file (bytes: start, end exclusive), or undefined when it has none. */
  lineRange(id: string): [number, number] | undefined {
    const at = this.index.get(id);
    return at === undefined ? undefined : [this.starts[at]!, this.ends[at]!];
  }

  /** Ids of the leads the snapshot has a line for, in the order of the file. */
  snapshotIds(): IterableIterator<string> {
    return this.index.keys();
  }

  /** How many leads the snapshot has a line for. */
  get snapshotSize(): number {
    return this.index.size;
  }

  /** Decodes every line not decoded yet, to check it (see the module comment). @throws badLine's error. */
  checkUnread(): void {
    for (let at = 0; at < this.count; at++) if (this.decoded[at] === 0) this.decode(at);
  }

  private decode(at: number): LeadState {
    const lead = this.tryDecode(at);
    if (!(lead instanceof Error)) return lead;
    // The first damaged line of the file is the one said (as when every line is decoded on load),
    // whichever lead was read first.
    for (let before = 0; before < at; before++) {
      if (this.decoded[before] !== 0) continue;
      const earlier = this.tryDecode(before);
      if (earlier instanceof Error) throw this.badLine(before + this.firstLine, earlier);
    }
    throw this.badLine(at + this.firstLine, lead);
  }

  /** Line `at` decoded (and marked checked), or the error that decoding it raised. */
  private tryDecode(at: number): LeadState | Error {
    let end = this.ends[at]!;
    if (end > this.starts[at]! && this.text[end - 1] === 0x2c /* , */) end--;
    try {
      const lead = decodeLead(JSON.parse(this.text.toString("utf8", this.starts[at], end)) as LeadLine, this.tables);
      this.decoded[at] = 1;
      return lead;
    } catch (err) {
      return err as Error;
    }
  }

  private idOf(at: number): string {
    const start = this.starts[at]!;
    const end = this.ends[at]!;
    const text = this.text;
    if (end - start > ID_PREFIX.length && text.compare(ID_PREFIX, 0, ID_PREFIX.length, start, start + ID_PREFIX.length) === 0) {
      const from = start + ID_PREFIX.length;
      const close = text.indexOf(0x22 /* " */, from);
      const next = text[close + 1];
      // A plain id (no escape in it) followed by the next field or the end of the object.
      if (close > 0 && close < end && (next === 0x2c /* , */ || next === 0x7d /* } */) && !text.subarray(from, close).includes(0x5c /* \ */)) {
        return text.toString("utf8", from, close);
      }
    }
    return this.decode(at).id;
  }
}

function grow<T extends Uint32Array | Uint8Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
