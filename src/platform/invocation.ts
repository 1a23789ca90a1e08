/**
 * How the person typed `outreach`, so the commands our messages suggest work when pasted: `outreach`
 * when the binary is installed on PATH (npm install -g, npm link), `npx outreach` when npx ran it (from
 * a project's node_modules/.bin, or from npx's own copy of the clone), `node path/to/bin.js` when run by path.
 */
import { basename, delimiter, dirname, relative, resolve } from "node:path";

/**
 * The command prefix to suggest, e.g. "outreach" or "npx outreach".
 * Reads `argv[1]` (the script node runs), PATH and the working directory; defaults are the process's.
 */
export function commandName(argv1: string | undefined = process.argv[1], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (!argv1) return "outreach";
  const script = resolve(cwd, argv1);
  const onPath = (env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => resolve(cwd, d));
  // `npx outreach` (npm_command "exec"): from ./node_modules/.bin where the package is a dependency, or,
  // in the clone itself (npm 11), from the copy npx installs under ~/.npm/_npx/<hash>/node_modules/.bin.
  if (env.npm_command === "exec" && basename(dirname(script)) === ".bin" && basename(dirname(dirname(script))) === "node_modules") return "npx outreach";
  if (script.endsWith("/outreach") || script.endsWith("\\outreach") || script.endsWith("outreach.cmd")) {
    if (onPath.includes(dirname(script))) return "outreach";
    if (dirname(script) === resolve(cwd, "node_modules/.bin")) return "npx outreach";
  }
  if (/bin\.js$/.test(script)) {
    const rel = relative(cwd, script);
    return `node ${rel.startsWith("..") ? script : rel}`;
  }
  return "outreach";
}

/** Flags a suggested command leaves out: one-time overrides a user must choose again (--repair-state sets a journal aside). */
const ONE_TIME_FLAGS = new Set(["--repair-state"]);

/**
 * The command as the person ran it — `commandName()` and the arguments as typed (`argv` after the
 * script), one-time overrides left out — quoted for a POSIX shell where needed, so a message that says
 * "run the same command again" can show one that does the same (a tester's resume hint lost
 * `--allow-partial`, and pasting it was refused).
 */
export function sameCommand(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const args = argv.slice(2).filter((a) => !ONE_TIME_FLAGS.has(a));
  return [commandName(argv[1], env, cwd), ...args.map(shellQuoted)].join(" ");
}

/** `arg` as a POSIX shell reads it back: as is when it is plain, else in single quotes. */
function shellQuoted(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
