/**
 * The lock file's content (`<state>.lock`: the pid, host and start of the run that holds it), read
 * without taking it: lock.ts takes and releases it; `outreach status` asks who holds it. No
 * node:crypto here (lock.ts needs it for takeovers; status starts without it).
 */
import { readNoFollowSync } from "../files/private-files.js";

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: number;
}

/** The lock file's content, or undefined when it is not one. */
export function parseLock(raw: string): LockInfo | undefined {
  try {
    const v = JSON.parse(raw) as Partial<LockInfo>;
    if (Number.isInteger(v.pid) && typeof v.hostname === "string" && typeof v.startedAt === "number") return v as LockInfo;
  } catch {
    // fall through: unreadable
  }
  return undefined;
}

/** Signal 0 checks existence only. EPERM means it exists but belongs to another user: alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * The run holding the lock of `stateFile` now: one on this host whose process is alive, or one on
 * another host (whose liveness cannot be checked from here); undefined when there is none, or the lock
 * is stale or unreadable.
 */
export function lockHolder(stateFile: string, hostname: string): LockInfo | undefined {
  let raw: Buffer | undefined;
  try {
    raw = readNoFollowSync(`${stateFile}.lock`);
  } catch {
    return undefined;
  }
  const held = raw && parseLock(raw.toString("utf8"));
  if (!held) return undefined;
  return held.hostname !== hostname || isAlive(held.pid) ? held : undefined;
}
