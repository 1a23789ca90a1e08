/**
 * The snapshot half of the state: one JSON document read and written through lowdb (a lead a line:
 * snapshot-format.ts, so neither side ever holds the whole file as one string),
 * with our own adapter instead of lowdb's JSONFile: steno (JSONFile's writer) creates its temp file
 * with the umask's mode (0644: world-readable prospects and replies), follows a symlink planted at
 * the temp path, never fsyncs, and retries a failed rename for a second. Ours writes a fresh 0600
 * temp file with O_NOFOLLOW, fsyncs it and renames it — a reader sees the old snapshot or the new
 * one, never half of each.
 */
import { randomUUID } from "node:crypto";
import { readSync } from "node:fs";
import { dirname } from "node:path";
import { Low, type Adapter } from "lowdb";
import { UserError } from "../errors.js";
import { fsyncPath, openToRead, replacePrivateFile } from "../files/private-files.js";
import type { StateModel } from "./journal-records.js";
import { LeadLines } from "./lead-lines.js";
import { decodeLead, encodeLead, leadTables, tableIndex, type LeadLine, type LeadTables } from "./snapshot-format.js";
import type { LeadState, StateMeta } from "./types.js";

/** The largest snapshot read lazily (bytes): a larger one (~5,000,000 leads) is decoded a line at a time, into a Map. */
export const LAZY_MAX_BYTES = 1024 ** 3;

/** How many bytes of lead lines go to the disk in one write (the write is streamed, never one string). */
const WRITE_CHUNK_CHARS = 64 * 1024;

/**
 * lowdb adapter: owner-only, symlink-refusing, fsync'd atomic replacement of the snapshot, written and
 * read a lead line at a time (format 3, snapshot-format.ts). A format 1 or 2 file (one JSON object of
 * every lead) is still read whole; the next write migrates it.
 */
class PrivateSnapshotFile implements Adapter<StateModel | RawDocument | null> {
  constructor(
    private readonly file: string,
    private readonly lazy = false,
    private readonly lazyMaxBytes = LAZY_MAX_BYTES,
  ) {}
  async read(): Promise<StateModel | RawDocument | null> {
    const fh = await openToRead(this.file);
    if (!fh) return null;
    try {
      // Lazily: the file's bytes, read in one synchronous call (the promise API reads 512 KB a time
      // through the thread pool), each lead's line made a string only when the lead is read.
      // A file too large to hold as one Buffer (or to index with 32-bit offsets) is read a line at a time.
      const size = this.lazy ? (await fh.stat()).size : 0;
      if (this.lazy && size <= this.lazyMaxBytes) return await readLazyDocument(readWhole(fh.fd, size), this.file);
      return await readDocument(fh.readLines({ encoding: "utf8" }));
    } finally {
      await fh.close();
    }
  }
  write(data: StateModel | RawDocument | null): Promise<void> {
    if (data === null || "raw" in data) return Promise.reject(new Error("bug: only a state model is written as a snapshot"));
    return replacePrivateFile(this.file, documentChunks(data));
  }
}

/** A format 1/2 snapshot, or anything else parsed from the file, before it is checked. */
interface RawDocument {
  raw: unknown;
}

/** A snapshot as read: `legacy` when it was written in format 1 (no state id or generation; migrated in memory). */
export interface ReadSnapshot {
  model: StateModel;
  legacy: boolean;
}

/**
 * The snapshot at `file`, or undefined when there is none. Unparseable or foreign → UserError; a symlink → ELOOP.
 * `lazy`: the leads as their lines, decoded when read (lead-lines.ts: a read-only view), a damaged
 * lead line found only then (still a UserError naming its line) — unless the file is larger than
 * `lazyMaxBytes` (default LAZY_MAX_BYTES), which is decoded a line at a time as without `lazy`.
 */
export async function readSnapshotFile(file: string, opts: { lazy?: boolean; lazyMaxBytes?: number } = {}): Promise<ReadSnapshot | undefined> {
  let data: StateModel | RawDocument | null;
  try {
    const db = new Low<StateModel | RawDocument | null>(new PrivateSnapshotFile(file, opts.lazy === true, opts.lazyMaxBytes), null);
    await db.read();
    data = db.data;
  } catch (err) {
    if (!(err instanceof SyntaxError || err instanceof RangeError)) throw err;
    throw notJson(file, err);
  }
  if (data === null) return undefined;
  if (!("raw" in data)) return { model: data, legacy: false };
  const found = data.raw;
  if (!isSnapshot(found)) {
    throw new UserError(`${file}: not an outreach state file (no meta.version, meta.campaign and leads)`, { hint: recoveryHint(file) });
  }
  const leads = new Map<string, LeadState>(Object.entries(found.leads));
  if (found.meta.version === 2) return { model: { meta: { ...found.meta, version: 3 }, leads }, legacy: false };
  // Format 1 (before journal headers): give it an identity; openState rewrites both files at once.
  const meta: StateMeta = { ...found.meta, version: 3, stateId: newStateId(), generation: 0 };
  return { model: { meta, leads }, legacy: true };
}

function notJson(file: string, err: Error): UserError {
  return new UserError(`${file}: the state file is not valid JSON (${err.message})`, { hint: recoveryHint(file), cause: err });
}

/** A fresh random state id (journal-header.ts). */
export function newStateId(): string {
  return randomUUID();
}

/**
 * Writes `model` as the snapshot (format 3) atomically (0600 temp file, fsync, rename), a chunk of
 * lead lines at a time, then fsyncs the directory so the rename survives a power loss before the
 * caller replaces the journal. With `keepBackup`, the previous snapshot is first copied (streamed) to
 * `<file>.bak` (also 0600, also atomically). Leads changed while the write is under way may be written
 * with their newer values: the journal lines after the caller's point are replayed over it anyway.
 */
export async function writeSnapshotFile(file: string, model: StateModel, opts: { keepBackup: boolean }): Promise<void> {
  if (opts.keepBackup) {
    const previous = await openToRead(file);
    if (previous) {
      try {
        await replacePrivateFile(`${file}.bak`, previous.createReadStream({ autoClose: false }));
      } finally {
        await previous.close();
      }
    }
  }
  const db = new Low<StateModel | RawDocument | null>(new PrivateSnapshotFile(file), model);
  await db.write();
  await fsyncPath(dirname(file));
}

/** The snapshot's text, in chunks: the header line, then the lead lines (snapshot-format.ts). */
function* documentChunks(model: StateModel): Generator<string> {
  // One pass for the tables and the counters: a run's idle leads are decoded from their lines (lead-map.ts).
  const counters = emptyCounters();
  const tables = leadTables(counting(model.leads.values(), counters));
  const header = JSON.stringify({ meta: model.meta, counters, ...tables, leads: [] });
  let chunk = `${header.slice(0, -"]}".length)}\n`;
  const index = tableIndex(tables);
  let first = true;
  for (const lead of model.leads.values()) {
    chunk += `${first ? "" : ",\n"}${encodeLead(lead, index)}`;
    first = false;
    if (chunk.length >= WRITE_CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}${first ? "" : "\n"}]}\n`;
}

/**
 * Reads a snapshot line by line. Format 3 (a header line ending in `"leads":[`, one lead a line, `]}`)
 * becomes the model directly, one lead at a time; anything else is parsed as one JSON document.
 * @throws SyntaxError / RangeError for a damaged file.
 */
/**
 * The snapshot's document from the file's bytes, its leads kept as their lines (lead-lines.ts): the
 * same document and the same errors as `readDocument` reading the lines, `file` named in a damaged
 * lead line's error (found when the lead is read).
 */
async function readLazyDocument(bytes: Buffer, file: string): Promise<StateModel | RawDocument> {
  const text = (start: number, end: number): string => bytes.toString("utf8", start, end);
  let at = 0;
  /** The next line's bytes [start, end), without its "\n" or "\r\n"; undefined at the end (no empty last line). */
  const nextLine = (): [number, number] | undefined => {
    if (at >= bytes.length) return undefined;
    let end = bytes.indexOf(0x0a, at);
    if (end < 0) end = bytes.length;
    const line: [number, number] = [at, end > at && bytes[end - 1] === 0x0d ? end - 1 : end];
    at = end + 1;
    return line;
  };
  const head = nextLine();
  const first = head ? text(head[0], head[1]) : "";
  // Not format 3 (one JSON object of every lead, or not a snapshot at all): read whole, as always.
  if (!(first.startsWith('{"meta":') && first.endsWith('"leads":['))) return readDocument(linesOf(bytes.toString("utf8")));
  const header = JSON.parse(`${first}]}`) as Partial<LeadTables> & { meta?: StateMeta };
  if (!isFormat3(header)) throw new SyntaxError("line 1: not a state file header (meta, accounts, steps, base)");
  const leads = new LeadLines(bytes, header, (line, err) => notJson(file, new SyntaxError(`line ${line}: ${err.message}`, { cause: err })));
  let ended = false;
  let n = 1;
  for (let line = nextLine(); line; line = nextLine()) {
    n++;
    const [start, end] = line;
    if (ended) {
      if (text(start, end).trim() === "") continue;
      throw new SyntaxError(`line ${n}: text after the end of the leads`);
    }
    if (end - start === 2 && bytes[start] === 0x5d /* ] */ && bytes[start + 1] === 0x7d /* } */) {
      ended = true;
      continue;
    }
    leads.addLine(start, end);
  }
  if (!ended) throw new SyntaxError(`line ${n}: the file ends before the end of the leads (no "]}")`);
  return { meta: header.meta, leads };
}

/** The snapshot's document, read a line at a time. */
async function readDocument(lines: AsyncIterable<string> | Iterable<string>): Promise<StateModel | RawDocument> {
  const it = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
  const head = await it.next();
  const first = head.done ? "" : head.value;
  if (!(first.startsWith('{"meta":') && first.endsWith('"leads":['))) {
    const rest: string[] = [first];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value);
    return { raw: JSON.parse(rest.join("\n")) as unknown };
  }
  const header = JSON.parse(`${first}]}`) as Partial<LeadTables> & { meta?: StateMeta };
  if (!isFormat3(header)) throw new SyntaxError("line 1: not a state file header (meta, accounts, steps, base)");
  const leads = new Map<string, LeadState>();
  let ended = false;
  let n = 1;
  for (let r = await it.next(); !r.done; r = await it.next()) {
    n++;
    const line = r.value;
    if (ended) {
      if (line.trim() === "") continue;
      throw new SyntaxError(`line ${n}: text after the end of the leads`);
    }
    if (line === "]}") {
      ended = true;
      continue;
    }
    try {
      const lead = decodeLead(JSON.parse(line.endsWith(",") ? line.slice(0, -1) : line) as LeadLine, header);
      leads.set(lead.id, lead);
    } catch (err) {
      throw new SyntaxError(`line ${n}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!ended) throw new SyntaxError(`line ${n}: the file ends before the end of the leads (no "]}")`);
  return { meta: header.meta, leads };
}

/**
 * The file behind `fd`, of `size` bytes as fstat said, read into one buffer of that size (readFileSync
 * on a descriptor reads in chunks and joins them: a second copy of 18 MB). A file that turns out
 * shorter gives what it has; one that grew meanwhile, its first `size` bytes (a snapshot is replaced,
 * never appended to).
 */
function readWhole(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const n = readSync(fd, buf, at, size - at, at);
    if (n === 0) break;
    at += n;
  }
  return buf.subarray(0, at);
}

/** The lines of `text` as readline gives them for "\n" and "\r\n" line ends (no empty last line). */
function* linesOf(text: string): Generator<string> {
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    yield text.slice(at, end > at && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end);
    at = end + 1;
  }
}

function isFormat3(h: Partial<LeadTables> & { meta?: StateMeta }): h is LeadTables & { meta: StateMeta } {
  const m = h.meta as { version?: unknown; campaign?: unknown; stateId?: unknown; generation?: unknown } | undefined;
  return (
    m?.version === 3 && typeof m.campaign === "string" && typeof m.stateId === "string" && Number.isInteger(m.generation) &&
    Array.isArray(h.accounts) && Array.isArray(h.steps) && typeof h.base === "number"
  );
}

/**
 * Campaign counters for humans and `outreach status`, derived at each compaction (never maintained
 * incrementally, so they cannot drift): `leads`, `replied`, `optedOut`, `finished`, and per step
 * `step.<id>.<status>` — `step.<id>.pending` counts leads with a known pending record (an attempt
 * reconciled as undelivered), not leads that never reached the step.
 */
export function deriveCounters(leads: Iterable<LeadState>): Record<string, number> {
  const c = emptyCounters();
  for (const lead of leads) countLead(c, lead);
  return c;
}

function emptyCounters(): Record<string, number> {
  return { leads: 0, replied: 0, optedOut: 0, finished: 0 };
}

function countLead(c: Record<string, number>, lead: LeadState): void {
  const bump = (key: string): void => {
    c[key] = (c[key] ?? 0) + 1;
  };
  bump("leads");
  if (lead.reply) bump("replied");
  if (lead.optedOut) bump("optedOut");
  if (lead.finishedAt !== undefined) bump("finished");
  for (const [stepId, rec] of Object.entries(lead.steps)) bump(`step.${stepId}.${rec.status}`);
}

/** `leads`, counted into `c` as they go by. */
function* counting(leads: Iterable<LeadState>, c: Record<string, number>): Generator<LeadState> {
  for (const lead of leads) {
    countLead(c, lead);
    yield lead;
  }
}

export function recoveryHint(file: string): string {
  return (
    `restore it from ${file}.bak (the snapshot before the last compaction; leads messaged since then may be messaged again), ` +
    `or delete ${file} and ${file}.journal to start over — deleting re-sends to everyone`
  );
}

/** A format-2 snapshot (`leads` one object), or a format-1 one (version 1, without stateId and generation). */
function isSnapshot(v: unknown): v is { leads: Record<string, LeadState>; meta: (Omit<StateMeta, "version"> & { version: 2 }) | (Omit<StateMeta, "version"> & { version: 1 }) } {
  if (typeof v !== "object" || v === null) return false;
  const s = v as { meta?: { version?: unknown; campaign?: unknown; stateId?: unknown; generation?: unknown }; leads?: unknown };
  if (typeof s.meta?.campaign !== "string" || typeof s.leads !== "object" || s.leads === null) return false;
  if (s.meta.version === 1) return true;
  return s.meta.version === 2 && typeof s.meta.stateId === "string" && Number.isInteger(s.meta.generation);
}
