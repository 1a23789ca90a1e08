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
