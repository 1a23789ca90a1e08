/**
 * One writer per state file. Two runs appending to the same journal would each believe a lead is
 * pending and both message it; the lock file `<stateFile>.lock` ({pid, hostname, startedAt}) prevents it.
 */
import { link, unlink } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { UserError } from "../errors.js";
import { createPrivateFile, readNoFollow } from "../files/private-files.js";

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: number;
}

export interface HeldLock {
  release(): Promise<void>;
  /** Set when a stale lock of a dead process on this host was taken over (the CLI says so). */
  tookOverFrom?: { pid: number; startedAt: number };
  /** A sentence for the user when a lock was taken over (stale or unreadable). */
  notice?: string;
}

/**
 * Takes `<stateFile>.lock`. A lock of a live process (same host) or of another host → UserError.
 * A lock of a dead process on this host, or an unreadable one, is stale and is taken over.
 * Limit: a recycled pid looks alive — the user then deletes the lock file, as the message says.
 */
export async function acquireLock(stateFile: string, info: { pid?: number; hostname?: string; now: number }): Promise<HeldLock> {
  const lockPath = `${stateFile}.lock`;
  const mine: LockInfo = { pid: info.pid ?? process.pid, hostname: info.hostname ?? osHostname(), startedAt: info.now };
  const content = JSON.stringify(mine);
  let takeover: Pick<HeldLock, "tookOverFrom" | "notice"> = {};
  // A few rounds: another process may take over the same stale lock between our read and our create.
  for (let round = 0; round < 3; round++) {
    if (await createExclusive(lockPath, content)) {
      return { ...takeover, release: () => releaseIfOurs(lockPath, content) };
    }
    // A symlink at the lock path is refused (ELOOP), never read through. Gone meanwhile: try again.
    const raw = (await readNoFollow(lockPath))?.toString("utf8");
    if (raw === undefined) continue;
    const held = parseLock(raw);
    if (!held) {
      takeover = { notice: `removed an unreadable lock file ${lockPath} (left by an interrupted run)` };
    } else if (held.hostname !== mine.hostname) {
      throw new UserError(`the state file ${stateFile} is locked by an outreach run on host "${held.hostname}" (pid ${held.pid}, started ${iso(held.startedAt)})`, {
        hint: `its liveness cannot be checked from here; wait for it to finish, or delete ${lockPath} if you are sure it is not running`,
      });
    } else if (isAlive(held.pid)) {
      throw new UserError(`another outreach run (pid ${held.pid}, started ${iso(held.startedAt)}) is using ${stateFile}; wait for it or stop it`, {
        hint: `if no such run exists (the pid was reused), delete ${lockPath}`,
      });
    } else {
      takeover = {
        tookOverFrom: { pid: held.pid, startedAt: held.startedAt },
        notice: `took over the lock of an earlier run that ended without releasing it (pid ${held.pid}, started ${iso(held.startedAt)})`,
      };
    }
    // Remove the stale lock only if it is still the one we judged; a fresh lock of a racing run stays.
    const again = (await readNoFollow(lockPath).catch(() => undefined))?.toString("utf8");
    if (again === raw) await unlink(lockPath).catch(() => undefined);
  }
  throw new UserError(`could not take the lock ${lockPath}: another run keeps taking it`, { hint: "stop the other outreach run, then try again" });
}

/**
 * Creates the lock with its full content atomically: write a private temp file, then link(2) it to
 * the lock path, which fails with EEXIST like open(…, "wx") does. Unlike "wx" + write, no other run can
 * ever read an empty lock and mistake it for an unreadable, stale one.
 */
async function createExclusive(lockPath: string, content: string): Promise<boolean> {
  const tmp = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    // Inside the try: a full disk can fail the write after the file was created; it is removed below.
    await createPrivateFile(tmp, content, { sync: false });
    await link(tmp, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS") throw err;
    // A filesystem without hard links: fall back to "wx" (the brief window of an empty lock remains).
    return createPrivateFile(lockPath, content, { sync: false }).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === "EEXIST") return false;
        throw e;
      },
    );
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

async function releaseIfOurs(lockPath: string, content: string): Promise<void> {
  const now = (await readNoFollow(lockPath).catch(() => undefined))?.toString("utf8");
  if (now === content) await unlink(lockPath).catch(() => undefined);
}

function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (Number.isInteger(v.pid) && typeof v.hostname === "string" && typeof v.startedAt === "number") return v as LockInfo;
  } catch {
    // fall through: unreadable
  }
  return undefined;
}

/** Signal 0 checks existence only. EPERM means it exists but belongs to another user: alive. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
