/** Paths as messages show them. Its own module so light commands need not load the YAML and schema libraries. */
import path from "node:path";

/** A path for messages: relative to `cwd` (default: where the command runs) when it lies inside it, absolute otherwise. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(cwd, file) : relative;
}
