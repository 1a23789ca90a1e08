/**
 * Reading and parsing template files. Parse errors become UserErrors pointing at `file:line:col`,
 * so a typo in a template stops the run before the first lead instead of failing every lead.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type Handlebars from "handlebars";
import { UserError, formatProblem, type Problem } from "../errors.js";
import type { PartialSource } from "./analyze.js";
import { explainSyntaxError } from "./syntax-errors.js";
import { markSpinSeparators } from "./spin-marks.js";

export type ParseResult = { ok: true; ast: hbs.AST.Program } | { ok: false; problem: Problem };

export async function readTemplate(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = { file, message: `${what} ${code === "ENOENT" ? "does not exist" : "cannot be read"}` };
    throw new UserError(formatProblem(problem), {
      problems: [problem],
      hint: "Template paths in the campaign resolve from the campaign file's folder.",
      cause: error,
    });
  }
}

/**
 * Parses without throwing, so every template's syntax errors can be reported together. Block spins'
 * separators are marked in the tree (spin-marks.ts) so values can never change the alternatives.
 */
export function parseTemplate(env: typeof Handlebars, file: string, source: string): ParseResult {
  try {
    return { ok: true, ast: markSpinSeparators(env.parse(source)) };
  } catch (error) {
    const at = parseErrorLocation(env, error);
    const raw = error instanceof Error ? error.message : String(error);
    return { ok: false, problem: { file, ...at, message: `template syntax error: ${explainSyntaxError(raw, source, at.line)}` } };
  }
}

/**
 * Partials from `<dir>/partials/*.hbs`, named by file stem (`signoff.hbs` → `{{> signoff}}`).
 * A missing folder means no partials.
 */
export async function readPartials(
  env: typeof Handlebars,
  dir: string,
): Promise<{ partials: Map<string, PartialSource & { source: string }>; problems: Problem[] }> {
  const partials = new Map<string, PartialSource & { source: string }>();
  const problems: Problem[] = [];
  let names: string[];
  try {
    names = (await readdir(join(dir, "partials"))).filter((n) => n.endsWith(".hbs")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { partials, problems };
    throw error;
  }
  for (const name of names) {
    const file = join(dir, "partials", name);
    const source = await readTemplate(file, "partial");
    const parsed = parseTemplate(env, file, source);
    if (parsed.ok) partials.set(basename(name, ".hbs"), { file, ast: parsed.ast, source });
    else problems.push(parsed.problem);
  }
  return { partials, problems };
}

/**
 * Handlebars' parse errors carry the line only in their text ("Parse error on line 3: …"); the
 * column is in the (untyped) lexer's last token position. Block mismatches ("if doesn't match
 * each") are Handlebars Exceptions with lineNumber/column properties instead.
 */
function parseErrorLocation(env: typeof Handlebars, error: unknown): { line?: number; column?: number } {
  const e = error as { lineNumber?: number; column?: number; message?: string };
  if (typeof e.lineNumber === "number") return { line: e.lineNumber, column: (e.column ?? 0) + 1 };
  const line = /on line (\d+)/.exec(e.message ?? "")?.[1];
  if (line === undefined) return {};
  const lexer = (env as unknown as { Parser?: { lexer?: { yylloc?: { first_line?: number; first_column?: number } } } }).Parser?.lexer;
  const loc = lexer?.yylloc;
  const column = loc?.first_line === Number(line) && typeof loc.first_column === "number" ? loc.first_column + 1 : undefined;
  return column === undefined ? { line: Number(line) } : { line: Number(line), column };
}
