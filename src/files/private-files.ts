/**
 * Owner-only files that never follow a symbolic link. The state, its journal, lock and temp files
 * hold prospects' ids and reply texts, so they are created 0600 (their folder 0700) whatever the
 * umask — open(2)'s mode is masked by the umask, so the mode is set again with fchmod after creating.
 * A symlink at one of those paths is refused (O_NOFOLLOW → ELOOP), never written through: a link to
 * another file would have its target truncated and appended to.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { chmod, mkdir, open, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";

/** rw for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** rwx for the owner only. */
export const PRIVATE_DIR_MODE = 0o700;

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_APPEND, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * Creates `dir` and any missing parents, each new one 0700. Folders that already exist keep their
 * mode: they are the user's (a campaign folder, a home directory).
 * @throws the mkdir/chmod error (EACCES, EROFS, ENOTDIR, …) for the caller to describe.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await makeDirs(dir, PRIVATE_DIR_MODE);
  if (first === undefined) return;
  // mkdir reports the topmost folder it created; tighten it and every one below it down to `dir`.
  let current = first;
  await chmod(current, PRIVATE_DIR_MODE);
  for (const part of relative(first, dir).split(sep).filter(Boolean)) {
    current = join(current, part);
    await chmod(current, PRIVATE_DIR_MODE);
  }
}

/**
 * `mkdir -p`: creates `dir` and its missing parents (each with `mode`, masked by the umask) and returns
 * the topmost folder it created, or undefined when `dir` already existed — what `mkdir(dir, {recursive})`
 * promises, without its loop: Node 20's recursive mkdir retries for ever where a parent exists but
 * refuses children with ENOENT (`outreach init /proc/x` spun a core, seen with libuv 1.46). Here each
 * level is tried once, top down, from the deepest folder that exists.
 * @throws the mkdir error (ENOENT where a folder cannot hold children, EACCES, EROFS, ENOTDIR, …).
 */
export async function makeDirs(dir: string, mode = 0o777): Promise<string | undefined> {
  const target = resolve(dir);
  const missing: string[] = []; // deepest first
  for (let current = target; ; current = dirname(current)) {
    try {
      await mkdir(current, { mode });
      await createBelow(missing, mode);
      return current;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") {
        if (current !== target) return createBelow(missing, mode);
        if (!(await stat(current)).isDirectory()) throw err;
        return undefined;
      }
      if (code !== "ENOENT" || dirname(current) === current) throw err;
      missing.push(current);
    }
  }
}

/** Creates `missing` (deepest first) top down; returns the topmost one this call created. */
async function createBelow(missing: string[], mode: number): Promise<string | undefined> {
  let first: string | undefined;
  for (const folder of [...missing].reverse()) {
    try {
      // ENOENT here, with the parent in place, means the parent cannot hold folders (/proc, /sys): thrown as is.
      await mkdir(folder, { mode });
      first ??= folder;
    } catch (err) {
      // Made meanwhile by someone else (another run): theirs, so not ours to chmod.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return first;
}

/**
 * Opens `path` for appending, creating it 0600 if missing. Never follows a symlink (ELOOP) unless
 * `followLinks` (for a user's own list that may be shared through a link, like the suppression file).
 * @throws the open error (ELOOP for a symlink, EISDIR, EACCES, …).
 */
export async function openPrivateAppend(path: string, opts: { followLinks?: boolean } = {}): Promise<FileHandle> {
  const noFollow = opts.followLinks ? 0 : O_NOFOLLOW;
  try {
    const fh = await open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | noFollow, PRIVATE_FILE_MODE);
    await fh.chmod(PRIVATE_FILE_MODE);
    return fh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return open(path, O_WRONLY | O_APPEND | noFollow);
}

async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  for (let off = 0; off < data.length; ) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

/**
 * `path` opened for reading, or undefined when there is none; the caller closes it. Refuses a symlink
 * (ELOOP), and anything but a regular file or a directory (ENOTFILE: a FIFO would block the read for
 * good; opened non-blocking, it is found before anything is read). A directory is left for the read
 * to refuse (EISDIR), as before.
 */
export async function openToRead(path: string): Promise<FileHandle | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const st = await fh.stat().catch(async (err: unknown) => {
    await fh.close();
    throw err;
  });
  if (!st.isFile() && !st.isDirectory()) {
    await fh.close();
    throw notAFile(path);
  }
  return fh;
}

/** The error for a path that is not a regular file (a FIFO, a socket, a device): code ENOTFILE (ours; fs-faults.ts words it). */
export function notAFile(path: string): NodeJS.ErrnoException {
  // With its path, as open(2)'s errors carry theirs: which of the files a read opened it was (a journal, not its state).
  return Object.assign(new Error(`ENOTFILE: not a regular file, open '${path}'`), { code: "ENOTFILE", syscall: "open", path });
}

/**
 * Creates `path` (which must not exist) 0600 with `data`, and fsyncs it. Never follows a symlink.
 * @throws EEXIST when something (even a dangling symlink) is at `path`; other open/write errors.
 */
/** What a private file is written from: all at once, or chunk by chunk (strings are UTF-8; a read stream gives Buffers). */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

export async function createPrivateFile(path: string, data: FileContent, opts: { sync: boolean }): Promise<void> {
  const fh = await open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, PRIVATE_FILE_MODE);
  try {
    await fh.chmod(PRIVATE_FILE_MODE);
    if (typeof data === "string" || data instanceof Uint8Array) await fh.writeFile(data);
    else for await (const chunk of data) await writeAll(fh, typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);
    if (opts.sync) await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The whole file, or undefined when there is none. Refuses a symlink (ELOOP) instead of reading its target. */
export async function readNoFollow(path: string): Promise<Buffer | undefined> {
  const fh = await openToRead(path);
  if (!fh) return undefined;
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * Replaces `path` atomically: a fresh 0600 temp file `<path>.tmp` is written and fsync'd, then renamed
 * over `path` (rename replaces a symlink at `path` itself, never its target). A temp file left by an
 * interrupted write is removed first; on failure the temp file is removed again, so no stray
 * `.tmp` survives a full disk or a read-only folder.
 * @throws the underlying error (ENOSPC, EACCES, EROFS, EISDIR, …).
 */
export async function replacePrivateFile(path: string, data: FileContent): Promise<void> {
  const tmp = `${path}.tmp`;
  await unlinkIfPresent(tmp);
  try {
    await createPrivateFile(tmp, data, { sync: true });
    await rename(tmp, path);
  } catch (err) {
    await unlinkIfPresent(tmp).catch(() => undefined);
    throw err;
  }
}

/** Cuts `path` to `bytes` long (a torn journal tail). Never follows a symlink. */
export async function truncateNoFollow(path: string, bytes: number): Promise<void> {
  const fh = await open(path, O_WRONLY | O_NOFOLLOW);
  try {
    await fh.truncate(bytes);
  } finally {
    await fh.close();
  }
}

/** unlink(2) (which removes a symlink itself, not its target); a missing file is fine. */
export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** fsync a file or a directory (a directory fsync makes a create/rename in it durable). Never follows a symlink. */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, O_RDONLY | O_NOFOLLOW);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The bytes of the regular file `file`, never through a symlink (ELOOP); undefined when there is none,
 * or something else is there (opened non-blocking: a FIFO in its place would block the read for good).
 */
export function readNoFollowSync(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd) : undefined;
  } finally {
    closeSync(fd);
  }
}
