/**
 * The leads of a state read only to be looked at (`outreach status`): each snapshot line kept as its
 * text and decoded when read, so a 100,000-lead state costs its ~18 MB of lines rather than ~60 MB of
 * objects, and a lead the reader never asks for is never decoded.
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
const ID_PREFIX = '{"i":"';

export class LeadLines implements LeadMap {
  /** id → its line's place in `lines` (a later line of the same id wins, as in a Map). */
  private readonly index = new Map<string, number>();
  private readonly lines: string[] = [];
  /** Leads kept as objects: replayed from the journal, or set. */
  private readonly kept = new Map<string, LeadState>();
  /** Per line, whether it was decoded (checked) yet. */
  private decoded = new Uint8Array(1024);

  constructor(
    private readonly tables: LeadTables,
    private readonly badLine: BadLine,
  ) {}

  /**
   * Adds the snapshot's next lead line (as written: with its trailing comma, if any). The id is read
   * from the line's start without decoding the rest.
   * @throws badLine's error when the line has no readable id.
   */
  addLine(line: string): void {
    const at = this.lines.length;
    this.lines.push(line);
    if (at >= this.decoded.length) {
      const grown = new Uint8Array(this.decoded.length * 2);
      grown.set(this.decoded);
      this.decoded = grown;
    }
    this.index.set(this.idOf(line, at), at);
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

  /** Decodes every line not decoded yet, to check it (see the module comment). @throws badLine's error. */
  checkUnread(): void {
    for (let at = 0; at < this.lines.length; at++) if (this.decoded[at] === 0) this.decode(at);
  }

  private decode(at: number): LeadState {
    const line = this.lines[at]!;
    try {
      const lead = decodeLead(JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as LeadLine, this.tables);
      this.decoded[at] = 1;
      return lead;
    } catch (err) {
      throw this.badLine(at + 2, err as Error);
    }
  }

  private idOf(line: string, at: number): string {
    if (line.startsWith(ID_PREFIX)) {
      const end = line.indexOf('"', ID_PREFIX.length);
      const next = line.charCodeAt(end + 1);
      // A plain id (no escape in it) followed by the next field or the end of the object.
      if (end > 0 && line.lastIndexOf("\\", end) < ID_PREFIX.length && (next === 0x2c /* , */ || next === 0x7d /* } */)) {
        return line.slice(ID_PREFIX.length, end);
      }
    }
    return this.decode(at).id;
  }
}
