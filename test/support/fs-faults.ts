/**
 * Real filesystem faults for end-to-end tests: a tiny tmpfs (ENOSPC), a read-only tmpfs (EROFS) and
 * a child run as `nobody` (EACCES; root bypasses mode bits). Each needs root, and mount(8) or
 * setpriv(1); where the machine does not allow them the tests that need them are skipped (the
 * fault's wording is also unit-tested with injected errors).
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

/** uid/gid of `nobody` on Debian. */
export const NOBODY = 65534;

const isRoot = process.getuid?.() === 0;

/** Whether this process may mount a tmpfs (root, mount(8), a kernel that allows it here). */
export const canMount: boolean = (() => {
  if (!isRoot) return false;
  const probe = mkdtempSync(join(tmpdir(), "outreach-mount-probe-"));
  try {
    const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status === 0;
    if (ok) spawnSync("umount", [probe]);
    return ok;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** Whether a child can be run as `nobody` (root and setpriv(1)). */
export const canSwitchUser: boolean = isRoot && spawnSync("setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "true"]).status === 0;

const mounted: string[] = [];

/**
 * Registers the unmounting of every tmpfs mounted in a test. Call it AFTER registering the hook that
 * deletes the folders (useSandboxCampaign): after-hooks run last-registered first.
 */
export function useTmpfsMounts(): void {
  afterEach(() => {
    // Lazy: a child killed a moment ago may still hold a file open.
    for (const dir of mounted.splice(0).reverse()) spawnSync("umount", ["-l", dir]);
  });
}

/** Mounts a fresh tmpfs of `sizeKb` KiB at `dir` (created if missing); see useTmpfsMounts. */
export function mountTmpfs(dir: string, opts: { sizeKb: number; readOnly?: boolean }): void {
  mkdirSync(dir, { recursive: true });
  const options = [`size=${opts.sizeKb}k`, "mode=0755", ...(opts.readOnly ? ["ro"] : [])].join(",");
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mount tmpfs at ${dir}: ${r.stderr}`);
  mounted.push(dir);
}

/** Writes `file` until the device is full (ENOSPC); returns the bytes written. */
export function fillDisk(file: string): number {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(4096, 1);
  let total = 0;
  try {
    for (;;) total += writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
  return total;
}
