/**
 * Opening the user's input files (campaign, CSV, suppression list) so that something other than a
 * regular file in their place is said, never waited on: a FIFO blocks a read for as long as nobody
 * writes to it (a tester's `status` and `run` hung on one). The file is opened non-blocking and looked
 * at before anything is read. Symlinks are followed: these are the user's files, not ours.
 */
import { constants } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { notAFile } from "./private-files.js";

/**
 * `file` opened for reading, once it is known to be a regular file (the caller closes it).
 * @throws ENOENT and the other errors of open(2); EISDIR for a directory; ENOTFILE (private-files.ts
 *   notAFile) for a FIFO, socket or device.
 */
export async function openRegular(file: string): Promise<FileHandle> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    // As readFile says it (no path: the caller names the file as the user wrote it).
    if (st.isDirectory()) throw Object.assign(new Error("EISDIR: illegal operation on a directory, read"), { code: "EISDIR", syscall: "read" });
    if (!st.isFile()) throw notAFile(file);
    return fh;
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** The text (UTF-8) of the regular file `file`. @throws as openRegular, and read errors. */
export async function readRegularText(file: string): Promise<string> {
  const fh = await openRegular(file);
  try {
    return await fh.readFile("utf8");
  } finally {
    await fh.close();
  }
}
