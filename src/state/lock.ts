/**
 * One writer per state file. Two runs appending to the same journal would each believe a lead is
 * pending and both message it; the lock file `<stateFile>.lock` ({pid, hostname, startedAt}) prevents it.
 */
import { createHash } from "node:crypto";
import { link, unlink } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import { UserError } from "../errors.js";
import { createPrivateFile, readNoFollow } from "../files/private-files.js";
import { isAlive, parseLock, type LockInfo } from "./lock-file.js";

export type { LockInfo };

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
 *
 * Taking over is the racy part: two runs that both judged the same lock stale must not both remove
 * "it" — the second would remove the first one's fresh lock, and both would send (seen: a crashed
 * cron job and a manual restart, 86 DMs sent twice). So a takeover first claims that stale lock by
 * exclusively creating `<lock>.takeover-<hash of its content>`, and only the claimant, after checking
 * the lock is still the stale one, removes it. A run that loses the claim just tries again.
 */
export async function acquireLock(stateFile: string, info: { pid?: number; hostname?: string; now: number }): Promise<HeldLock> {
  const lockPath = `${stateFile}.lock`;
  const mine: LockInfo = { pid: info.pid ?? process.pid, hostname: info.hostname ?? osHostname(), startedAt: info.now };
  const content = JSON.stringify(mine);
  let takeover: Pick<HeldLock, "tookOverFrom" | "notice"> = {};
  // A few rounds: another process may take over the same stale lock between our read and our create.
  for (let round = 0; round < MAX_ROUNDS; round++) {
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
    await removeStale(lockPath, raw, content);
  }
  throw new UserError(`could not take the lock ${lockPath}: another run keeps taking it`, { hint: "stop the other outreach run, then try again" });
}

/** Rounds of create → judge → take over before giving up; a lost takeover claim waits TAKEOVER_WAIT_MS. */
const MAX_ROUNDS = 20;
const TAKEOVER_WAIT_MS = 25;

/**
 * Removes the stale lock whose content is `raw`, if this run wins the claim on it (see acquireLock);
 * otherwise waits briefly, so the claimant can put its own lock in place before the next round.
 */
async function removeStale(lockPath: string, raw: string, content: string): Promise<void> {
  const claim = `${lockPath}.takeover-${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
  if (!(await createExclusive(claim, content))) {
    await clearAbandonedClaim(claim);
    await new Promise((r) => setTimeout(r, TAKEOVER_WAIT_MS));
    return;
  }
  try {
    // Holding the claim, nobody else may remove this stale lock: if it is still there, it is ours to remove.
    const again = (await readNoFollow(lockPath).catch(() => undefined))?.toString("utf8");
    if (again === raw) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(claim).catch(() => undefined);
  }
}

/**
 * A claim left by a run that died inside its takeover (a few ms long) would block every later run:
 * removed once its run is dead. (Two runs removing the same abandoned claim at the same instant could
 * still both proceed — a crash inside a takeover and a race on top of it.)
 */
async function clearAbandonedClaim(claim: string): Promise<void> {
  const raw = (await readNoFollow(claim).catch(() => undefined))?.toString("utf8");
  const held = raw === undefined ? undefined : parseLock(raw);
  if (raw !== undefined && held && held.hostname === osHostname() && !isAlive(held.pid)) await unlink(claim).catch(() => undefined);
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

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
