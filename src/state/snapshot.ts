/**
 * The snapshot half of the state: one compact JSON document (a StateSnapshot) written to a temp file
 * and renamed over the old one — a reader sees the old snapshot or the new one, never half of each.
 *
 * The write is streamed, lead by lead, in chunks of about 64 kB: serialising the whole state into one
 * string (what lowdb did, pretty-printed) took a 47 MB string and +150 MB of peak memory at the end of
 * a 100,000-lead run. The document is the same JSON as before, without the indentation (~300 bytes a
 * lead instead of ~480), so older snapshots read as they always did.
 */
import { copyFile, open, readFile, rename, unlink, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "../errors.js";
import type { LeadState, StateMeta, StateSnapshot } from "./types.js";

/** The snapshot at `file`, or undefined when there is none. Unparseable or foreign → UserError. */
export async function readSnapshotFile(file: string): Promise<StateSnapshot | undefined> {
  const text = await readOptional(file);
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text.toString("utf8"));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new UserError(`${file}: the state file is not valid JSON (${err.message})`, { hint: recoveryHint(file), cause: err });
  }
  if (!isSnapshot(data)) {
    throw new UserError(`${file}: not an outreach state file (no meta.version 1, meta.campaign and leads)`, { hint: recoveryHint(file) });
  }
  return data;
}

/** What a snapshot is written from: the live model, never copied into one object first. */
export interface SnapshotSource {
  meta: StateMeta;
  leads: Iterable<LeadState>;
  counters: Record<string, number>;
}

/** Bytes of JSON gathered before one write(2): big enough to be cheap, small enough to stay flat. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes the snapshot atomically (temp file, fsync, rename, fsync of the directory), so it survives a
 * power loss before the caller truncates the journal it replaces. The previous snapshot is first copied
 * to `<file>.bak`. `meta` is serialised first, synchronously; leads are serialised one at a time as the
 * stream goes, so a lead may show a change made after the call began — harmless, because the journal
 * lines after that point are replayed over the snapshot and every line sets values (store.ts, 6).
 */
export async function writeSnapshotFile(file: string, source: SnapshotSource, opts: { keepBackup: boolean }): Promise<void> {
  if (opts.keepBackup) {
    try {
      await copyFile(file, `${file}.bak.tmp`);
      await rename(`${file}.bak.tmp`, `${file}.bak`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  const tmp = `${file}.tmp`;
  const fh = await open(tmp, "w");
  try {
    let chunk = `{"meta":${JSON.stringify(source.meta)},"counters":${JSON.stringify(source.counters)},"leads":{`;
    let first = true;
    for (const lead of source.leads) {
      chunk += `${first ? "" : ","}${JSON.stringify(lead.id)}:${JSON.stringify(lead)}`;
      first = false;
      if (chunk.length >= CHUNK_CHARS) {
        await writeAll(fh, chunk);
        chunk = "";
      }
    }
    await writeAll(fh, `${chunk}}}\n`);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
  await fsyncPath(dirname(file));
}

/** Writes the whole string at the file's current position (write(2) may write less than asked). */
async function writeAll(fh: FileHandle, text: string): Promise<void> {
  const data = Buffer.from(text, "utf8");
  let off = 0;
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

/** fsync a file or a directory (a directory fsync makes a create/rename in it durable). */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Campaign counters for humans and `outreach status`, derived at each compaction (never maintained
 * incrementally, so they cannot drift): `leads`, `replied`, `optedOut`, `finished`, and per step
 * `step.<id>.<status>` — `step.<id>.pending` counts leads with a known pending record (an attempt
 * reconciled as undelivered), not leads that never reached the step.
 */
export function deriveCounters(leads: Iterable<LeadState>): Record<string, number> {
  const c: Record<string, number> = { leads: 0, replied: 0, optedOut: 0, finished: 0 };
  const bump = (key: string): void => {
    c[key] = (c[key] ?? 0) + 1;
  };
  for (const lead of leads) {
    bump("leads");
    if (lead.reply) bump("replied");
    if (lead.optedOut) bump("optedOut");
    if (lead.finishedAt !== undefined) bump("finished");
    for (const [stepId, rec] of Object.entries(lead.steps)) bump(`step.${stepId}.${rec.status}`);
  }
  return c;
}

export function recoveryHint(file: string): string {
  return (
    `restore it from ${file}.bak (the snapshot before the last compaction; leads messaged since then may be messaged again), ` +
    `or delete ${file} and ${file}.journal to start over — deleting re-sends to everyone`
  );
}

/** Reads a whole file, or undefined if it does not exist. */
export async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function isSnapshot(v: unknown): v is StateSnapshot {
  if (typeof v !== "object" || v === null) return false;
  const s = v as { meta?: { version?: unknown; campaign?: unknown }; leads?: unknown };
  return s.meta?.version === 1 && typeof s.meta.campaign === "string" && typeof s.leads === "object" && s.leads !== null;
}
