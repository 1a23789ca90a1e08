/**
 * A pseudo-terminal for end-to-end tests: the built CLI runs inside a detached tmux session of a
 * given size, on a private tmux server (its own socket, so no developer session is touched), and the
 * test reads the screen as a person would see it (`capture-pane`, colours stripped) and types keys.
 * Debian's tmux is required (.ci/run installs it when missing).
 */
import { execFileSync } from "node:child_process";
import { CLI_BIN, REPO_ROOT, cliEnv } from "./cli.js";

let counter = 0;

export class TmuxTerminal {
  private readonly socket = `outreach-test-${process.pid}-${counter++}`;
  private readonly target = "t";

  /** Starts `outreach <args>` in a `cols` × `rows` terminal. */
  constructor(args: string[], opts: { cols: number; rows: number; env?: Record<string, string>; cwd?: string }) {
    const env = cliEnv({ ...opts.env, NO_COLOR: undefined, TERM: "xterm-256color" });
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v ?? "")}`);
    const command = ["env", "-i", ...assignments, shellQuote(process.execPath), shellQuote(CLI_BIN), ...args.map(shellQuote)].join(" ");
    this.tmux(["new-session", "-d", "-s", this.target, "-x", String(opts.cols), "-y", String(opts.rows), "-c", opts.cwd ?? REPO_ROOT, command]);
    // Keep the pane (and its last screen) after the command exits, so the end can be read too.
    this.tmux(["set-option", "-t", this.target, "remain-on-exit", "on"]);
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

  /** The command's exit status once it has exited ("SIGKILL"-style name when a signal ended it), else undefined. */
  exitStatus(): number | string | undefined {
    const out = this.tmux(["display-message", "-p", "-t", this.target, "#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}"]).trim();
    const [dead, status, signal] = out.split("|");
    // tmux may mark the pane dead a moment before it has the status: not known yet.
    if (dead !== "1" || (!status && !signal)) return undefined;
    return status ? Number(status) : `signal ${signal}`;
  }

  /** Ends the session and its private server (and the command, if still running). */
  close(): void {
    try {
      this.tmux(["kill-server"]);
    } catch {
      // already gone
    }
  }

  private tmux(args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
