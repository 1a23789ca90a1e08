/**
 * Tracks which physical line each CSV record starts on.
 *
 * Why not csv-parse's `info.lines`: in csv-parse 7.0.3 a CRLF *inside* a quoted value counts as two
 * lines, so every row after a multi-line value in a Windows-made file would be reported one line
 * too far down; and `info`/`raw`/`on_record` build a context object per record that triples the
 * parse time of a 1M-row file. Instead: blank lines are not skipped by csv-parse but arrive as a
 * single empty cell (the caller skips them), and a record spans one line plus the line breaks
 * inside its values. Only quoted values can hold a break, and `trim` leaves quoted text alone, so
 * the count is exact for LF, CRLF, CR and mixed files.
 */
export class LineCounter {
  /** Line where the next record begins; the header is line 1. */
  private next = 1;

  /** Consumes one record (blank lines included); returns the line it starts on. */
  advance(cells: readonly string[]): number {
    const line = this.next;
    let lines = 1;
    for (const cell of cells) {
      // Cheap pre-check: almost no value contains a break.
      if (cell.length > 0 && (cell.includes("\n") || cell.includes("\r"))) lines += countBreaks(cell);
    }
    this.next += lines;
    return line;
  }

  /** Where the record being parsed now begins: the line to blame for a syntax error. */
  get pendingLine(): number {
    return this.next;
  }
}

/** A record that is only a blank line, or only delimiters and whitespace (every cell empty once trimmed). */
export function isBlankLine(cells: readonly string[]): boolean {
  // A row of delimiters only (";;;;;", what a spreadsheet exports for an empty row) is as blank as an
  // empty line: it holds no lead, so it is no "empty id" either.
  return cells.every((c) => c === "");
}

function countBreaks(text: string): number {
  let breaks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      breaks++;
      if (text.charCodeAt(i + 1) === 10) i++; // CRLF is one break
    } else if (c === 10 /* \n */) {
      breaks++;
    }
  }
  return breaks;
}
