/**
 * The last gate before a campaign's first real DM: on a terminal, a question; without one, `--yes`.
 * A resumed campaign (anything already sent) goes on without asking — the person said yes the first
 * time, and a cron job re-running it must not hang on a question nobody sees.
 */
import { createInterface } from "node:readline/promises";
import type { Preflight } from "../../engine/preflight.js";
import { UserError } from "../../errors.js";

export interface ConfirmOptions {
  /** --yes was given. */
  yes: boolean;
  /** stdin and stdout are a terminal (and output is for a person, not --json). */
  interactive: boolean;
  /** The command to run again with --yes, as the user can paste it. */
  retry: string;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/**
 * Resolves when the run may go on; throws when it may not.
 * @throws UserError (exit 1, nothing sent) on a first start without a terminal and without --yes, or when the person declines
 */
export async function confirmStart(p: Preflight, opts: ConfirmOptions): Promise<void> {
  if (!p.firstStart || opts.yes) return;
  if (!opts.interactive) {
    throw new UserError(`this is the first live run of "${p.campaign}" and there is no terminal to confirm it on; nothing was sent`, {
      hint: `check the summary above (or preview with --dry-run), then confirm with --yes: ${opts.retry}`,
    });
  }
  const rl = createInterface({ input: opts.input ?? process.stdin, output: opts.output ?? process.stdout });
  // Ctrl-C at the question is a "no", not an abrupt exit.
  const answer = await new Promise<string>((resolve) => {
    rl.on("SIGINT", () => resolve(""));
    rl.on("close", () => resolve(""));
    rl.question("Send for real now? Type y to start, anything else to stop: ").then(resolve, () => resolve(""));
  });
  rl.close();
  if (!/^\s*y(es)?\s*$/i.test(answer)) {
    throw new UserError("not started; nothing was sent", { hint: `preview with --dry-run, or start without the question: ${opts.retry}` });
  }
}
