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

/**
 * `script` is relative to dist/test/bench/ (e.g. "phases/dry-run-cli.js"). With `silenceMs`, a phase
 * whose stdout stays silent that long is taken for stalled: it is killed (SIGKILL) and the promise
 * rejects with a StalledPhaseError. (Silence, not total time: on a loaded machine a healthy run is
 * slow, while a stalled one stops printing.)
 */
export function runPhase<T extends PhaseResult>(
  script: string,
  args: unknown,
  opts: { execArgv?: string[]; quiet?: boolean; silenceMs?: number } = {},
): Promise<PhaseRun<T>> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const started = performance.now();
  const child = fork(path, [JSON.stringify(args)], {
    execArgv: ["--expose-gc", ...(opts.execArgv ?? [])],
    // The phase's own stdout (e.g. the CLI's summary) is not part of the report; stderr is kept for failures.
    stdio: ["ignore", opts.quiet === false ? "inherit" : opts.silenceMs !== undefined ? "pipe" : "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-8000);
  });
  let result: T | undefined;
  child.on("message", (m) => {
    result = m as T;
  });
  let stalled = false;
  let timer: NodeJS.Timeout | undefined;
  if (opts.silenceMs !== undefined) {
    const silenceMs = opts.silenceMs;
    const watch = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        child.kill("SIGKILL");
      }, silenceMs);
    };
    child.stdout?.on("data", watch);
    watch();
  }
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      if (stalled) return reject(new StalledPhaseError(script, wallMs));
      if (result !== undefined && code === 0) resolve({ result, wallMs });
      else reject(new Error(`${script} exited with ${signal ?? code}${result === undefined ? " without a result" : ""}\n${stderr}`));
    });
  });
}

/** A phase whose output went silent for its `silenceMs` (a run that stopped making progress). */
export class StalledPhaseError extends Error {
  override readonly name = "StalledPhaseError";
  constructor(
    readonly script: string,
    readonly wallMs: number,
  ) {
    super(`${script} stopped printing and was killed after ${(wallMs / 1000).toFixed(0)} s`);
  }
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
