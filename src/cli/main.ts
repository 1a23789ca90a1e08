/**
 * The `outreach` binary and the one exit point: commands return normally or throw; only this file
 * turns an error into a message and an exit code (0 ok, 1 input/usage error, 2 campaign paused,
 * 130 interrupted). Anything unexpected is reported as a bug, with the version, not a bare stack.
 */
import { Command, CommanderError } from "commander";
import { InterruptedError, PausedError, UserError, formatProblem } from "../errors.js";
import { describeFsFault, isFsFault } from "../files/fs-faults.js";
import { safeText } from "./report/safe-text.js";
import { paint } from "./report/style.js";
import { VERSION } from "./version.js";

/**
 * The commands, each loaded only when it is the one being run: a command module pulls in what it runs
 * (zod, yaml, Handlebars, csv-parse, the sandbox…), and loading all of them made `outreach --help`
 * cost 3.8× a bare `node -e 0`. The others appear in the help listing as stubs with the same name,
 * arguments and description.
 */
const COMMANDS: readonly { name: string; args: string; description: string; load(): Promise<Command> }[] = [
  {
    name: "run",
    args: "<campaign>",
    description: "run a campaign: send each lead its steps, paced, resumable, exactly once",
    load: async () => (await import("./commands/run.js")).runCommand(),
  },
  {
    name: "status",
    args: "<campaign>",
    description: "show a campaign's progress from its state file and CSV (no API call)",
    load: async () => (await import("./commands/status.js")).statusCommand(),
  },
  {
    name: "review",
    args: "<campaign>",
    description: "list replies that may be opt-outs, and record a person's decision on them",
    load: async () => (await import("./commands/review.js")).reviewCommand(),
  },
  {
    name: "sandbox",
    args: "",
    description: "run a local Inbox API v1 simulator (loopback) to rehearse campaigns without X",
    load: async () => (await import("./commands/sandbox.js")).sandboxCommand(),
  },
  {
    name: "init",
    args: "[dir]",
    description: "write a small working campaign (campaign.yaml, leads.csv, templates) to start from",
    load: async () => (await import("./commands/init.js")).initCommand(),
  },
  {
    name: "accounts",
    args: "",
    description: "list the team's account links (id, username, status) to fill accounts: in campaign.yaml",
    load: async () => (await import("./commands/accounts.js")).accountsCommand(),
  },
];

/** The program for `argv`: the command it names (`outreach help <command>` too) fully loaded, the others as stubs. */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command("outreach")
    .description("Bulk DM outreach campaigns through the Inbox API: paced, resumable, exactly-once.")
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  // No top-level option takes a value, so the first word that is not an option names the command.
  const words = argv.slice(2).filter((a) => !a.startsWith("-"));
  const wanted = words[0] === "help" ? words[1] : words[0];
  for (const c of COMMANDS) {
    const cmd = c.name === wanted ? await c.load() : new Command(c.name).allowUnknownOption().allowExcessArguments();
    if (c.name !== wanted && c.args) cmd.argument(c.args);
    program.addCommand(cmd.description(c.description));
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
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
