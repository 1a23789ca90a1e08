/**
 * The Lead objects a valid CSV row becomes (read-leads.ts decides which rows are valid): plain
 * objects for a reader that uses each lead once (a dry run), or compact ones for a run, which keeps
 * every lead to the end to render its follow-ups.
 */
import { flatString } from "../flat-string.js";
import type { ColumnLayout } from "./header.js";
import type { Lead } from "./types.js";

/** Makes the Lead of a valid row (its cells already cleaned). */
export type MakeLead = (id: string, position: number, line: number, cells: readonly string[], layout: ColumnLayout, timezone: string | undefined) => Lead;

/** A lead as plain objects: its cells as a row object (for readers that use a lead once and drop it). */
export function plainLead(id: string, position: number, line: number, cells: readonly string[], layout: ColumnLayout, timezone: string | undefined): Lead {
  const lead: Lead = { id, position, line, fields: fieldsOf(layout, cells) };
  const handle = usernameIn(cells, layout);
  if (handle) lead.username = handle;
  if (timezone) lead.timezone = timezone;
  return lead;
}

/** The X username without its "@" (a CSV may hold "@handle"): every display adds its own. Undefined when empty or not configured. */
function usernameIn(cells: readonly string[], layout: ColumnLayout): string | undefined {
  const username = layout.usernameIndex === undefined ? undefined : cells[layout.usernameIndex];
  return username?.replace(/^@+/, "") || undefined;
}

/** Compact leads for one file (see CompactLead): the zone names shared (a list has a few dozen zones, not a million). */
export function compactLeads(): MakeLead {
  const zones = new Map<string, string>();
  return (id, position, line, cells, layout, timezone) => {
    let zone = timezone;
    if (zone !== undefined) {
      const known = zones.get(zone);
      if (known !== undefined) zone = known;
      else if (zones.size < 10_000) zones.set(zone, zone);
    }
    // The id is kept once, as the lead's own: its cell goes in empty and comes back on decoding.
    const row = cells as string[];
    row[layout.idIndex] = "";
    const packed = packCells(row);
    row[layout.idIndex] = id;
    return new CompactLead(id, position, line, packed, layout, zone);
  };
}

/**
 * A lead whose cells are one string (~110 bytes for 7 columns, against ~350 for a row object
 * and its 7 strings): `fields` and `username` are decoded on each read, so a reader takes `fields`
 * once per use (the renderer does, once per lead). Its own properties are set in the constructor
 * only, so V8 keeps them inside the object.
 */
class CompactLead implements Lead {
  constructor(
    readonly id: string,
    readonly position: number,
    readonly line: number,
    private readonly cells: string,
    private readonly layout: ColumnLayout,
    readonly timezone: string | undefined,
  ) {}

  get fields(): Record<string, string> {
    return fieldsOf(this.layout, this.decodeCells());
  }

  get username(): string | undefined {
    return usernameIn(this.decodeCells(), this.layout);
  }

  private decodeCells(): string[] {
    const cells = unpackCells(this.cells);
    cells[this.layout.idIndex] = this.id;
    return cells;
  }
}

/**
 * A row's cells by header name. No Object.prototype behind it: a "__proto__" or "constructor" header
 * is an ordinary key. Not `Object.create(null)` per row, though: V8 keeps such objects in dictionary
 * mode, ~500 bytes a lead for 7 columns (100,000 leads: ~50 MB). Rows made by one constructor per
 * file, whose prototype is a null-prototype object, get the same keys in the same order: one hidden
 * class, properties in the object itself (~80 bytes).
 */
function fieldsOf(layout: ColumnLayout, cells: readonly string[]): Record<string, string> {
  let make = rowMakers.get(layout);
  if (!make) {
    const names = layout.names;
    const Row = function (this: Record<string, string>, values: readonly string[]) {
      for (let i = 0; i < values.length; i++) {
        const name = names[i];
        if (name) this[name] = values[i] ?? "";
      }
    } as unknown as new (values: readonly string[]) => Record<string, string>;
    Row.prototype = Object.create(null) as object;
    make = (values) => new Row(values);
    rowMakers.set(layout, make);
  }
  return make(cells);
}

const rowMakers = new WeakMap<ColumnLayout, (cells: readonly string[]) => Record<string, string>>();

/** Between packed cells: no cleaned CSV value is expected to hold it, and one that does is packed as JSON. */
const SEPARATOR = "\u0000";
/** First character of cells packed as JSON. */
const JSON_CELLS = "\u0001";

/**
 * Cells as one flat string: joined by NUL (no quoting: ~25 bytes fewer than JSON for 7 columns), or as
 * JSON after a marker when a value holds a NUL or the first one starts with the marker.
 */
export function packCells(cells: readonly string[]): string {
  const plain = !cells.some((cell) => cell.includes(SEPARATOR)) && !(cells[0] ?? "").startsWith(JSON_CELLS);
  return flatString(plain ? cells.join(SEPARATOR) : JSON_CELLS + JSON.stringify(cells));
}

/** The cells `packCells` packed. */
export function unpackCells(packed: string): string[] {
  return packed.startsWith(JSON_CELLS) ? (JSON.parse(packed.slice(1)) as string[]) : packed.split(SEPARATOR);
}
