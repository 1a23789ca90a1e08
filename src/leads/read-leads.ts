import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { CsvError, parse, type Options } from "csv-parse";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { locateColumns, type ColumnLayout } from "./header.js";
import { IdIndex } from "./id-index.js";
import { isBlankLine, LineCounter } from "./line-counter.js";
import { isValidTimeZone } from "./timezone.js";
import type { Lead, LeadProblem, LeadRecord } from "./types.js";

export { summarizeProblems, type ProblemGroup } from "./summarize-problems.js";

export interface ReadLeadsOptions {
  /** Do-not-contact ids (see loadSuppression); matching rows are skipped and reported. */
  suppressed: ReadonlySet<string>;
  /**
   * Resume support: rows with a lower position are still parsed (so duplicate detection sees their
   * ids) but nothing is yielded for them. Default 1: yield every row.
   */
  fromPosition?: number;
}

/** X user ids are unsigned 64-bit integers written in decimal: at most 20 digits. */
const X_USER_ID = /^\d{1,20}$/;

/**
 * Streams the leads CSV as one record per data row: a valid Lead, or a problem saying why the row
 * will not be messaged. Rows are never kept; memory stays flat apart from one map entry per
 * distinct id (for duplicate detection), so a 1,000,000-row file is fine.
 *
 * Throws UserError for what makes the whole file unusable: missing/unreadable file, a configured
 * column absent from the header, or a CSV syntax error (with its line). An empty or header-only
 * file yields nothing; the caller reports "no leads".
 */
export async function* readLeads(
  campaign: Pick<Campaign, "leads">,
  options: ReadLeadsOptions,
): AsyncGenerator<LeadRecord, void, undefined> {
  const { file, delimiter } = campaign.leads;
  const fromPosition = options.fromPosition ?? 1;
  const input = await openLeadsFile(file);
  const parser = parse(parserOptions(delimiter));
  input.on("error", (error) => parser.destroy(error));
  input.pipe(parser);

  const lines = new LineCounter();
  let layout: ColumnLayout | undefined;
  /** id → line of its first row; the line lets a duplicate's message point at the row that won. */
  const firstSeen = new IdIndex();
  let position = 0;
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const line = lines.advance(cells);
      if (isBlankLine(cells)) continue;
      if (layout === undefined) {
        layout = locateColumns(campaign.leads, cells);
        continue;
      }
      position++;
      const record = checkRow(cells, layout, line, position, firstSeen, options.suppressed);
      if (position >= fromPosition) yield record;
    }
  } catch (error) {
    if (error instanceof CsvError) throw syntaxError(file, await locateSyntaxError(file, delimiter), error);
    // A read failing after open (e.g. EISDIR: open() succeeds on a directory) is still the user's file.
    if (typeof (error as NodeJS.ErrnoException).syscall === "string") throw unreadable(file, error);
    throw error;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function checkRow(
  cells: string[],
  layout: ColumnLayout,
  line: number,
  position: number,
  firstSeen: IdIndex,
  suppressed: ReadonlySet<string>,
): LeadRecord {
  const idCell = cells[layout.idIndex];
  const problem = (reason: LeadProblem["reason"], message: string, id = idCell): LeadRecord => ({
    kind: "problem",
    problem: id ? { reason, line, position, id, message } : { reason, line, position, message },
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
  if (!idCell) return problem("missing-id", `the id column "${layout.names[layout.idIndex]}" is empty; fill in the lead's X user id`);
  if (!X_USER_ID.test(idCell)) {
    return problem(
      "malformed-id",
      `"${idCell}" is not an X user id (1–20 digits); use the numeric id, not the @handle`,
    );
  }
  const first = firstSeen.get(idCell);
  if (first !== undefined) {
    return problem("duplicate", `id ${idCell} already appears on line ${first}; only that first row is used`);
  }
  firstSeen.set(idCell, line);
  if (suppressed.has(idCell)) return problem("suppressed", `id ${idCell} is on the suppression list; skipped`);

  const timezone = layout.timezoneIndex === undefined ? undefined : cells[layout.timezoneIndex];
  if (timezone && !isValidTimeZone(timezone)) {
    return problem(
      "bad-timezone",
      `"${timezone}" is not an IANA time zone (e.g. "Europe/Berlin"); fix it or leave the cell empty to use the campaign's zone`,
    );
  }
  // No prototype: a "__proto__" or "constructor" header is an ordinary key, not Object.prototype's.
  const fields = Object.create(null) as Record<string, string>;
  for (let i = 0; i < cells.length; i++) {
    const name = layout.names[i];
    if (name) fields[name] = cells[i] ?? "";
  }
  const lead: Lead = { id: idCell, position, line, fields };
  const username = layout.usernameIndex === undefined ? undefined : cells[layout.usernameIndex];
  if (username) lead.username = username;
  if (timezone) lead.timezone = timezone;
  return { kind: "lead", lead };
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
async function locateSyntaxError(file: string, delimiter: string): Promise<number> {
  const lines = new LineCounter();
  const parser = parse({
    ...parserOptions(delimiter),
    on_record: (cells) => {
      lines.advance(cells);
      return null; // keep nothing
    },
  });
  const input = createReadStream(file);
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

async function openLeadsFile(file: string): Promise<NodeJS.ReadableStream & { destroy(): void }> {
  try {
    const handle = await open(file, "r");
    return handle.createReadStream(); // closes the handle when it ends or is destroyed
  } catch (error) {
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : "cannot be read";
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
