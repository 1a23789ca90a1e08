/**
 * Which character encoding a leads CSV is in, and the stream that turns its bytes into the UTF-8
 * csv-parse reads. Spreadsheets export CSVs in several encodings (Excel's "CSV UTF-8" has a BOM,
 * its "Unicode Text" is UTF-16 LE with a BOM, its plain "CSV" is the Windows code page), and a file
 * read in the wrong one sends "Hi Jos�". So:
 *  - a byte-order mark decides: UTF-8, UTF-16 LE or UTF-16 BE;
 *  - otherwise `leads.encoding` when the campaign names one (any encoding iconv-lite knows);
 *  - otherwise strict UTF-8: an invalid byte stops the read with its file, line and byte offset.
 *
 * iconv-lite (pure JS, streaming decoders, the decoder body-parser and most of npm use) decodes
 * everything that is not UTF-8; UTF-8 is only validated (Node's SIMD `buffer.isUtf8`) and passed on
 * unchanged, so the common case costs one scan and no copy. Memory stays flat: one chunk at a time.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import iconv from "iconv-lite";
import { UserError } from "../errors.js";

/** How the file's bytes are read. `bomBytes` are skipped before decoding. */
export interface CsvEncoding {
  /** Canonical name: "utf-8", "utf-16le", "utf-16be", or the campaign's `leads.encoding` as written. */
  name: string;
  /** Length of the byte-order mark at the start of the file, in bytes (0 when none). */
  bomBytes: number;
  /** How the encoding was chosen, for the dry run's "read as …" line. */
  source: "bom" | "configured" | "default" | "nul-bytes";
}

/** True when iconv-lite (or the UTF-8 path) can read `name`; used by the campaign schema. */
export function isKnownEncoding(name: string): boolean {
  return iconv.encodingExists(name);
}

/**
 * The file's encoding from its first bytes (a few KB are plenty) and the campaign's `leads.encoding`.
 * A BOM wins over the setting: it is written by the program that made the file, which knows.
 * Without a BOM, a file whose odd (or even) bytes are mostly NUL is UTF-16 that lost its BOM.
 */
export function detectEncoding(head: Uint8Array, configured?: string): CsvEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { name: "utf-8", bomBytes: 3, source: "bom" };
  if (head[0] === 0xff && head[1] === 0xfe) return { name: "utf-16le", bomBytes: 2, source: "bom" };
  if (head[0] === 0xfe && head[1] === 0xff) return { name: "utf-16be", bomBytes: 2, source: "bom" };
  if (configured !== undefined) return { name: canonical(configured), bomBytes: 0, source: "configured" };
  const utf16 = nulPattern(head);
  if (utf16) return { name: utf16, bomBytes: 0, source: "nul-bytes" };
  return { name: "utf-8", bomBytes: 0, source: "default" };
}

/** "UTF-8 with BOM", "UTF-16 LE (byte-order mark)", "windows-1252 (leads.encoding)", for messages. */
export function describeEncoding(encoding: CsvEncoding): string {
  const name = encoding.name.startsWith("utf-") ? encoding.name.toUpperCase().replace(/(16)(LE|BE)$/, "$1 $2") : encoding.name;
  switch (encoding.source) {
    case "bom":
      return `${name} (byte-order mark)`;
    case "configured":
      return `${name} (leads.encoding)`;
    case "nul-bytes":
      return `${name} (no byte-order mark; recognised by its NUL bytes)`;
    default:
      return name;
  }
}

/** Decodes `bytes` (e.g. the first KB, for delimiter detection) leniently: never throws. */
export function decodeSample(bytes: Uint8Array, encoding: CsvEncoding): string {
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(encoding.bomBytes);
  return isUtf8Name(encoding.name) ? body.toString("utf8") : iconv.decode(body, encoding.name, { stripBOM: false });
}

/**
 * A Transform from the file's bytes (BOM already skipped) to UTF-8 bytes. For UTF-8 the chunks pass
 * through untouched after validation; invalid UTF-8 fails the stream with a UserError naming
 * `file`, the line and the byte offset (counted from the start of the file, BOM included).
 */
export function createDecoder(encoding: CsvEncoding, file: string): Transform {
  return isUtf8Name(encoding.name) ? new Utf8Validator(file, encoding.bomBytes) : new LegacyDecoder(encoding.name);
}

function isUtf8Name(name: string): boolean {
  return /^utf-?8$/i.test(name);
}

function canonical(name: string): string {
  return isUtf8Name(name) ? "utf-8" : name;
}

/** UTF-16 without a BOM: in the first 1,024 bytes, most high bytes of ASCII text are NUL on one side only. */
function nulPattern(head: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  const n = Math.min(head.length, 1024) & ~1;
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return "utf-16le";
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return "utf-16be";
  return undefined;
}

class LegacyDecoder extends Transform {
  private readonly decoder: ReturnType<typeof iconv.getDecoder>;

  constructor(name: string) {
    super();
    this.decoder = iconv.getDecoder(name, { stripBOM: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = this.decoder.write(chunk);
    done(null, text.length > 0 ? Buffer.from(text, "utf8") : undefined);
  }

  override _flush(done: TransformCallback): void {
    const text = this.decoder.end() ?? "";
    done(null, text.length > 0 ? Buffer.from(text, "utf8") : undefined);
  }
}

/**
 * Checks UTF-8 chunk by chunk. A character may be split between two chunks: the incomplete tail
 * (at most 3 bytes) is held back and checked with the next chunk; the chunk itself is passed on as
 * is (csv-parse joins split characters itself).
 */
class Utf8Validator extends Transform {
  private carry: Buffer = Buffer.alloc(0);
  /** File offset of the first byte of `carry` (or of the next chunk when carry is empty). */
  private offset: number;

  constructor(
    private readonly file: string,
    startOffset: number,
  ) {
    super();
    this.offset = startOffset;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTailStart(bytes);
    const whole = bytes.subarray(0, cut);
    if (!isUtf8(whole)) return this.fail(this.offset + firstInvalidByte(whole), bytes[firstInvalidByte(whole)], done);
    this.offset += cut;
    this.carry = Buffer.from(bytes.subarray(cut));
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) return this.fail(this.offset, this.carry[0], done);
    done();
  }

  private fail(offset: number, byte: number | undefined, done: TransformCallback): void {
    lineAt(this.file, offset).then(
      (line) => done(invalidUtf8(this.file, line, offset, byte ?? 0)),
      () => done(invalidUtf8(this.file, undefined, offset, byte ?? 0)),
    );
  }
}

/** Index where a multi-byte character that runs past the end of `bytes` begins (bytes.length if none). */
function incompleteTailStart(bytes: Buffer): number {
  const end = bytes.length;
  for (let i = end - 1; i >= Math.max(0, end - 4); i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + length > end ? i : end;
  }
  return end;
}

/** Offset of the first byte that starts an invalid sequence (WHATWG UTF-8 rules). Only runs on bad input. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lower = 0xa0;
      if (b === 0xed) upper = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lower = 0x90;
      if (b === 0xf4) upper = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lower : 0x80) || c > (k === 1 ? upper : 0xbf)) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}

/** 1-based line of the byte at `offset`: line breaks (LF, CRLF, lone CR) before it, plus one. */
async function lineAt(file: string, offset: number): Promise<number> {
  let line = 1;
  let previousCr = false;
  if (offset === 0) return line;
  for await (const chunk of createReadStream(file, { start: 0, end: offset - 1 }) as AsyncIterable<Buffer>) {
    for (const b of chunk) {
      if (b === 0x0a) {
        if (!previousCr) line++;
      } else if (b === 0x0d) line++;
      previousCr = b === 0x0d;
    }
  }
  return line;
}

function invalidUtf8(file: string, line: number | undefined, offset: number, byte: number): UserError {
  const hex = `0x${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  // 0x80–0x9F are printable only in Windows-1252 (€, ‘, ’, “, …); in Latin-1 they are controls.
  const guess = "Windows-1252 (what Excel's plain \"CSV\" uses on Windows)";
  const problem = {
    file,
    ...(line !== undefined ? { line } : {}),
    message: `byte ${hex} at byte offset ${offset} is not valid UTF-8; the file is probably in a legacy encoding such as ${guess}`,
  };
  return new UserError("the leads file is not UTF-8; nothing was sent", {
    problems: [problem],
    hint:
      'Re-save it as "CSV UTF-8" (Excel: File → Save As → CSV UTF-8 (Comma delimited); Numbers and Google Sheets ' +
      "export UTF-8 already), or name its encoding in the campaign: leads: { encoding: windows-1252 }.",
  });
}
