/**
 * The journal's single writer: one append queue, group commit.
 *
 * Appends wait in a queue; the writer takes EVERYTHING waiting, writes it with one write(2) and — if
 * any of them needs durability (a `sending` record) — one fdatasync, then resolves them all. While one
 * batch is on its way to the disk the next one accumulates, so with 8 sends in flight a single fsync
 * covers up to 8 records: throughput grows with concurrency instead of being capped at 1/fsync-latency.
 * Records are written in the order they were appended, so a `sent` line can never precede its `sending`.
 */
import { openPrivateAppend } from "../files/private-files.js";
import { PausedError } from "../errors.js";
import { fsFaultAsPaused } from "../files/fs-faults.js";

/** The few file operations the writer needs; injectable so tests can count writes and syncs. */
export interface JournalFile {
  /** Appends the whole buffer (loops over short writes). */
  write(data: Buffer): Promise<void>;
  /** fdatasync(2): the data (and the size needed to read it back) is on the disk. */
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export type OpenJournalFile = (path: string) => Promise<JournalFile>;

/** The real thing: a FileHandle opened once in append mode (O_APPEND: every write lands at the end). */
export const openJournalFile: OpenJournalFile = async (path) => {
  const fh = await openPrivateAppend(path);
  return {
    async write(data) {
      let off = 0;
      while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
    },
    datasync: () => fh.datasync(),
    close: () => fh.close(),
  };
};

interface Pending {
  seq: number;
  line: string;
  durable: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

export class JournalWriter {
  private queue: Pending[] = [];
  private tasks: (() => Promise<void>)[] = [];
  private running = false;
  private idle: (() => void)[] = [];
  /** Set after a failed write: later records would follow a gap, so the journal takes no more. */
  private failure: PausedError | undefined;
  /** While a compaction runs: the lines with seq > tailAfter that went into the current file. */
  private tail: string[] | undefined;
  private tailAfter = 0;

  constructor(
    private file: JournalFile,
    private readonly path: string,
    private readonly fsyncDurable: boolean,
  ) {}

  /** Resolves once the line was written, and also fdatasync'd if `durable` (and fsync is on). */
  append(seq: number, line: string, durable: boolean): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ seq, line, durable, resolve, reject });
      this.kick();
    });
  }

  /** Runs `fn` between two batches, with no write in flight (used to swap the file at compaction). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(() => fn().then(resolve, reject));
      this.kick();
    });
  }

  /** Starts remembering lines with seq > `afterSeq` written from now on (see compaction in store.ts). */
  recordTail(afterSeq: number): void {
    this.tail = [];
    this.tailAfter = afterSeq;
  }

  /** Stops remembering and returns what was recorded. Call inside `exclusive`. */
  takeTail(): string[] {
    const t = this.tail ?? [];
    this.tail = undefined;
    return t;
  }

  /** Replaces the file handle. Call inside `exclusive`; the old one is closed. */
  async replaceFile(next: JournalFile): Promise<void> {
    const old = this.file;
    this.file = next;
    await old.close();
  }

  /** Resolves when nothing is queued or being written. */
  drain(): Promise<void> {
    if (!this.running && this.queue.length === 0 && this.tasks.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    await this.file.close();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    // Start on the next microtask, so every append made in the same synchronous burst joins the first batch.
    queueMicrotask(() => void this.run());
  }

  private async run(): Promise<void> {
    for (;;) {
      const task = this.tasks.shift();
      if (task) {
        await task();
        continue;
      }
      if (this.queue.length === 0) break;
      await this.writeBatch(this.queue.splice(0));
    }
    this.running = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    try {
      if (this.failure) throw this.failure;
      await this.file.write(Buffer.from(batch.map((p) => p.line + "\n").join(""), "utf8"));
      if (this.fsyncDurable && batch.some((p) => p.durable)) await this.file.datasync();
    } catch (err) {
      // Paused, not a user error: earlier sends happened. Resuming is safe — a record that never reached
      // the journal either was a `sending` whose request never left, or a `sent` whose `sending` is on disk
      // and gets reconciled.
      this.failure ??= journalWriteFault(err, this.path);
      for (const p of batch) p.reject(this.failure);
      return;
    }
    if (this.tail) for (const p of batch) if (p.seq > this.tailAfter) this.tail.push(p.line);
    for (const p of batch) p.resolve();
  }
}

/** The pause a failed journal write causes: the fault in plain words when it is the filesystem's. */
function journalWriteFault(err: unknown, path: string): PausedError {
  const fault = fsFaultAsPaused(err, path, "write the state journal");
  if (fault instanceof PausedError) return fault;
  return new PausedError(`could not write the state journal ${path}: ${(err as Error).message}`, {
    hint: "fix the cause, then run the same command again to resume; nothing will be sent twice",
    cause: err,
  });
}
