/**
 * Opens a leads CSV as a stream of UTF-8 bytes for csv-parse, having decided from its first bytes
 * how to read it: the encoding (encoding.ts) and, unless the campaign sets one, the delimiter
 * (delimiter.ts). The file is opened once; the first 64 KB are read twice (once to look, once by
 * the stream), which costs nothing next to parsing.
 */
import type { FileHandle } from "node:fs/promises";
import { openRegular } from "../files/read-regular.js";
import type { Readable } from "node:stream";
import { detectDelimiter, firstLine, showDelimiter, type CsvDelimiter } from "./delimiter.js";
import { createDecoder, decodeSample, describeEncoding, detectEncoding, type CsvEncoding } from "./encoding.js";

/** How a leads file was read: shown by the dry run ("read as UTF-8, ";"-separated …"). */
export interface CsvFormat {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
}

/** Bytes looked at before choosing: enough for any header line and the UTF-16 NUL-byte test. */
const SAMPLE_BYTES = 65_536;

/**
 * The decoded stream of `leads.file`, its format, and its first line as text (for messages about a
 * wrong delimiter when the parser fails before the header is seen). Throws what `openRegular` throws (the
 * caller turns ENOENT/EISDIR/ENOTFILE into a UserError); decoding errors (invalid UTF-8) surface as stream errors.
 */
export async function openCsvSource(
  leads: { file: string; delimiter?: string; encoding?: string },
): Promise<{ stream: Readable; format: CsvFormat; headerLine: string }> {
  // Never waits on a FIFO in the CSV's place (files/read-regular.ts).
  const handle = await openRegular(leads.file);
  let sample: Buffer;
  try {
    sample = await readSample(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  const encoding = detectEncoding(sample, leads.encoding);
  const text = decodeSample(sample, encoding);
  const delimiter: CsvDelimiter = leads.delimiter !== undefined ? { delimiter: leads.delimiter, source: "configured" } : detectDelimiter(text);
  // The stream closes the handle when it ends or is destroyed.
  const input = handle.createReadStream({ start: encoding.bomBytes });
  const decoder = createDecoder(encoding, leads.file);
  input.on("error", (error) => decoder.destroy(error));
  decoder.on("close", () => input.destroy());
  return { stream: input.pipe(decoder), format: { encoding, delimiter }, headerLine: firstLine(text) };
}

/** One line for people: `UTF-8 (byte-order mark), ";"-separated (detected from the header line)`. */
export function describeFormat(format: CsvFormat): string {
  const { delimiter, source } = format.delimiter;
  const how = source === "configured" ? "leads.delimiter" : source === "detected" ? "detected from the header line; set leads.delimiter to override" : "a single column";
  return `${describeEncoding(format.encoding)}, ${showDelimiter(delimiter)}-separated (${how})`;
}

async function readSample(handle: FileHandle): Promise<Buffer> {
  const buffer = Buffer.alloc(SAMPLE_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0);
  return buffer.subarray(0, bytesRead);
}
