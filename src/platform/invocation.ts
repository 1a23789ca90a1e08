/**
 * How the person typed `outreach`, so the commands our messages suggest work when pasted: `outreach`
 * when the binary is installed on PATH (npm install -g, npm link), `npx outreach` inside a clone
 * where it is only in ./node_modules/.bin, `node path/to/bin.js` when run by path.
 */
import { delimiter, dirname, relative, resolve } from "node:path";

/**
 * The command prefix to suggest, e.g. "outreach" or "npx outreach".
 * Reads `argv[1]` (the script node runs), PATH and the working directory; defaults are the process's.
 */
export function commandName(argv1: string | undefined = process.argv[1], env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (!argv1) return "outreach";
  const script = resolve(cwd, argv1);
  const onPath = (env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => resolve(cwd, d));
  // npx puts ./node_modules/.bin on PATH for the one command it runs.
  if (env.npm_command === "exec" && dirname(script) === resolve(cwd, "node_modules/.bin")) return "npx outreach";
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
