/**
 * Each measurement runs in its own Node process so its peak RSS (a high-water mark per process) is
 * its own: `runPhase` spawns a compiled script under test/bench with an IPC channel and waits for the
 * one result it sends; the script calls `sendResult`, which adds the process's own peak RSS and CPU time.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface PhaseResult {
  /** process.resourceUsage().maxRSS of the phase's process, in KB. */
  maxRssKb: number;
  /** CPU time (user + system, every thread) of the phase's process from its start, in ms. */
  cpuMs: number;
  [key: string]: unknown;
}

export interface PhaseRun<T extends PhaseResult> {
  result: T;
  /** Spawn to exit, including Node start-up and module loading. */
  wallMs: number;
}

/** `script` is relative to dist/test/bench/ (e.g. "phases/dry-run-cli.js"). */
export function runPhase<T extends PhaseResult>(script: string, args: unknown, opts: { execArgv?: string[]; quiet?: boolean } = {}): Promise<PhaseRun<T>> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const started = performance.now();
  const child = fork(path, [JSON.stringify(args)], {
    execArgv: ["--expose-gc", ...(opts.execArgv ?? [])],
    // The phase's own stdout (e.g. the CLI's summary) is not part of the report; stderr is kept for failures.
    stdio: ["ignore", opts.quiet === false ? "inherit" : "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  let result: T | undefined;
  child.on("message", (m) => {
    result = m as T;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const wallMs = performance.now() - started;
      if (result !== undefined && code === 0) resolve({ result, wallMs });
      else reject(new Error(`${script} exited with ${signal ?? code}${result === undefined ? " without a result" : ""}\n${stderr}`));
    });
  });
}

/** Reads the phase's JSON argument (argv[2]). */
export function phaseArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error("phase started without its JSON argument; run it through runPhase()");
  return JSON.parse(raw) as T;
}

/**
 * Sends the result (plus this process's peak RSS) to the parent, then closes the IPC channel (an open
 * channel would keep the process alive).
 */
export function sendResult(result: Record<string, unknown>): Promise<void> {
  const cpu = process.cpuUsage();
  const full: PhaseResult = { ...result, maxRssKb: process.resourceUsage().maxRSS, cpuMs: (cpu.user + cpu.system) / 1000 };
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error("phase started without an IPC channel; run it through runPhase()"));
    process.send(full, undefined, {}, (err: Error | null) => {
      if (err) return reject(err);
      process.disconnect();
      resolve();
    });
  });
}
