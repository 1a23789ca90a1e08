/**
 * The dry run's output in ~64 KB byte chunks (dry-run-worker.ts): lines encoded straight into reusable
 * chunks, handed to a sink that says when to wait and when a chunk may be reused.
 */

/**
 * Takes a chunk of output; calls `release` once its bytes are no longer needed (the chunk is then
 * reused). Returns a promise when the caller should wait before producing more (backpressure).
 */
export type ChunkSink = (chunk: Buffer, release: () => void) => Promise<void> | undefined;

/** Bytes per output chunk: one write (or one message to the main thread) per chunk. */
export const CHUNK_BYTES = 65_536;

/**
 * Collects output lines into ~64 KB chunks: one write per chunk instead of one per line (3,000,000
 * lines for a 1M-lead preview). Each line is encoded straight into the chunk's bytes with
 * `buf.write`: building a 64 KB string and encoding it at the end (`Buffer.from`) cost 4–5× as much
 * CPU — the largest single cost of a 100k-lead dry run (rope flattening plus the UTF-8 encoder's
 * slow path for long two-byte strings; "—" in a template makes the whole text two-byte). `write`
 * returns a promise when a chunk went out and the sink asks to wait, so the caller pauses reading.
 */
export class BatchedWriter {
  /** Chunks the sink has released: two or three in turn, so a long preview makes no garbage here. */
  private readonly free: Buffer[] = [];
  private chunk: Buffer;
  private used = 0;

  constructor(
    private readonly sink: ChunkSink,
    private readonly allocate: () => Buffer,
  ) {
    this.chunk = allocate();
  }

  write(text: string): Promise<void> | undefined {
    // 3 bytes per UTF-16 unit at most (a surrogate pair is 2 units, 4 bytes): flush first if it might not fit.
    const wait = this.used + text.length * 3 > this.chunk.length ? this.flush() : undefined;
    if (text.length * 3 > this.chunk.length) {
      // A line longer than a chunk goes alone, in a buffer of its own (transferred, not reused).
      const alone = Buffer.allocUnsafeSlow(Buffer.byteLength(text, "utf8"));
      alone.write(text, 0);
      return this.sink(alone, () => undefined) ?? wait;
    }
    this.used += this.chunk.write(text, this.used);
    return wait;
  }

  flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const whole = this.chunk;
    const full = whole.subarray(0, this.used);
    // The sink keeps this chunk until it releases it; meanwhile lines go into a free (or new) one.
    this.chunk = this.free.pop() ?? this.allocate();
    this.used = 0;
    return this.sink(full, () => this.free.push(whole));
  }
}
