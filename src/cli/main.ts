/**
 * The `outreach` binary and the one exit point: commands return normally or throw; only this file
 * turns an error into a message and an exit code (0 ok, 1 input/usage error, 2 campaign paused,
 * 130 interrupted). Anything unexpected is reported as a bug, with the version, not a bare stack.
 */
import { Command, CommanderError } from "commander";
import { InterruptedError, PausedError, UserError, formatProblem } from "../errors.js";
import { describeFsFault, isFsFault } from "../files/fs-faults.js";
import { reviewCommand } from "./commands/review.js";
import { accountsCommand } from "./commands/accounts.js";
import { initCommand } from "./commands/init.js";
import { runCommand } from "./commands/run.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { statusCommand } from "./commands/status.js";
import { safeText } from "./report/safe-text.js";
import { paint } from "./report/style.js";
import { VERSION } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("outreach")
    .description("Bulk DM outreach campaigns through the Inbox API: paced, resumable, exactly-once.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addCommand(runCommand());
  program.addCommand(statusCommand());
  program.addCommand(reviewCommand());
  program.addCommand(sandboxCommand());
  program.addCommand(initCommand());
  program.addCommand(accountsCommand());
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    return report(err);
  }
}

function report(err: unknown): number {
  const out = process.stderr;
  const s = paint(out);
  if (err instanceof CommanderError) {
    // Commander already printed its message (help, version, or a usage error).
    return err.exitCode === 0 ? 0 : 1;
  }
  // Messages may quote a CSV value, a header cell or an API answer: escapes made visible (safe-text.ts).
  if (err instanceof UserError) {
    const problems = (err.details.problems ?? []).map((p) => safeText(formatProblem(p)));
    const message = safeText(err.message, { multiline: true });
    // Some errors already carry their problems as the message; print each line once.
    const listed = problems.length > 0 && problems.every((p) => message.includes(p));
    out.write(`${s.red("error")} ${listed ? "" : message}${listed ? problems[0] : ""}\n`);
    for (const p of listed ? problems.slice(1) : problems) out.write(`  ${p}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${safeText(err.details.hint)}\n`);
    return err.exitCode;
  }
  if (err instanceof PausedError) {
    out.write(`${s.yellow("paused")} ${safeText(err.message, { multiline: true })}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${safeText(err.details.hint)}\n`);
    return err.exitCode;
  }
  if (isFsFault(err)) {
    // A filesystem fault no command worded (a path it did not expect to fail): still the user's to fix.
    const { message, hint } = describeFsFault(err, typeof err.path === "string" ? err.path : "a file", "use");
    out.write(`${s.red("error")} ${message}\n${s.dim("→")} ${hint}, then run the same command again\n`);
    return 1;
  }
  if (err instanceof InterruptedError) {
    out.write(`${s.yellow("stopped")} ${safeText(err.message, { multiline: true })}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${safeText(err.details.hint)}\n`);
    return err.exitCode;
  }
  const detail = safeText(err instanceof Error ? (err.stack ?? err.message) : String(err), { multiline: true });
  out.write(
    `${s.red("internal error")} outreach ${VERSION} hit an unexpected error — this is a bug.\n` +
      `Please report it with the lines below (they contain no secrets: the API token is never logged).\n${detail}\n`,
  );
  return 70;
}
