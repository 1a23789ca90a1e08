/**
 * Reading a state file and its journal, and checking that they belong together (journal-header.ts).
 * Also the two ways a pair is re-bound on open: migrating a format-1 pair, and `--repair-state`
 * (continuing after the user accepted that a journal is lost or not this state file's).
 */
import { lstat, rename } from "node:fs/promises";
import { UserError } from "../errors.js";
import { openPrivateAppend, readNoFollow, replacePrivateFile, truncateNoFollow, unlinkIfPresent } from "../files/private-files.js";
import { encodeHeader, journalProblem, journalRefusal, type JournalFound, type JournalHeader, type JournalProblem } from "./journal-header.js";
import { applyRecord, encodeRecord, parseJournal, type JournalRecord, type StateModel } from "./journal-records.js";
import { deriveCounters, readSnapshotFile, recoveryHint, writeSnapshotFile } from "./snapshot.js";
import type { StateSnapshot } from "./types.js";

export interface Loaded {
  model: StateModel;
  /** Written in format 1: openState migrates it (`rebind`). */
  legacy: boolean;
  /** What was wrong with the journal, when `repair` let the load go on. */
  problem: JournalProblem | undefined;
  journal: JournalFound & { size: number; intactBytes: number; needsNewline: boolean; lines: JournalRecord[] };
}

export interface LoadOptions {
  /** Non-fatal findings (a torn last journal line). */
  onWarning?: ((message: string) => void) | undefined;
  /** Load although the journal does not belong to the state file (see journalRefusal). Default false. */
  repair?: boolean | undefined;
  /** The leads as their snapshot lines, decoded when read (lead-lines.ts): for a read-only view. Default false. */
  lazy?: boolean | undefined;
}

/**
 * The state at `file` with its journal replayed, or undefined when there is no state yet (a journal
 * holding only a header is what a crash during creation leaves: also "no state yet").
 * @throws UserError for a damaged, foreign, missing or mismatched file (unless `repair`); the
 *   filesystem's errors (ELOOP for a symlink, EACCES, EISDIR, …) as they are.
 */
export async function loadModel(file: string, opts: LoadOptions = {}): Promise<Loaded | undefined> {
  const read = await readSnapshotFile(file, { lazy: opts.lazy === true });
  const leads = read?.model.leads as { checkUnread?: () => void } | undefined;
  try {
    return await withJournal(file, read, opts);
  } catch (err) {
    // Read lazily, the snapshot's lines are checked only as they are read: one that is damaged is still
    // said before anything about the journal, as when every line is decoded on load.
    leads?.checkUnread?.();
    throw err;
  }
}

async function withJournal(file: string, read: Awaited<ReturnType<typeof readSnapshotFile>>, opts: LoadOptions): Promise<Loaded | undefined> {
  const journalPath = `${file}.journal`;
  const bytes = await readNoFollow(journalPath);
  const parsed = bytes ? parseJournal(bytes, journalPath) : undefined;
  if (!read) {
    if (parsed && parsed.records.length > 0) {
      throw new UserError(`found the journal ${journalPath} but not the state file ${file}`, { hint: recoveryHint(file) });
    }
    // Compacted into a snapshot that is gone (gen > 0), or a backup beside it: this campaign ran before,
    // and starting over would message its leads again (seen: a deleted snapshot, 3 intros sent twice).
    const backup = await lstat(`${file}.bak`).then(() => true, () => false);
    if ((parsed?.header?.gen ?? 0) > 0 || backup) {
      const evidence = backup ? `its backup ${file}.bak` : `its journal ${journalPath}`;
      throw new UserError(`the state file ${file} is missing or empty, but ${evidence} shows this campaign has run before: starting over would message its leads again`, {
        hint: recoveryHint(file),
      });
    }
    return undefined;
  }
  const found: JournalFound = { exists: bytes !== undefined, header: parsed?.header, records: parsed?.records.length ?? 0 };
  const { model, legacy } = read;
  const problem = journalProblem(model.meta, legacy, found);
  if (problem && !opts.repair) throw journalRefusal(problem, file, model.meta, found);
  for (const w of parsed?.warnings ?? []) opts.onWarning?.(w);
  // An interrupted migration wrote the journal's header first: keep the identity it chose.
  if (legacy && found.header) model.meta.stateId = found.header.state;
  const replay = problem === undefined || problem === "newer";
  const lines = replay ? (parsed?.records ?? []) : [];
  for (const rec of lines) applyRecord(model, rec);
  return {
    model,
    legacy,
    problem,
    journal: { ...found, size: bytes?.length ?? 0, intactBytes: parsed?.intactBytes ?? 0, needsNewline: parsed?.needsNewline ?? false, lines },
  };
}

/**
 * Read-only view: snapshot + journal replay, no lock, no writes; the leads in a Map, or with `lazy`
 * as their lines, decoded when read (a LeadLines: `outreach status`).
 */
export async function readStateModel(file: string, opts: Pick<LoadOptions, "onWarning" | "lazy" | "repair"> = {}): Promise<StateModel | undefined> {
  return (await loadModel(file, opts))?.model;
}

/** Read-only view as one snapshot document (the HTML report, review, the dry run of a started campaign). */
export async function readStateSnapshot(file: string, opts: { onWarning?: (message: string) => void } = {}): Promise<StateSnapshot | undefined> {
  const model = await readStateModel(file, opts);
  return model && snapshotOf(model, model.meta.generation);
}

/**
 * Makes the journal on disk fit for appending and returns the generation its header carries. Each
 * path leaves a consistent pair after every single write, so a crash anywhere is recovered by the
 * next open:
 *  - normal: drop a torn tail, finish a last line without its newline;
 *  - format 1: journal := header(gen 0) + its records (atomic), then snapshot := format 3, gen 0;
 *  - repaired "newer" (an old snapshot put back): snapshot := the replayed model at the journal's generation;
 *  - repaired missing/replaced/foreign/older: the journal is renamed to `.rejected`, a fresh header written.
 */
export async function prepareJournal(file: string, loaded: Loaded, now: number, warn: (m: string) => void): Promise<number> {
  const journalPath = `${file}.journal`;
  const { model, journal, problem } = loaded;
  const meta = model.meta;
  const header = (gen: number): string => encodeHeader({ state: meta.stateId, campaign: meta.campaign, gen, t: now }) + "\n";
  if (loaded.legacy) {
    await replacePrivateFile(journalPath, header(0) + journal.lines.map((r) => encodeRecord(r) + "\n").join(""));
    await writeSnapshotFile(file, atGeneration(model, 0), { keepBackup: true });
    warn(`${file}: upgraded the state files to format 3 (the journal now names its state file; the old snapshot is kept as ${file}.bak)`);
    return 0;
  }
  if (problem === "newer") {
    const gen = (journal.header as JournalHeader).gen;
    await writeSnapshotFile(file, atGeneration(model, gen), { keepBackup: true });
    warn(`--repair-state: replayed ${journalPath} over an older ${file}; records between the two are lost, so leads messaged in that span could be messaged again`);
    return gen;
  }
  if (problem) {
    const aside = `${journalPath}.rejected`;
    if (journal.exists) {
      await unlinkIfPresent(aside);
      await rename(journalPath, aside);
    }
    await replacePrivateFile(journalPath, header(meta.generation));
    warn(
      `--repair-state: ${journal.exists ? `set ${journalPath} aside as ${aside} and ` : ""}continued from ${file} alone; ` +
        `leads messaged since ${new Date(meta.updatedAt).toISOString()} could be messaged again`,
    );
    return meta.generation;
  }
  // Drop a torn tail (or finish a complete last line) before appending, or the next record would
  // be glued to it and turn a harmless torn tail into a corrupt middle line.
  if (journal.intactBytes < journal.size) await truncateNoFollow(journalPath, journal.intactBytes);
  if (journal.needsNewline) await replaceTailNewline(journalPath);
  return (journal.header as JournalHeader).gen;
}

/** The model to write as the snapshot of generation `gen` (the same leads; meta copied). */
export function atGeneration(model: StateModel, gen: number): StateModel {
  return { meta: { ...model.meta, generation: gen }, leads: model.leads };
}

/** The model as one snapshot document at generation `gen` (its leads as one object: for small readers). */
export function snapshotOf(model: StateModel, gen: number): StateSnapshot {
  return { meta: { ...model.meta, generation: gen }, leads: Object.fromEntries(Array.from(model.leads.values(), (lead) => [lead.id, lead])), counters: deriveCounters(model.leads.values()) };
}

async function replaceTailNewline(journalPath: string): Promise<void> {
  const fh = await openPrivateAppend(journalPath);
  try {
    await fh.write("\n");
  } finally {
    await fh.close();
  }
}
