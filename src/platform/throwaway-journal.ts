/**
 * The rehearsal's state journal. A rehearsal's state is a temp file deleted when it ends, so nothing
 * ever replays this journal after a crash; still, it is written in full, in order, to the same 0600
 * file the store names — only gathered in memory and appended with one synchronous write(2) per
 * FLUSH_BYTES (and at compaction and close). The default writer's one asynchronous write per batch left
 * the process idle on a thread-pool round trip after every send: a third of a rehearsal's wall time.
 */
import { writeSync } from "node:fs";
import { openPrivateAppend } from "../files/private-files.js";
import type { OpenJournalFile } from "../state/journal-writer.js";

/** 64 KiB: a few hundred journal lines per write(2). */
const FLUSH_BYTES = 65_536;

/**
 * Opens `path` like the store's own journal (append, 0600, no symlink). `write` resolves once the data
 * is buffered; `datasync` and `close` write out what is buffered (no fdatasync: the file is throwaway).
 * @throws the filesystem's errors (from open, or from the write that flushes), as they are.
 */
export const openThrowawayJournal: OpenJournalFile = async (path) => {
  const fh = await openPrivateAppend(path);
  let chunks: Buffer[] = [];
  let buffered = 0;
  const flush = (): void => {
    if (buffered === 0) return;
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
    chunks = [];
    buffered = 0;
    for (let off = 0; off < data.length; ) off += writeSync(fh.fd, data, off, data.length - off);
  };
  return {
    write: async (data) => {
      chunks.push(data);
      buffered += data.length;
      if (buffered >= FLUSH_BYTES) flush();
    },
    datasync: async () => flush(),
    close: async () => {
      try {
        flush();
      } finally {
        await fh.close();
      }
    },
  };
};
