/**
 * The campaign state store: a JSON snapshot at `file` plus an append-only journal at
 * `file.journal` (JSON Lines, format in journal-records.ts).
 *
 * Why it cannot send twice or forget a lead — the durability argument:
 *  1. Every mutation is applied in memory and appended as one self-contained "set" line. Recording a
 *     send costs one short line, whatever the campaign size; the snapshot is rewritten only at compaction.
 *  2. A `sending` record is written AND fdatasync'd before `setStep` resolves, and the caller sends only
 *     after that. So after a crash, kill -9 or power loss, a lead that may have been messaged always has
 *     a `sending` (or later) record on disk, and reconciliation checks the API before anything is re-sent.
 *  3. Other records (sent, failed, replies, meta) resolve after write(2): the kernel has them, which
 *     survives kill -9 and Ctrl-C. A power loss can lose them; the worst case is a `sent` degrading to
 *     its fsync'd `sending`, which reconciliation turns back into `sent`. A lost reply is re-read from
 *     the Events API because the cursor (meta) is written after the reply it covers.
 *  4. Appends go through one queue in order, with group commit (journal-writer.ts): N concurrent
 *     records cost one write and at most one fdatasync.
 *  5. A crash can only tear the journal's last line; that write was never confirmed to anyone, so it
 *     is dropped on load with a warning. Any other damage stops the run with a UserError.
 *  6. Compaction: from point P, stream the in-memory state to a temp file, fsync it, rename it over
 *     the snapshot and fsync the directory (snapshot.ts; a lead serialised after P may already show
 *     later changes, harmless because the lines after P are replayed over it), THEN replace the
 *     journal with the lines written after P (temp + fsync + rename). Until that rename the old journal is still there, and replaying it over
 *     the new snapshot is harmless because every line is an idempotent "set" applied in order.
 *     Appends keep flowing while the snapshot is written; they pause only for the journal swap.
 * Only one process may write a state file: callers hold `acquireLock` (lock.ts) around `openState`.
 */
import { mkdir, rename, truncate, unlink, writeFile, open as openFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "../errors.js";
import type { Clock } from "../platform/clock.js";
import {
  applyRecord,
  encodeRecord,
  modelFromSnapshot,
  parseJournal,
  type JournalRecord,
  type LeadPatch,
  type StateModel,
} from "./journal-records.js";
import { JournalWriter, openJournalFile, type OpenJournalFile } from "./journal-writer.js";
import { deriveCounters, fsyncPath, readOptional, readSnapshotFile, recoveryHint, writeSnapshotFile } from "./snapshot.js";
import { assertLegalTransition } from "./transitions.js";
import type { Fingerprint, LeadState, StateMeta, StateSnapshot, StepRecord } from "./types.js";

export interface StateStore {
  /** Live; `meta.fingerprint` is the one recorded by the previous run until the caller patches it. */
  readonly meta: StateMeta;
  /** Live objects: read them, never mutate them (changes must go through the journal). */
  lead(id: string): LeadState | undefined;
  leads(): IterableIterator<LeadState>;
  readonly leadCount: number;
  /** Resolves once on disk: fdatasync'd for status "sending" (when fsyncSending), written for the rest. */
  setStep(leadId: string, stepId: string, record: StepRecord): Promise<void>;
  patchLead(leadId: string, patch: LeadPatch): Promise<void>;
  patchMeta(patch: Partial<StateMeta>): Promise<void>;
  compact(): Promise<void>;
  /** Compacts and closes the journal. */
  close(): Promise<void>;
  /** Lines in the journal since the last compaction. */
  readonly journalEntries: number;
}

export interface OpenStateOptions {
  file: string;
  campaign: string;
  /** Recorded for a new state file; an existing file keeps its own until the caller patches meta. */
  fingerprint: Fingerprint;
  clock: Clock;
  /** fdatasync before a `sending` record counts as written. Default true; off only for benchmarks/tests. */
  fsyncSending?: boolean;
  /** Compact after this many journal entries. Default: 5,000 or twice the number of leads, whichever is more (replay stays linear in the campaign's size). */
  compactEvery?: number;
  /** Non-fatal findings (a torn last journal line). Default: ignored. */
  onWarning?: (message: string) => void;
  /** Test seam: how the journal file is opened. Default: a FileHandle in append mode. */
  openJournal?: OpenJournalFile;
}

export async function openState(opts: OpenStateOptions): Promise<StateStore> {
  const journalPath = `${opts.file}.journal`;
  const loaded = await loadModel(opts.file, opts.onWarning);
  let model: StateModel;
  if (loaded) {
    model = loaded.model;
    if (model.meta.campaign !== opts.campaign) {
      throw new UserError(`state file ${opts.file} belongs to campaign "${model.meta.campaign}", not "${opts.campaign}"`, {
        hint: "give this campaign its own state file (the `state:` key in campaign.yaml); one state file per campaign",
      });
    }
    // Drop a torn tail (or finish a complete last line) before appending, or the next record would
    // be glued to it and turn a harmless torn tail into a corrupt middle line.
    if (loaded.journal && loaded.journal.intactBytes < loaded.journal.size) await truncate(journalPath, loaded.journal.intactBytes);
    if (loaded.journal?.needsNewline) await writeFile(journalPath, "\n", { flag: "a" });
  } else {
    const now = opts.clock.now();
    const meta: StateMeta = { version: 1, campaign: opts.campaign, createdAt: now, updatedAt: now, fingerprint: opts.fingerprint, eventsSeq: null, tagIds: {}, statusIds: {} };
    model = { meta, leads: new Map() };
    await mkdir(dirname(opts.file), { recursive: true });
    await writeSnapshotFile(opts.file, { meta, leads: [], counters: deriveCounters([]) }, { keepBackup: false });
  }
  // A swap or a snapshot write interrupted before its rename.
  await unlink(`${journalPath}.tmp`).catch(() => undefined);
  await unlink(`${opts.file}.tmp`).catch(() => undefined);
  const openJournal = opts.openJournal ?? openJournalFile;
  const writer = new JournalWriter(await openJournal(journalPath), journalPath, opts.fsyncSending ?? true);
  await fsyncPath(dirname(opts.file)); // the journal's directory entry must survive a reboot too
  return new Store(opts, model, writer, openJournal, loaded?.journal?.records ?? 0);
}

/** Read-only view for `outreach status`: snapshot + journal replay, no lock, no writes. */
export async function readStateSnapshot(file: string, opts: { onWarning?: (message: string) => void } = {}): Promise<StateSnapshot | undefined> {
  const loaded = await loadModel(file, opts.onWarning);
  if (!loaded) return undefined;
  const leads = Object.fromEntries(loaded.model.leads);
  return { meta: loaded.model.meta, leads, counters: deriveCounters(loaded.model.leads.values()) };
}

interface Loaded {
  model: StateModel;
  journal?: { size: number; intactBytes: number; needsNewline: boolean; records: number };
}

async function loadModel(file: string, onWarning: ((m: string) => void) | undefined): Promise<Loaded | undefined> {
  const journalPath = `${file}.journal`;
  const snapshot = await readSnapshotFile(file);
  const text = await readOptional(journalPath);
  if (!snapshot) {
    if (text && text.length > 0) {
      throw new UserError(`found the journal ${journalPath} but not the state file ${file}`, { hint: recoveryHint(file) });
    }
    return undefined;
  }
  const model = modelFromSnapshot(snapshot);
  if (!text) return { model };
  const parsed = parseJournal(text, journalPath);
  for (const w of parsed.warnings) onWarning?.(w);
  for (const rec of parsed.records) applyRecord(model, rec);
  return { model, journal: { size: text.length, intactBytes: parsed.intactBytes, needsNewline: parsed.needsNewline, records: parsed.records.length } };
}

class Store implements StateStore {
  /** Entries appended in this process (plus those replayed); the seq of the newest one. */
  private seq: number;
  /** Seq covered by the last snapshot; journalEntries = seq - snapshotSeq. */
  private snapshotSeq = 0;
  private compaction: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly opts: OpenStateOptions,
    private readonly model: StateModel,
    private readonly writer: JournalWriter,
    private readonly openJournal: OpenJournalFile,
    replayed: number,
  ) {
    this.seq = replayed;
  }

  get meta(): StateMeta {
    return this.model.meta;
  }
  get leadCount(): number {
    return this.model.leads.size;
  }
  get journalEntries(): number {
    return this.seq - this.snapshotSeq;
  }
  lead(id: string): LeadState | undefined {
    return this.model.leads.get(id);
  }
  leads(): IterableIterator<LeadState> {
    return this.model.leads.values();
  }

  setStep(leadId: string, stepId: string, record: StepRecord): Promise<void> {
    const prev = this.model.leads.get(leadId)?.steps[stepId];
    // The store cannot know about --retry-failed, so it allows retry edges; it still refuses the
    // double-send edges (sent → anything, sending → sending) whatever the caller believes.
    assertLegalTransition(prev?.status ?? "pending", record.status, { retry: true }, `lead ${leadId}, step ${stepId}`);
    return this.append({ k: "step", l: leadId, s: stepId, r: { ...record }, t: this.opts.clock.now() }, record.status === "sending");
  }

  patchLead(leadId: string, patch: LeadPatch): Promise<void> {
    return this.append({ k: "lead", l: leadId, p: { ...patch }, t: this.opts.clock.now() }, false);
  }

  patchMeta(patch: Partial<StateMeta>): Promise<void> {
    return this.append({ k: "meta", p: { ...patch }, t: this.opts.clock.now() }, false);
  }

  private append(rec: JournalRecord, durable: boolean): Promise<void> {
    if (this.closed) return Promise.reject(new Error("bug: state store used after close()"));
    // Serialise before applying: the line must carry the caller's values even if the caller mutates later.
    const line = encodeRecord(rec);
    applyRecord(this.model, rec);
    const written = this.writer.append(++this.seq, line, durable);
    // Compaction rewrites every lead, so it runs when the journal has grown past the state's own
    // size (and at least 5,000 lines): total rewrite work stays linear in the campaign, instead of
    // one full rewrite every 5,000 lines (quadratic: ~80 rewrites of up to 100k leads per 100k sends).
    const threshold = this.opts.compactEvery ?? Math.max(5000, 2 * this.model.leads.size);
    if (this.journalEntries >= threshold && !this.compaction) {
      // Off the hot path: nobody awaits it; a failure leaves the journal growing and is retried later.
      this.startCompaction().catch((err: unknown) => {
        this.opts.onWarning?.(`state compaction failed, will retry later: ${(err as Error).message}`);
      });
    }
    return written;
  }

  async compact(): Promise<void> {
    // One at a time; an explicit call after a running one still compacts whatever came after it.
    while (this.compaction) await this.compaction.catch(() => undefined);
    await this.startCompaction();
  }

  private startCompaction(): Promise<void> {
    const running: Promise<void> = this.runCompaction().finally(() => {
      if (this.compaction === running) this.compaction = undefined;
    });
    this.compaction = running;
    return running;
  }

  private async runCompaction(): Promise<void> {
    try {
      if (this.journalEntries === 0) return;
      const file = this.opts.file;
      const journalPath = `${file}.journal`;
      // Point P: everything up to `covered` is in the model the snapshot is streamed from. Lines after P
      // that reach the old journal are remembered as the tail.
      const covered = this.seq;
      this.writer.recordTail(covered);
      this.model.meta.updatedAt = Math.max(this.model.meta.updatedAt, this.opts.clock.now());
      const counters = deriveCounters(this.model.leads.values());
      await writeSnapshotFile(file, { meta: this.model.meta, leads: this.model.leads.values(), counters }, { keepBackup: true });
      await this.writer.exclusive(async () => {
        const tail = this.writer.takeTail();
        const tmp = `${journalPath}.tmp`;
        const fh = await openFile(tmp, "w");
        try {
          await fh.writeFile(tail.map((l) => l + "\n").join(""));
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, journalPath);
        await fsyncPath(dirname(file));
        await this.writer.replaceFile(await this.openJournal(journalPath));
      });
      this.snapshotSeq = covered;
    } finally {
      this.writer.takeTail(); // stop recording if we failed before the swap
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.writer.drain();
    await this.compact();
    this.closed = true;
    await this.writer.close();
  }
}
