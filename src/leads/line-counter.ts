/**
 * Tracks which physical line each CSV record starts on.
 *
 * Why not csv-parse's `info.lines`: in csv-parse 7.0.3 a CRLF *inside* a quoted field counts as two
 * lines, so every row after a multi-line quoted field in a Windows-made file would be reported one
 * line too far down. Instead we count line breaks in each record's `raw` text ourselves. `raw` holds
 * any skipped blank lines before the record, the record, and the first character of its delimiter
 * (csv-parse drops the `\n` of a CRLF delimiter), so counting `\r\n`, lone `\r` and lone `\n` as one
 * break each gives the exact line of every record, whatever the line endings or chunk boundaries.
 */
export class LineCounter {
  /** Line where the next record (or the blank lines before it) begins; the header is line 1. */
  private next = 1;

  /** Consumes one record's raw text; returns the line its first non-blank character is on. */
  advance(raw: string): number {
    let breaks = 0;
    let start = -1;
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c === 13 /* \r */) {
        breaks++;
        if (raw.charCodeAt(i + 1) === 10) i++;
      } else if (c === 10 /* \n */) {
        breaks++;
      } else if (start < 0 && c !== 32 && c !== 9) {
        // Blank (or whitespace-only) lines skipped before the record sit in front of it in `raw`.
        start = this.next + breaks;
      }
    }
    const line = start < 0 ? this.next + breaks : start;
    this.next += breaks;
    return line;
  }

  /** Where the record being parsed now begins (at most a few blank lines early): for syntax errors. */
  get pendingLine(): number {
    return this.next;
  }
}
