/**
 * Filesystem faults are the user's to fix, not bugs: a path that is a directory, a folder without
 * write permission, a read-only mount, a full disk, too many open files, a symlink where a state
 * file should be. Each errno gets one plain sentence naming the path, and the fix.
 */
import { dirname } from "node:path";
import { PausedError, UserError } from "../errors.js";

/** errno codes that describe the machine's filesystem, not a bug in outreach. */
const FAULTS: Record<string, (path: string) => { what: string; fix: string }> = {
  EISDIR: (p) => ({ what: `${p} is a directory, not a file`, fix: `move that directory away, or point the setting at a file path` }),
  // Only reaches here from mkdir (exclusive creates are handled where they happen): a file sits where a folder must be.
  EEXIST: (p) => ({ what: `${p} is a file where a folder is needed`, fix: `move that file away, or change the path` }),
  ENOTDIR: (p) => ({ what: `a part of the path ${p} is a file, not a folder`, fix: `fix the path, or move that file away` }),
  EACCES: (p) => ({ what: `permission denied on ${p}`, fix: `give your user read and write access (e.g. chmod u+rwX ${dirname(p)}), or use a folder you own` }),
  EPERM: (p) => ({ what: `the operation is not permitted on ${p}`, fix: `check the file's owner and attributes (ls -l, lsattr), or use a folder you own` }),
  EROFS: (p) => ({ what: `the file system holding ${p} is read-only`, fix: `remount it read-write, or use a folder on a writable disk` }),
  ENOSPC: (p) => ({ what: `no space left on the device holding ${p}`, fix: `free some disk space (df -h ${dirname(p)})` }),
  EDQUOT: (p) => ({ what: `the disk quota is exceeded on the device holding ${p}`, fix: `free some space or ask for a larger quota` }),
  EMFILE: (p) => ({ what: `too many open files in this process while opening ${p}`, fix: `raise the limit (ulimit -n 4096) or close other programs` }),
  ENFILE: (p) => ({ what: `the system has too many open files (while opening ${p})`, fix: `close other programs or raise the system's file limit` }),
  ELOOP: (p) => ({
    what: `${p} is a symbolic link; outreach never follows links for its state, journal, lock or temp files (the link's target would be overwritten)`,
    fix: `replace the link with the real file (mv <target> ${p}), or point the setting at the real path`,
  }),
  ENOTFILE: (p) => ({ what: `${p} is not a regular file (a FIFO, socket or device)`, fix: `move it away, or point the setting at a file path` }),
  EIO: (p) => ({ what: `input/output error on ${p} (the disk may be failing)`, fix: `check the disk (dmesg), copy the state files somewhere safe` }),
  ENAMETOOLONG: (p) => ({ what: `the path ${p} is too long for the file system`, fix: `use a shorter path` }),
};

/** True for an error from the filesystem whose cause is the machine (see FAULTS), not the code. */
export function isFsFault(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && code in FAULTS;
}

/**
 * One sentence for a filesystem fault: `could not <doing> <path>: <what>`, and its fix. The path is
 * the one the system call failed on when it says (a temp file, a folder), else `path`.
 */
export function describeFsFault(err: NodeJS.ErrnoException, path: string, doing: string): { message: string; hint: string } {
  const failedOn = typeof err.path === "string" ? err.path : path;
  const describe = FAULTS[err.code ?? ""] ?? ((p: string) => ({ what: `${err.code ?? "error"} on ${p}`, fix: "fix the file system" }));
  const { what, fix } = describe(failedOn);
  return { message: `could not ${doing} ${path}: ${what}`, hint: fix };
}

/**
 * A filesystem fault before anything was sent → UserError (exit 1); anything else is returned as is
 * for the caller to rethrow (a bug stays a bug). `then` ends the hint (default: run the same command
 * again); `sending` (default true) says the command sends, so the message adds "nothing was sent".
 */
export function fsFaultAsUserError(err: unknown, path: string, doing: string, opts: { then?: string; sending?: boolean } = {}): unknown {
  if (!isFsFault(err)) return err;
  const { message, hint } = describeFsFault(err, path, doing);
  const then = opts.then ?? "then run the same command again";
  return new UserError(`${message}${opts.sending === false ? "" : "; nothing was sent"}`, { hint: `${hint}, ${then}`, cause: err });
}

/**
 * A filesystem fault after sending began → PausedError (exit 2): the state on disk is intact (the
 * journal is the source of truth until a compaction completes) and the same command resumes.
 */
export function fsFaultAsPaused(err: unknown, path: string, doing: string): unknown {
  if (!isFsFault(err)) return err;
  const { message, hint } = describeFsFault(err, path, doing);
  // The fix goes in the message too: a run that pauses reports only the message as its reason.
  return new PausedError(`${message} — ${hint}. Progress up to this point is saved`, {
    hint: `${hint}, then run the same command again to resume; nothing will be sent twice`,
    cause: err,
  });
}
