import type { Readable } from "node:stream";
import { CsvError, parse, type Options } from "csv-parse";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { openCsvSource, type CsvFormat } from "./csv-source.js";
import { locateColumns, type ColumnLayout } from "./header.js";
import { IdIndex } from "./id-index.js";
import { checkIdCell, printsAsFloat64, spreadsheetIdMessage } from "./lead-id.js";
import { isBlankLine, LineCounter } from "./line-counter.js";
import { leadZoneProblem } from "./timezone.js";
import type { LeadProblem, LeadRecord } from "./types.js";
import { cleanValue } from "./values.js";
import { compactLeads, plainLead, type MakeLead } from "./lead-objects.js";

export { summarizeProblems, type ProblemGroup } from "./summarize-problems.js";

export interface ReadLeadsOptions {
  /** Do-not-contact ids (see loadSuppression); matching rows are skipped and reported. */
  suppressed: ReadonlySet<string>;
  /**
   * Resume support: rows with a lower position are still parsed (so duplicate detection sees their
   * ids) but nothing is yielded for them. Default 1: yield every row.
   */
  fromPosition?: number;
  /** Told how the file is read (encoding, delimiter) once it is opened, before the first record. */
  onFormat?(format: CsvFormat): void;
  /**
   * Leads kept for a whole run (a live run keeps every lead to render its follow-ups): each lead's
   * cells as one string, its `fields` and `username` decoded when asked for (lead-objects.ts). Default
   * false: plain objects, for readers that use a lead once and drop it (a dry run).
   */
  compact?: boolean;
}

/**
 * Streams the leads CSV as one record per data row: a valid Lead, or a problem saying why the row
 * will not be messaged. Rows are never kept; memory stays flat apart from one map entry per
 * distinct id (for duplicate detection), so a 1,000,000-row file is fine.
 *
 * Every value is cleaned by one rule (values.ts): trimmed of whitespace and invisible characters,
 * empty when nothing visible is left.
 *
 * Throws UserError for what makes the whole file unusable: missing/unreadable file, invalid UTF-8
 * (with line and byte offset), a configured column absent from the header (saying when the
 * delimiter is the likely cause), or a CSV syntax error (with its line). An empty or header-only
 * file yields nothing; the caller reports "no leads".
 */
export async function* readLeads(
  campaign: Pick<Campaign, "leads">,
  options: ReadLeadsOptions,
): AsyncGenerator<LeadRecord, void, undefined> {
  const { file } = campaign.leads;
  const fromPosition = options.fromPosition ?? 1;
  const { stream: input, format, headerLine } = await openLeadsFile(campaign.leads);
  const { delimiter } = format.delimiter;
  options.onFormat?.(format);
  const parser = parse(parserOptions(delimiter));
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);

  const lines = new LineCounter();
  let layout: ColumnLayout | undefined;
  const seen: SeenIds = { firstLine: new IdIndex(), float64Rows: new Map(), rounded: new Map() };
  const make = options.compact ? compactLeads() : plainLead;
  let position = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const line = lines.advance(cells);
      // Cleaned after the line count (which needs the raw line breaks), before anything reads a value.
      for (let i = 0; i < cells.length; i++) cells[i] = cleanValue(cells[i]!);
      if (isBlankLine(cells)) continue;
      if (layout === undefined) {
        layout = locateColumns(campaign.leads, cells, format.delimiter);
        continue;
      }
      position++;
      const record = checkRow(cells, layout, line, position, seen, options.suppressed, make);
      if (position >= fromPosition) yield record;
    }
  } catch (error) {
    if (error instanceof CsvError) {
      // Parsed with the wrong delimiter, a file usually breaks before its header is even seen.
      if (layout === undefined) locateColumns(campaign.leads, headerLine.split(delimiter), format.delimiter);
      throw syntaxError(file, await locateSyntaxError(campaign.leads, delimiter), error);
    }
    // A read failing after open (e.g. EISDIR: open() succeeds on a directory) is still the user's file.
    if (typeof (error as NodeJS.ErrnoException).syscall === "string") throw unreadable(file, error);
    throw error;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** What earlier rows' ids say about later ones. */
interface SeenIds {
  /** id → line of its first row; the line lets a duplicate's message point at the row that won. */
  firstLine: IdIndex;
  /**
   * For ids a float64 prints as themselves (rare: ~0.4% of genuine 19-digit ids): line and a hash
   * of the row, so two *different* rows sharing one can be told from a plain duplicate.
   */
  float64Rows: Map<string, { line: number; hash: number }>;
  /** Rounded ids (never leads) → their first line, so a second row with the same one says so. */
  rounded: Map<string, number>;
}

function checkRow(
  cells: string[],
  layout: ColumnLayout,
  line: number,
  position: number,
  seen: SeenIds,
  suppressed: ReadonlySet<string>,
  make: MakeLead,
): LeadRecord {
  const idCell = cells[layout.idIndex];
  const problem = (reason: LeadProblem["reason"], message: string, id = idCell, heldBackLine?: number): LeadRecord => ({
    kind: "problem",
    problem: {
      reason,
      line,
      position,
      message,
      ...(id ? { id } : {}),
      ...(heldBackLine !== undefined ? { heldBackLine } : {}),
    },
  });
  // A row with the wrong number of cells may have its values shifted into the wrong columns, so
  // nothing in it (not even the id) is trusted or registered for duplicate detection.
  if (cells.length !== layout.names.length) {
    return problem(
      "ragged-row",
      `row has ${cells.length} cells but the header has ${layout.names.length}; ` +
        "quote values that contain the delimiter, or add the missing cells",
    );
  }
  const verdict = checkIdCell(idCell ?? "");
  switch (verdict.kind) {
    case "missing":
      return problem("missing-id", `the id column "${layout.names[layout.idIndex]}" is empty; fill in the lead's X user id`);
    case "malformed":
      return problem("malformed-id", `"${idCell}" is not an X user id; ${verdict.hint}`);
    case "spreadsheet": {
      const id = idCell ?? "";
      const earlier = seen.rounded.get(id);
      if (earlier === undefined && seen.rounded.size < 100_000) seen.rounded.set(id, line);
      const also = earlier === undefined ? "" : ` (line ${earlier} has the same rounded id: two rows collapsed into one)`;
      return problem("spreadsheet-id", spreadsheetIdMessage(`${verdict.what}${also}`));
    }
  }
  const id = idCell!;
  const rowHash = printsAsFloat64(id) ? hashRow(cells, layout) : undefined;
  const first = seen.firstLine.get(id);
  if (first !== undefined) {
    const earlier = seen.float64Rows.get(id);
    if (rowHash !== undefined && earlier !== undefined && earlier.hash !== rowHash) {
      const what =
        `id ${id} is also on line ${earlier.line}, for a different ${layout.usernameIndex === undefined ? "row" : "username"}: ` +
        "a spreadsheet or script rounded two ids into one, so neither row is messaged";
      return problem("spreadsheet-id", spreadsheetIdMessage(what), id, earlier.line);
    }
    return problem("duplicate", `id ${id} already appears on line ${first}; only that first row is used`);
  }
  seen.firstLine.set(id, line);
  if (rowHash !== undefined) seen.float64Rows.set(id, { line, hash: rowHash });
  if (suppressed.has(id)) return problem("suppressed", `id ${id} is on the suppression list; skipped`);

  const timezone = layout.timezoneIndex === undefined ? undefined : cells[layout.timezoneIndex];
  const zoneProblem = timezone ? leadZoneProblem(timezone) : undefined;
  if (zoneProblem !== undefined) {
    return problem("bad-timezone", `${zoneProblem}; fix it or leave the cell empty to use the campaign's zone`);
  }
  return { kind: "lead", lead: make(id, position, line, cells, layout, timezone || undefined) };
}

/** FNV-1a of what identifies the person in a row: the username when configured, else every other cell. */
function hashRow(cells: readonly string[], layout: ColumnLayout): number {
  let h = 0x811c9dc5;
  cells.forEach((cell, i) => {
    if (i === layout.idIndex || (layout.usernameIndex !== undefined && i !== layout.usernameIndex)) return;
    for (let k = 0; k < cell.length; k++) h = Math.imul(h ^ cell.charCodeAt(k), 0x01000193);
    h = Math.imul(h ^ 0x1f, 0x01000193); // cell separator
  });
  return h >>> 0;
}

function parserOptions(delimiter: string): Options {
  return {
    bom: true,
    delimiter,
    // Accept LF, CRLF and old-Mac CR in one file (concatenated exports mix them); csv-parse's
    // auto-detection would lock onto the first kind it sees and misread the rest.
    record_delimiter: ["\r\n", "\n", "\r"],
    relax_column_count: true, // ragged rows become per-row problems, not a stream error
    trim: true,
    // Blank lines are kept (as one empty cell) so LineCounter sees them; readLeads skips them.
    skip_empty_lines: false,
  };
}

/**
 * The line of the record a CSV syntax error is in. Found by parsing again, counting in `on_record`
 * (called synchronously before the error): the main loop cannot know, because the error destroys
 * the stream with rows it had not yet received still buffered. Only runs on a broken file.
 */
async function locateSyntaxError(leads: LeadsSource, delimiter: string): Promise<number> {
  const lines = new LineCounter();
  const parser = parse({
    ...parserOptions(delimiter),
    on_record: (cells) => {
      lines.advance(cells);
      return null; // keep nothing
    },
  });
  const { stream: input } = await openCsvSource(leads);
  input.on("error", (error) => parser.destroy(error));
  try {
    for await (const _ of input.pipe(parser)) void _;
  } catch {
    // Expected: the same syntax error, now with the counter stopped at the broken record.
  } finally {
    input.destroy();
  }
  return lines.pendingLine;
}

type LeadsSource = Pick<Campaign["leads"], "file" | "delimiter" | "encoding">;

async function openLeadsFile(leads: LeadsSource): Promise<{ stream: Readable; format: CsvFormat; headerLine: string }> {
  try {
    return await openCsvSource(leads);
  } catch (error) {
    throw unreadable(leads.file, error);
  }
}

function unreadable(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const what =
    code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : code === "ENOTFILE" ? "is not a regular file (a FIFO, socket or device)" : "cannot be read";
  return new UserError(`Leads file ${file} ${what}.`, {
    problems: [{ file, message: `leads file ${what}` }],
    hint: "Check leads.file in the campaign; relative paths resolve from the campaign file's folder.",
    cause: error,
  });
}

function syntaxError(file: string, line: number, error: CsvError): UserError {
  const explanation: Partial<Record<CsvError["code"], string>> = {
    CSV_QUOTE_NOT_CLOSED: "a quoted value opened in the row starting here is never closed",
    INVALID_OPENING_QUOTE: 'a quote appears inside an unquoted value; wrap the value in quotes and double inner quotes ("")',
    CSV_INVALID_CLOSING_QUOTE: 'text follows a closing quote; double quotes inside a quoted value ("")',
    CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text follows a closing quote; double quotes inside a quoted value ("")',
  };
  const problem = {
    file,
    line,
    message: `CSV syntax error: ${explanation[error.code] ?? error.message}`,
  };
  return new UserError(`the leads file is not valid CSV; nothing was sent`, {
    problems: [problem],
    hint: "Fix the CSV (a spreadsheet's \"Save as CSV\" quotes values correctly) and run again.",
    cause: error,
  });
}
