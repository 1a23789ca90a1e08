/**
 * The `outreach` binary and the one exit point: commands return normally or throw; only this file
 * turns an error into a message and an exit code (0 ok, 1 input/usage error, 2 campaign paused,
 * 130 interrupted). Anything unexpected is reported as a bug, with the version, not a bare stack.
 */
import { Command, CommanderError } from "commander";
import { InterruptedError, PausedError, UserError, formatProblem } from "../errors.js";
import { accountsCommand } from "./commands/accounts.js";
import { initCommand } from "./commands/init.js";
import { runCommand } from "./commands/run.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { statusCommand } from "./commands/status.js";
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
  if (err instanceof UserError) {
    const problems = (err.details.problems ?? []).map(formatProblem);
    // Some errors already carry their problems as the message; print each line once.
    const listed = problems.length > 0 && problems.every((p) => err.message.includes(p));
    out.write(`${s.red("error")} ${listed ? "" : err.message}${listed ? problems[0] : ""}\n`);
    for (const p of listed ? problems.slice(1) : problems) out.write(`  ${p}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${err.details.hint}\n`);
    return err.exitCode;
  }
  if (err instanceof PausedError) {
    out.write(`${s.yellow("paused")} ${err.message}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${err.details.hint}\n`);
    return err.exitCode;
  }
  if (err instanceof InterruptedError) {
    out.write(`${s.yellow("stopped")} ${err.message}\n`);
    if (err.details.hint) out.write(`${s.dim("→")} ${err.details.hint}\n`);
    return err.exitCode;
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  out.write(
    `${s.red("internal error")} outreach ${VERSION} hit an unexpected error — this is a bug.\n` +
      `Please report it with the lines below (they contain no secrets: the API token is never logged).\n${detail}\n`,
  );
  return 70;
}
