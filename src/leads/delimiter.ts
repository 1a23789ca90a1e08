/**
 * The field delimiter of a leads CSV, read from its header line when the campaign sets none.
 * Spreadsheets choose it by locale: Excel writes ";" where the decimal separator is a comma (most of
 * Europe), "Unicode Text" uses tabs, some CRMs use "|". Header names hardly ever contain any of these,
 * so the candidate that occurs most often in the header line (outside quotes) is the delimiter.
 */

/** The delimiters recognised, in the order that wins a tie. */
export const DELIMITER_CANDIDATES = [",", ";", "\t", "|"] as const;

/** The delimiter used, and whether it came from the campaign or from the header line. */
export interface CsvDelimiter {
  delimiter: string;
  source: "configured" | "detected" | "default";
}

/**
 * Detects the delimiter from the file's first line (`sample` is the start of the decoded file; only
 * its first line is looked at). A header without any candidate has a single column: "," then.
 */
export function detectDelimiter(sample: string): CsvDelimiter {
  const line = firstLine(sample);
  let best: string | undefined;
  let bestCount = 0;
  for (const candidate of DELIMITER_CANDIDATES) {
    const count = countOutsideQuotes(line, candidate);
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best === undefined ? { delimiter: ",", source: "default" } : { delimiter: best, source: "detected" };
}

/** How a delimiter reads in a message: `";"`, `tab`. */
export function showDelimiter(delimiter: string): string {
  return delimiter === "\t" ? "tab" : JSON.stringify(delimiter);
}

/**
 * When a header cell contains a likely delimiter other than the one used, the file was almost
 * certainly split with the wrong one: the sentence that says so, naming leads.delimiter.
 */
export function delimiterMismatch(header: readonly string[], used: CsvDelimiter): string | undefined {
  for (const cell of header) {
    const other = DELIMITER_CANDIDATES.find((c) => c !== used.delimiter && cell.includes(c));
    if (other === undefined) continue;
    const how = used.source === "configured" ? `leads.delimiter is ${showDelimiter(used.delimiter)}` : `the file was read with ${showDelimiter(used.delimiter)}`;
    return (
      `the header cell "${cell}" contains ${showDelimiter(other)}, so the file looks ${other === "\t" ? "tab" : `${showDelimiter(other)}`}-separated but ${how}; ` +
      `set leads.delimiter: ${other === "\t" ? '"\\t"' : JSON.stringify(other)} in the campaign`
    );
  }
  return undefined;
}

/** The first line of `text`; a line break inside double quotes does not end it. */
export function firstLine(text: string): string {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === "\n" || c === "\r")) return text.slice(0, i);
  }
  return text;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let inQuotes = false;
  let count = 0;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && c === delimiter) count++;
  }
  return count;
}
