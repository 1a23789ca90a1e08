/**
 * The snapshot half of the state: one JSON document (a StateSnapshot) read and written through lowdb,
 * with our own adapter instead of lowdb's JSONFile: steno (JSONFile's writer) creates its temp file
 * with the umask's mode (0644: world-readable prospects and replies), follows a symlink planted at
 * the temp path, never fsyncs, and retries a failed rename for a second. Ours writes a fresh 0600
 * temp file with O_NOFOLLOW, fsyncs it and renames it — a reader sees the old snapshot or the new
 * one, never half of each.
 */
import { randomUUID } from "node:crypto";
import { dirname } from "node:path";
import { Low, type Adapter } from "lowdb";
import { UserError } from "../errors.js";
import { fsyncPath, readNoFollow, replacePrivateFile } from "../files/private-files.js";
import type { LeadState, StateMeta, StateSnapshot } from "./types.js";

/** lowdb adapter: owner-only, symlink-refusing, fsync'd atomic replacement of a JSON file. */
class PrivateJsonFile<T> implements Adapter<T> {
  constructor(private readonly file: string) {}
  async read(): Promise<T | null> {
    const bytes = await readNoFollow(this.file);
    return bytes === undefined ? null : (JSON.parse(bytes.toString("utf8")) as T);
  }
  write(data: T): Promise<void> {
    return replacePrivateFile(this.file, JSON.stringify(data));
  }
}

/** A snapshot as read: `legacy` when it was written in format 1 (no state id or generation; migrated in memory). */
export interface ReadSnapshot {
  snapshot: StateSnapshot;
  legacy: boolean;
}

/** The snapshot at `file`, or undefined when there is none. Unparseable or foreign → UserError; a symlink → ELOOP. */
export async function readSnapshotFile(file: string): Promise<ReadSnapshot | undefined> {
  let data: unknown;
  try {
    data = await new PrivateJsonFile<unknown>(file).read();
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new UserError(`${file}: the state file is not valid JSON (${err.message})`, { hint: recoveryHint(file), cause: err });
  }
  if (data === null) return undefined;
  if (!isSnapshot(data)) {
    throw new UserError(`${file}: not an outreach state file (no meta.version, meta.campaign and leads)`, { hint: recoveryHint(file) });
  }
  const found = data.meta;
  if (found.version === 2) return { snapshot: { ...data, meta: found }, legacy: false };
  // Format 1 (before journal headers): give it an identity; openState rewrites both files at once.
  const meta: StateMeta = { ...found, version: 2, stateId: newStateId(), generation: 0 };
  return { snapshot: { ...data, meta }, legacy: true };
}

/** A fresh random state id (journal-header.ts). */
export function newStateId(): string {
  return randomUUID();
}

/**
 * Writes `snapshot` atomically (0600 temp file, fsync, rename), then fsyncs the directory so the
 * rename survives a power loss before the caller replaces the journal. With `keepBackup`, the
 * previous snapshot is first copied to `<file>.bak` (also 0600, also atomically).
 */
export async function writeSnapshotFile(file: string, snapshot: StateSnapshot, opts: { keepBackup: boolean }): Promise<void> {
  if (opts.keepBackup) {
    const previous = await readNoFollow(file);
    if (previous) await replacePrivateFile(`${file}.bak`, previous);
  }
  const db = new Low<StateSnapshot>(new PrivateJsonFile<StateSnapshot>(file), snapshot);
  await db.write();
  await fsyncPath(dirname(file));
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

/** A format-2 snapshot, or a format-1 one (version 1, without stateId and generation). */
function isSnapshot(v: unknown): v is Omit<StateSnapshot, "meta"> & { meta: StateMeta | (Omit<StateMeta, "version"> & { version: 1 }) } {
  if (typeof v !== "object" || v === null) return false;
  const s = v as { meta?: { version?: unknown; campaign?: unknown; stateId?: unknown; generation?: unknown }; leads?: unknown };
  if (typeof s.meta?.campaign !== "string" || typeof s.leads !== "object" || s.leads === null) return false;
  if (s.meta.version === 1) return true;
  return s.meta.version === 2 && typeof s.meta.stateId === "string" && Number.isInteger(s.meta.generation);
}
