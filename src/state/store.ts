/**
 * The campaign state store: a lowdb JSON snapshot at `file` plus an append-only journal at
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
 *  6. Compaction: from point P, stream the in-memory state into the snapshot via lowdb (a lead a
 *     line, temp + rename; snapshot.ts), fsync it and the directory, THEN replace the journal with the
 *     lines written after P (temp + fsync + rename). Until that rename the old journal is still there,
 *     and replaying it over the new snapshot is harmless because every line is an idempotent "set"
 *     applied in order. Appends keep flowing while the snapshot is written, so a lead may be written
 *     with values newer than P: still harmless, since every line after P is replayed over it, in
 *     order, and ends at the newest value (a value newer than its journal line is what the old
 *     journal's own replay reaches too). Appends pause only for the journal swap.
 *  7. The journal is bound to its snapshot: its first line names the state id and the generation
 *     (compactions so far) that the snapshot records. Step 6 writes snapshot gen n+1 before the journal
 *     headed n+1, so a crash leaves equal generations or a journal one behind (replayed, per 6). A
 *     missing, replaced, foreign or out-of-order journal would forget sends, so it is refused
 *     (journal-header.ts, load.ts) — never silently ignored or merged.
 *  8. Every file is created 0600 (its folder 0700) and opened with O_NOFOLLOW (files/private-files.ts).
 * Only one process may write a state file: callers hold `acquireLock` (lock.ts) around `openState`.
 */
import { rename } from "node:fs/promises";
import { dirname } from "node:path";
import { UserError } from "../errors.js";
import { createPrivateFile, ensurePrivateDir, fsyncPath, replacePrivateFile, unlinkIfPresent } from "../files/private-files.js";
import type { Clock } from "../platform/clock.js";
import {
  applyRecord,
  encodeRecord,
  type JournalRecord,
  type LeadPatch,
  type StateModel,
} from "./journal-records.js";
import { PackedLeads } from "./lead-map.js";
import { JournalWriter, openJournalFile, type JournalFile, type OpenJournalFile } from "./journal-writer.js";
import { encodeHeader } from "./journal-header.js";
import { atGeneration, loadModel, prepareJournal } from "./load.js";
import { newStateId, writeSnapshotFile } from "./snapshot.js";
import { assertLegalTransition } from "./transitions.js";
import type { Fingerprint, LeadState, StateMeta, StepRecord } from "./types.js";

export interface StateStore {
  /** Live; `meta.fingerprint` is the one recorded by the previous run until the caller patches it. */
  readonly meta: StateMeta;
  /**
   * Live objects: read them, never mutate them (changes must go through the journal). The same
   * objects while anyone holds them; an idle lead is kept packed and decoded again (lead-map.ts).
   */
  lead(id: string): LeadState | undefined;
  /** Every lead, for one reading pass: an idle lead comes as a copy; to keep one or change it, use `lead(id)`. */
  leads(): IterableIterator<LeadState>;
  readonly leadCount: number;
  /** Resolves once on disk: fdatasync'd for status "sending" (when fsyncSending), written for the rest. */
  setStep(leadId: string, stepId: string, record: StepRecord): Promise<void>;
  patchLead(leadId: string, patch: LeadPatch): Promise<void>;
  patchMeta(patch: Partial<StateMeta>): Promise<void>;
  compact(): Promise<void>;
  /**
   * Waits for every write, compacts (unless `compact: false`) and closes the journal. Without the
   * compaction nothing is lost: the journal holds every record since the last one, replayed at the
   * next open — how a stopped run ends at once (100,000 leads: the compaction is ~0.9 s; 1,000,000: ~9 s).
   */
  close(opts?: { compact?: boolean }): Promise<void>;
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
  /** Continue although the journal does not belong to the state file (`--repair-state`, load.ts). Default false. */
  repair?: boolean;
}

/**
 * Opens (or creates) the state at `opts.file` and its journal, checked to belong together.
 * @throws UserError for a damaged, foreign or mismatched pair (journal-header.ts) or another
 *   campaign's state; the filesystem's own errors (ELOOP for a symlink, EACCES, ENOSPC, …) as they are,
 *   for the caller to word (files/fs-faults.ts). Nothing is created when the check fails.
 */
export async function openState(opts: OpenStateOptions): Promise<StateStore> {
  const journalPath = `${opts.file}.journal`;
  const loaded = await loadModel(opts.file, { onWarning: opts.onWarning, repair: opts.repair });
  const now = opts.clock.now();
  let model: StateModel;
  let generation: number;
  if (loaded) {
    model = loaded.model;
    if (model.meta.campaign !== opts.campaign) {
      throw new UserError(`state file ${opts.file} belongs to campaign "${model.meta.campaign}", not "${opts.campaign}"`, {
        hint: "give this campaign its own state file (the `state:` key in campaign.yaml); one state file per campaign",
      });
    }
    generation = await prepareJournal(opts.file, loaded, now, (m) => opts.onWarning?.(m));
    // Loaded as objects; kept packed while idle from here on (lead-map.ts).
    if (model.leads instanceof Map) model.leads = PackedLeads.from(model.leads);
  } else {
    const meta: StateMeta = {
      version: 3, campaign: opts.campaign, stateId: newStateId(), generation: 0,
      createdAt: now, updatedAt: now, fingerprint: opts.fingerprint, eventsSeq: null, tagIds: {}, statusIds: {},
    };
    model = { meta, leads: new PackedLeads() };
    generation = 0;
    await ensurePrivateDir(dirname(opts.file));
    // Journal first: a crash before the snapshot leaves a header-only journal, which reads as "no state yet".
    await replacePrivateFile(journalPath, encodeHeader({ state: meta.stateId, campaign: meta.campaign, gen: 0, t: now }) + "\n");
    await writeSnapshotFile(opts.file, model, { keepBackup: false }).catch(async (err: unknown) => {
      await unlinkIfPresent(journalPath).catch(() => undefined); // a full disk leaves nothing behind
      throw err;
    });
  }
  await unlinkIfPresent(`${journalPath}.tmp`); // a swap interrupted before its rename
  const openJournal = opts.openJournal ?? openJournalFile;
  const writer = new JournalWriter(await openJournal(journalPath), journalPath, opts.fsyncSending ?? true);
  await fsyncPath(dirname(opts.file)); // the journal's directory entry must survive a reboot too
  return new Store(opts, model, writer, openJournal, loaded?.journal.lines.length ?? 0, generation);
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
    /** The generation in the header of the journal file being appended to. */
    private generation: number,
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
      // Point P: everything up to `covered` is in the model the snapshot is streamed from (leads may
      // also carry later values, see 6.). Lines after P that reach the old journal are remembered as the tail.
      const covered = this.seq;
      this.writer.recordTail(covered);
      this.model.meta.updatedAt = Math.max(this.model.meta.updatedAt, this.opts.clock.now());
      // Snapshot gen n+1 first, then the journal headed n+1: a crash between the two leaves the
      // gen-n journal, which load.ts accepts and replays (journal-header.ts).
      const next = this.generation + 1;
      await writeSnapshotFile(file, atGeneration(this.model, next), { keepBackup: true });
      await this.writer.exclusive(async () => {
        const tail = this.writer.takeTail();
        const meta = this.model.meta;
        const header = encodeHeader({ state: meta.stateId, campaign: meta.campaign, gen: next, t: this.opts.clock.now() });
        // The new journal is opened for appending BEFORE it is renamed into place: if that open fails
        // (EMFILE), the old journal stays, with the handle appends go to; after the rename, the handle
        // already points at the new file, so no append can land in the replaced one.
        const tmp = `${journalPath}.tmp`;
        await unlinkIfPresent(tmp);
        let handle: JournalFile | undefined;
        try {
          await createPrivateFile(tmp, [header, ...tail].map((l) => l + "\n").join(""), { sync: true });
          handle = await this.openJournal(tmp);
          await rename(tmp, journalPath);
        } catch (err) {
          await handle?.close().catch(() => undefined);
          await unlinkIfPresent(tmp).catch(() => undefined);
          throw err;
        }
        this.generation = next;
        meta.generation = next;
        await this.writer.replaceFile(handle);
        await fsyncPath(dirname(file));
      });
      this.snapshotSeq = covered;
    } finally {
      this.writer.takeTail(); // stop recording if we failed before the swap
    }
  }

  async close(opts: { compact?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    await this.writer.drain();
    if (opts.compact !== false) await this.compact();
    // A compaction already under way finishes (its snapshot and journal swap are one unit).
    else while (this.compaction) await this.compaction.catch(() => undefined);
    this.closed = true;
    await this.writer.close();
  }
}
