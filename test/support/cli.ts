/**
 * The built CLI (`dist/src/cli/bin.js`) as a child process, for end-to-end tests. `npm run build`
 * must have run first (`npm test` does). Children are tracked: call `killAllChildren()` in afterEach
 * so a failed assertion never leaves a run sending in the background.
 *
 * With `--json` the CLI prints one JSON object per line: engine events (src/engine/events.ts) and
 * notes `{type: "note", level, message}`. `CliProcess` parses them as they arrive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { EngineEvent } from "../../src/engine/events.js";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI_BIN = join(REPO_ROOT, "dist/src/cli/bin.js");

/** A line of `--json` output: an engine event or a reporter note. */
export type CliEvent = EngineEvent | { type: "note"; level: "info" | "warn"; message: string };

export interface CliOptions {
  /** Added to a minimal environment (PATH, HOME, TMPDIR only: the developer's INBOX_* never leak in). */
  env?: Record<string, string | undefined>;
  /** Default: the repo root. */
  cwd?: string;
  /** The child is SIGKILLed after this long and the promise rejects. Default 30 s. */
  timeoutMs?: number;
  /** Run the child as this uid/gid (through setpriv; the test must run as root): for permission tests, which root would bypass. */
  asUser?: number;
  /**
   * Add `--yes` to a live `outreach run` (not --sandbox, not --dry-run), as a cron job would: the
   * children have no terminal, so a first live start would otherwise stop at its confirmation.
   * Default true; tests of the confirmation itself pass false.
   */
  yes?: boolean;
}

export interface CliResult {
  /** Exit code; null when killed by a signal (then `signal` says which). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's JSON lines, parsed (non-JSON lines skipped). */
  events: CliEvent[];
}

const live = new Set<ChildProcess>();

/** XDG_CACHE_HOME for every child of this test process (removed at exit). */
export const TEST_CACHE_HOME = mkdtempSync(join(tmpdir(), "outreach-test-cache-"));
process.once("exit", () => rmSync(TEST_CACHE_HOME, { recursive: true, force: true }));

/** The environment a child gets: the given variables over a minimal base. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const key of ["PATH", "HOME", "TMPDIR", "SYSTEMROOT"]) {
    const v = process.env[key];
    if (v !== undefined) base[key] = v;
  }
  // status keeps its summaries under XDG_CACHE_HOME: one folder for this test process, not the developer's ~/.cache.
  const env: NodeJS.ProcessEnv = { ...base, NO_COLOR: "1", XDG_CACHE_HOME: TEST_CACHE_HOME };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** INBOX_API_URL / INBOX_API_TOKEN for a sandbox (or anything with `url` and `token`). */
export function apiEnv(api: { url: string; token: string }): Record<string, string> {
  return { INBOX_API_URL: api.url, INBOX_API_TOKEN: api.token };
}

/** A running CLI child with its output collected and `--json` lines parsed as they arrive. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly events: CliEvent[] = [];
  /** Resolves when the child has exited and its streams are drained. */
  readonly done: Promise<CliResult>;
  private partial = "";
  /** Set on "close": the child is gone and its output fully read. */
  private closed = false;
  private readonly listeners = new Set<() => void>();

  constructor(args: string[], options: CliOptions = {}) {
    if (!existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run \`npm run build\` before the e2e tests`);
    const confirm = options.yes !== false && args[0] === "run" && !args.some((a) => a === "--sandbox" || a === "--dry-run" || a === "--yes" || a === "-y");
    const full = [CLI_BIN, ...args, ...(confirm ? ["--yes"] : [])];
    const id = options.asUser === undefined ? [] : [`--reuid=${options.asUser}`, `--regid=${options.asUser}`, "--clear-groups"];
    const [command, argv] = options.asUser === undefined ? [process.execPath, full] : ["setpriv", [...id, process.execPath, ...full]];
    this.child = spawn(command, argv, {
      cwd: options.cwd ?? REPO_ROOT,
      env: cliEnv(options.env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(this.child);
    this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => this.onStdout(chunk));
    this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.notify();
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.done = new Promise<CliResult>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.child.kill("SIGKILL");
        reject(new Error(`outreach ${args.join(" ")} did not exit within ${timeoutMs} ms\n--- stdout\n${this.stdout.slice(-4000)}\n--- stderr\n${this.stderr.slice(-4000)}`));
      }, timeoutMs);
      this.child.on("error", (err) => {
        clearTimeout(timer);
        live.delete(this.child);
        reject(err);
      });
      // "close" (not "exit"): stdout and stderr are fully read by then.
      this.child.on("close", (code, signal) => {
        clearTimeout(timer);
        live.delete(this.child);
        this.closed = true;
        if (this.partial) this.onLine(this.partial);
        this.partial = "";
        this.notify();
        resolvePromise({ code, signal, stdout: this.stdout, stderr: this.stderr, events: this.events });
      });
    });
    // A rejection nobody awaited yet must not crash the test process.
    this.done.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.exited) this.child.kill(signal);
  }

  /** Events of one type seen so far. */
  eventsOf<T extends CliEvent["type"]>(type: T): Extract<CliEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);
  }

  /** Resolves with the first event (already seen or future) that satisfies `match`. */
  waitForEvent<T extends CliEvent["type"]>(
    type: T,
    match: (e: Extract<CliEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 20_000,
  ): Promise<Extract<CliEvent, { type: T }>> {
    return this.waitUntil(() => this.eventsOf(type).find(match), `a "${type}" event`, timeoutMs);
  }

  /** Resolves once `count` `lead.sent` events have been printed. */
  waitForSent(count: number, timeoutMs = 20_000): Promise<number> {
    return this.waitUntil(() => {
      const n = this.eventsOf("lead.sent").length;
      return n >= count ? n : undefined;
    }, `${count} lead.sent events`, timeoutMs);
  }

  /** Resolves once stdout or stderr contains `text`. */
  waitForOutput(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const test = (s: string): boolean => (typeof text === "string" ? s.includes(text) : text.test(s));
    return this.waitUntil(() => {
      const all = this.stdout + this.stderr;
      return test(all) ? all : undefined;
    }, `output matching ${String(text)}`, timeoutMs);
  }

  /**
   * Re-checks `probe` on every output chunk and every 20 ms (so it may look at outside state, such
   * as the sandbox's record) until it returns a value; rejects when the child exits first or on timeout.
   */
  waitUntil<V>(probe: () => V | undefined, what: string, timeoutMs = 20_000): Promise<V> {
    return new Promise<V>((resolvePromise, reject) => {
      const check = (): boolean => {
        const v = probe();
        if (v !== undefined) {
          finish();
          resolvePromise(v);
          return true;
        }
        if (this.closed) {
          finish();
          reject(new Error(`the CLI exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before ${what}\n--- stdout\n${this.stdout.slice(-3000)}\n--- stderr\n${this.stderr.slice(-3000)}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- stdout\n${this.stdout.slice(-3000)}\n--- stderr\n${this.stderr.slice(-3000)}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      const poll = setInterval(listener, 20);
      if (check()) return;
      this.listeners.add(listener);
    });
  }

  private onStdout(chunk: string): void {
    this.stdout += chunk;
    const lines = (this.partial + chunk).split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.onLine(line);
    this.notify();
  }

  private onLine(line: string): void {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) return;
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") this.events.push(v as CliEvent);
    } catch {
      // not a JSON line: text output
    }
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** Starts the CLI and returns at once (for signal and kill tests). */
export function spawnCli(args: string[], options: CliOptions = {}): CliProcess {
  return new CliProcess(args, options);
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new CliProcess(args, options).done;
}

/** SIGKILLs every child still running (call in afterEach) and waits for them to be gone. */
export async function killAllChildren(): Promise<void> {
  const waits: Promise<unknown>[] = [];
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) {
      waits.push(new Promise((r) => child.once("close", r)));
      child.kill("SIGKILL");
    }
  }
  live.clear();
  await Promise.all(waits);
}
