/**
 * What an id cell says about itself. X user ids are unsigned 64-bit integers written in decimal
 * (1–20 digits; accounts since ~2013 have 18–19). Spreadsheets store numbers as float64 and show 15
 * significant digits, so an id column not formatted as Text comes out as `1.87654E+18` or as
 * `1876543210987650000` — the digits after the 15th replaced by zeros. Such an id is another
 * person's (or nobody's), so it must never be sent to.
 */

export type IdVerdict =
  | { kind: "ok" }
  | { kind: "missing" }
  /** Not digits at all: a @handle, a name, a URL… */
  | { kind: "malformed"; hint: string }
  /** Written as a spreadsheet number: scientific notation, group separators or a decimal part. */
  | { kind: "spreadsheet"; what: string };

const X_USER_ID = /^\d{1,20}$/;
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;
/** "1,876,543,210" / "1.876.543.210" / "1 876 543 210" (no-break or thin space too), or "123.0". */
const GROUPED_OR_DECIMAL = /^\d{1,3}(?:([,.\u00a0\u202f ])\d{3})(?:\1\d{3})*(?:[.,]0+)?$|^\d+[.,]0+$/;

/** Classifies an id cell (already trimmed). */
export function checkIdCell(cell: string): IdVerdict {
  if (cell === "") return { kind: "missing" };
  if (X_USER_ID.test(cell)) {
    return looksRounded(cell)
      ? { kind: "spreadsheet", what: `${cell} has only ${significantDigits(cell)} significant digits followed by zeros: a spreadsheet rounded it, so it is probably someone else's id` }
      : { kind: "ok" };
  }
  if (SCIENTIFIC.test(cell)) return { kind: "spreadsheet", what: `"${cell}" is an id a spreadsheet wrote in scientific notation; its last digits are lost` };
  if (GROUPED_OR_DECIMAL.test(cell)) return { kind: "spreadsheet", what: `"${cell}" is an id a spreadsheet formatted as a number` };
  if (/^@|^[A-Za-z0-9_]{1,15}$/.test(cell)) return { kind: "malformed", hint: "use the numeric X user id, not the @handle" };
  if (/^https?:\/\//i.test(cell)) return { kind: "malformed", hint: "use the numeric X user id, not a profile URL" };
  return { kind: "malformed", hint: "an X user id is 1–20 digits" };
}

/**
 * 16+ digits with at most 15 significant ones: what Excel, Google Sheets, Numbers and LibreOffice
 * write for a long number. A genuine 19-digit id ends in four zeros once in 10,000.
 */
export function looksRounded(id: string): boolean {
  // The last-digit test first: this runs once per row of a 1M-row file.
  return id.length >= 16 && id.charCodeAt(id.length - 1) === 48 /* "0" */ && significantDigits(id) <= 15;
}

/**
 * An id a float64 prints exactly as itself (16+ digits ending in 0, e.g. JavaScript's
 * `String(1876543210987654321)` = "1876543210987654400"): on its own not proof, but two different
 * rows sharing one such id are two people whose ids were rounded into one.
 */
export function printsAsFloat64(id: string): boolean {
  return id.length >= 16 && id.endsWith("0") && Number(id) > Number.MAX_SAFE_INTEGER && String(Number(id)) === id;
}

function significantDigits(id: string): number {
  const trimmed = id.replace(/^0+/, "").replace(/0+$/, "");
  return trimmed.length;
}

/** The message for a spreadsheet-damaged id: what happened and the fix. */
export function spreadsheetIdMessage(what: string): string {
  return `${what}; format the id column as Text in the spreadsheet and export again (or copy the ids from the source)`;
}
