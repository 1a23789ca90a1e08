/**
 * The snapshot half of the state: one JSON document (a StateSnapshot) read and written through
 * lowdb's JSONFile adapter, whose writer (steno) writes a temp file and renames it over the old one —
 * a reader sees the old snapshot or the new one, never half of each.
 */
import { copyFile, open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { Low } from "lowdb";
import { JSONFile } from "lowdb/node";
import { UserError } from "../errors.js";
import type { LeadState, StateSnapshot } from "./types.js";

/** The snapshot at `file`, or undefined when there is none. Unparseable or foreign → UserError. */
export async function readSnapshotFile(file: string): Promise<StateSnapshot | undefined> {
  let data: unknown;
  try {
    // The adapter is constructed explicitly: lowdb's presets swap to memory under NODE_ENV=test.
    data = await new JSONFile<unknown>(file).read();
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    throw new UserError(`${file}: the state file is not valid JSON (${err.message})`, { hint: recoveryHint(file), cause: err });
  }
  if (data === null) return undefined;
  if (!isSnapshot(data)) {
    throw new UserError(`${file}: not an outreach state file (no meta.version 1, meta.campaign and leads)`, { hint: recoveryHint(file) });
  }
  return data;
}

/**
 * Writes `snapshot` atomically (lowdb/steno: temp file + rename), then fsyncs it and its directory so
 * it survives a power loss before the caller truncates the journal it replaces. steno does not fsync
 * the temp file, so until our fsync returns the journal must stay the source of truth.
 * The previous snapshot is first copied to `<file>.bak`.
 */
export async function writeSnapshotFile(file: string, snapshot: StateSnapshot, opts: { keepBackup: boolean }): Promise<void> {
  if (opts.keepBackup) {
    try {
      await copyFile(file, `${file}.bak.tmp`);
      await rename(`${file}.bak.tmp`, `${file}.bak`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  const db = new Low<StateSnapshot>(new JSONFile<StateSnapshot>(file), snapshot);
  await db.write();
  await fsyncPath(file);
  await fsyncPath(dirname(file));
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
