import { spawn } from "node:child_process";
import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { acquireLock } from "../../../src/state/lock.js";
import { REPO_ROOT } from "../../support/cli.js";
import { T0, tempDir } from "./helpers.js";

/** The pid of a process that has exited (and been reaped), so `kill(pid, 0)` says ESRCH. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  const pid = child.pid;
  if (pid === undefined) throw new Error("spawn failed");
  await new Promise((resolve) => child.on("exit", resolve));
  return pid;
}

const LOCK_JS = join(REPO_ROOT, "dist/src/state/lock.js");
const RACER = join(REPO_ROOT, "test/support/lock-racer.mjs");

/**
 * Racing processes on one stale lock: resolves with each one's answer ("ACQUIRED" or "REFUSED") once
 * all have answered — holders keep the lock until then, so however slowly a racer starts on a busy
 * machine it meets a live holder, never a released lock — then lets the holders release and exit.
 */
async function race(stateFile: string, racers: number, startAt: number): Promise<string[]> {
  const release = `${stateFile}.release-racers`;
  const children = Array.from({ length: racers }, () => spawn(process.execPath, [RACER, pathToFileURL(LOCK_JS).href, stateFile, String(startAt), release]));
  const answers = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve, reject) => {
          let out = "";
          child.stdout.on("data", (d: Buffer) => {
            out += d.toString();
            if (out.includes("\n")) resolve(out.trim());
          });
          child.once("error", reject);
          child.once("exit", (code) => (out.includes("\n") ? undefined : reject(new Error(`racer exited ${code} without an answer`))));
        }),
    ),
  );
  await writeFile(release, "");
  await Promise.all(children.map((child) => (child.exitCode !== null ? undefined : new Promise((r) => child.once("exit", r)))));
  await rm(release);
  return answers;
}

describe("acquireLock", () => {
  it("creates <state>.lock with pid, hostname and start time, and removes it on release", async () => {
    const dir = await tempDir();
    const state = join(dir, "state.json");
    const lock = await acquireLock(state, { now: T0 });
    expect(JSON.parse(await readFile(`${state}.lock`, "utf8"))).toMatchObject({ pid: process.pid, startedAt: T0 });
    expect(lock.tookOverFrom).toBeUndefined();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a second run while the first is alive, naming its pid", async () => {
    const state = join(await tempDir(), "state.json");
    const lock = await acquireLock(state, { now: T0 });
    const err = await acquireLock(state, { now: T0 + 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      `another outreach run (pid ${process.pid}, started ${new Date(T0).toISOString()}) is using ${state}; wait for it or stop it`,
    );
    await lock.release();
    await (await acquireLock(state, { now: T0 + 2 })).release();
  });

  it("takes over the lock of a dead process on this host and says so", async () => {
    const state = join(await tempDir(), "state.json");
    const pid = await deadPid();
    const old = await acquireLock(state, { pid, now: T0 - 60_000 });
    const lock = await acquireLock(state, { now: T0 });
    expect(lock.tookOverFrom).toEqual({ pid, startedAt: T0 - 60_000 });
    expect(lock.notice).toMatch(new RegExp(`pid ${pid}`));
    expect(JSON.parse(await readFile(`${state}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
    await old.release(); // no longer ours: must not remove the new owner's lock
    expect(JSON.parse(await readFile(`${state}.lock`, "utf8"))).toMatchObject({ pid: process.pid });
    await lock.release();
  });

  // Seen end to end: a crashed run's lock, two runs started together, both "took over" and 86 DMs went
  // out twice. Separate processes (the built lock.js), all released at one instant onto the same stale
  // lock; whoever wins holds it until every racer has answered.
  it("when several runs take over the same stale lock at once, exactly one gets it", async () => {
    const pid = await deadPid();
    for (let trial = 0; trial < 5; trial++) {
      const dir = await tempDir();
      const state = join(dir, "state.json");
      await writeFile(`${state}.lock`, JSON.stringify({ pid, hostname: hostname(), startedAt: T0 - 60_000 }));
      const outputs = await race(state, 6, Date.now() + 1_000);
      expect(outputs.filter((o) => o === "ACQUIRED"), `trial ${trial}: ${outputs.join(" ")}`).toHaveLength(1);
      // No takeover claim is left behind.
      expect(await readdir(dir)).toEqual([]);
    }
  }, 60_000);

  it("refuses a lock held on another host, with a hint to delete it", async () => {
    const state = join(await tempDir(), "state.json");
    const other = await acquireLock(state, { hostname: "build-box", pid: 1, now: T0 });
    const err = await acquireLock(state, { now: T0 }).catch((e: unknown) => e);
    expect((err as UserError).message).toMatch(/host "build-box"/);
    expect((err as UserError).details.hint).toContain(`delete ${state}.lock`);
    await other.release();
  });

  it("treats an unreadable lock as stale, with a notice", async () => {
    const state = join(await tempDir(), "state.json");
    await writeFile(`${state}.lock`, "");
    const lock = await acquireLock(state, { now: T0 });
    expect(lock.tookOverFrom).toBeUndefined();
    expect(lock.notice).toMatch(/unreadable lock/);
    await lock.release();
  });
});
