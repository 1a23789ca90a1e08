/**
 * A pseudo-terminal for end-to-end tests: the built CLI runs inside a detached tmux session of a
 * given size, on a private tmux server (its own socket, so no developer session is touched), and the
 * test reads the screen as a person would see it (`capture-pane`, colours stripped) and types keys.
 * Debian's tmux is required (.ci/run installs it when missing).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_BIN, REPO_ROOT, cliEnv } from "./cli.js";

let counter = 0;

export class TmuxTerminal {
  private readonly socket = `outreach-test-${process.pid}-${counter++}`;
  private readonly target = "t";
  /** Holds the file the command's exit status is written to (see the constructor). */
  private readonly dir = mkdtempSync(join(tmpdir(), "outreach-tty-"));

  /** Starts `outreach <args>` in a `cols` × `rows` terminal. */
  constructor(args: string[], opts: { cols: number; rows: number; env?: Record<string, string>; cwd?: string }) {
    const env = cliEnv({ ...opts.env, NO_COLOR: undefined, TERM: "xterm-256color" });
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v ?? "")}`);
    const cli = ["env", "-i", ...assignments, shellQuote(process.execPath), shellQuote(CLI_BIN), ...args.map(shellQuote)].join(" ");
    // The exit status comes from a shell around the command, not from tmux: tmux 3.3a sometimes misses
    // the SIGCHLD of a pane's process (seen: the CLI a zombie, the pane "dead" with no status, for ever).
    // `trap : INT` lets the shell outlive Ctrl-C (a handler, unlike an ignored signal, is not inherited,
    // so the CLI still gets SIGINT) and record the status; the shell then waits, keeping the last screen.
    const status = shellQuote(join(this.dir, "status"));
    const command = `trap : INT; ${cli}; echo $? > ${status}.tmp && mv ${status}.tmp ${status}; exec sleep 3600`;
    this.tmux(["new-session", "-d", "-s", this.target, "-x", String(opts.cols), "-y", String(opts.rows), "-c", opts.cwd ?? REPO_ROOT, command]);
  }

  /** The visible screen, one string per row, trailing spaces trimmed. */
  screen(): string[] {
    return this.tmux(["capture-pane", "-p", "-t", this.target]).split("\n").map((l) => l.trimEnd());
  }

  /** Resolves with the screen once `match` holds for it; rejects with the last screen on timeout. */
  async waitFor(match: (screen: string) => boolean, what: string, timeoutMs = 45_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen().join("\n");
      if (match(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Types keys (tmux key names: "Enter", "C-c", or literal text). */
  send(...keys: string[]): void {
    this.tmux(["send-keys", "-t", this.target, ...keys]);
  }

  /** The command's exit status once it has exited (128 + n when signal n ended it), else undefined. */
  exitStatus(): number | undefined {
    try {
      return Number(readFileSync(join(this.dir, "status"), "utf8").trim());
    } catch {
      return undefined;
    }
  }

  /** Ends the session and its private server (and the command, if still running), and removes its files. */
  close(): void {
    try {
      this.tmux(["kill-server"]);
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
    // tmux leaves its socket behind after kill-server: /tmp/tmux-<uid>/<name> (its -L convention).
    rmSync(join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }

  private tmux(args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
