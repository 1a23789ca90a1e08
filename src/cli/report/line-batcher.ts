/**
 * Output lines gathered and written together. A rehearsal prints a line per send and reply — thousands
 * a second of wall time — and stdout to a pipe or file is a synchronous write(2) per call on Linux, which
 * was ~10% of a 10,000-lead rehearsal's CPU. Lines go out in order, within BATCH_MS of wall time of being
 * written (so a watcher sees progress) or once BATCH_BYTES are waiting; `flush` writes the rest at once.
 */

/** Wall time a line may wait for company (ms): well under what a person reading a log notices. */
const BATCH_MS = 100;
/** Characters gathered before they are written regardless of the timer. */
const BATCH_BYTES = 32_768;

export interface LineSink {
  /** Queues `line` plus a newline. */
  write(line: string): void;
  /** Writes everything queued now. */
  flush(): void;
}

/** Writes each line at once: the interactive case, where nothing may lag. */
export function directLines(out: NodeJS.WritableStream): LineSink {
  return { write: (line) => void out.write(`${line}\n`), flush: () => undefined };
}

/** Gathers lines for `out` as described above. The timer is unref'd: it never keeps the process alive. */
export function batchedLines(out: NodeJS.WritableStream): LineSink {
  let pending = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending === "") return;
    const text = pending;
    pending = "";
    out.write(text);
  };
  return {
    write(line) {
      pending += `${line}\n`;
      if (pending.length >= BATCH_BYTES) flush();
      else if (!timer) {
        timer = setTimeout(flush, BATCH_MS);
        timer.unref();
      }
    },
    flush,
  };
}
