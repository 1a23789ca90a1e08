/**
 * Static analysis of a parsed template, done once per template before any lead is rendered:
 *  - which variables a message needs (so an empty or missing one rejects the lead up front, with a
 *    clear message, instead of sending "Hi , love what  is doing"), and
 *  - faults that would fail every lead (unknown helper or partial, wrong number of arguments),
 *    reported as `file:line:col` before anything is sent.
 *
 * A variable is *required* when it is output or passed to a helper without a guard. It is optional
 * when it is the first argument of `default`, the condition of `if`/`unless`, or used inside the
 * branch its own `if`/`unless` guards. `{{firstName x}}` in a required position also requires that x
 * holds a first name ("🚀" does not). Every variable named anywhere, required or not, is a *reference*:
 * the renderer checks that it is a CSV column (or alias), since a typo is a typo even behind `if`.
 * Built-ins (`lead.*`, `campaign.*`, `step.*`) are checked here. Paths relative to another context
 * (`../x`, inside `with`/`each`, `@data`) are left to Handlebars' strict mode at render time.
 */
import type { Problem, SourceLocation } from "../errors.js";
import { HELPER_ARITY } from "./helpers.js";
import { BUILT_INS, builtInFault, spacedCall, type SpacedCall } from "./variables.js";

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;

export interface RequiredVariable {
  /** As written in the template, e.g. "company" or "lead.username". */
  name: string;
  parts: readonly string[];
  /** Where it is first used without a guard: "file:line:col". */
  where: string;
  /** Set when the value must also hold a first name: it is output through `{{firstName …}}`. */
  asFirstName?: true;
}

/** A CSV column named in a template (required or not), for the renderer's column check. */
export interface ColumnReference {
  /** The path as written, e.g. "company" or "company.name". */
  name: string;
  parts: readonly string[];
  /** Where it is first named. */
  at: Required<SourceLocation>;
}

export interface PartialSource {
  file: string;
  ast: hbs.AST.Program;
}

export interface Analysis {
  required: RequiredVariable[];
  /** Columns named in the template, each once, in order of first use. */
  columns: ColumnReference[];
  /** Columns given to {{firstName}}, required or not (their unusual values are worth a look). */
  names: ColumnReference[];
  faults: Problem[];
  /** `{{First Name}}`-like calls: faults whose words depend on the CSV's header (renderer.ts words them). */
  spaced: (SpacedCall & { at: Required<SourceLocation> })[];
}

export function analyzeTemplate(
  file: string,
  ast: hbs.AST.Program,
  helpers: ReadonlySet<string>,
  partials: ReadonlyMap<string, PartialSource>,
): Analysis {
  const required = new Map<string, RequiredVariable>();
  const columns = new Map<string, ColumnReference>();
  const names = new Map<string, ColumnReference>();
  const faults: Problem[] = [];
  const spaced: Analysis["spaced"] = [];
  const inlinePartials = new Set<string>();
  const expanding: string[] = [];

  const at = (f: string, node: Node): Required<SourceLocation> => ({
    file: f,
    line: node.loc?.start.line ?? 1,
    column: (node.loc?.start.column ?? 0) + 1, // Handlebars columns are 0-based; editors count from 1
  });
  const fault = (f: string, node: Node, message: string): void => {
    faults.push({ ...at(f, node), message });
  };

  const where = (f: string, site: Node): string => {
    const { line, column } = at(f, site);
    return `${f}:${line}:${column}`;
  };

  /** `this`, `../x`, `@root.x` and paths inside `with`/`each` resolve against contexts this analysis does not model. */
  const isModelled = (path: hbs.AST.PathExpression, scoped: boolean): boolean =>
    !scoped && !path.data && path.depth === 0 && path.parts.length > 0;

  /** Records a path named anywhere: a built-in is checked now, a column by the renderer against the CSV. */
  function reference(f: string, path: hbs.AST.PathExpression, site: Node): void {
    const name = path.parts.join(".");
    if (BUILT_INS.has(path.parts[0] ?? "")) {
      const message = builtInFault(path.parts);
      if (message !== undefined) fault(f, site, message);
    } else if (!columns.has(name)) {
      columns.set(name, { name, parts: [...path.parts], at: at(f, site) });
    }
  }

  /** `site` is the mustache or call the path is in: Handlebars' own loc for a bare path is unreliable. */
  function requirePath(f: string, path: hbs.AST.PathExpression, guards: ReadonlySet<string>, site: Node, asFirstName = false): void {
    const name = path.parts.join(".");
    const key = asFirstName ? `firstName ${name}` : name;
    if (guards.has(name) || required.has(key)) return;
    required.set(key, { name, parts: [...path.parts], where: where(f, site), ...(asFirstName ? { asFirstName: true as const } : {}) });
  }

  /** Checks a helper call (`{{name args}}`, `{{#name args}}` or `(name args)`) and its arguments. */
  function visitCall(
    f: string,
    node: { path: hbs.AST.PathExpression; params: Expression[]; hash: hbs.AST.Hash } & Node,
    guards: ReadonlySet<string>,
    isBlock: boolean,
    isOptionalPosition = false,
  ): void {
    const name = node.path.original;
    if (!helpers.has(name)) {
      const available = [...helpers].filter((h) => !h.endsWith("Missing")).join(", ");
      const call = spacedCall(node.path, node.params, pairs(node.hash).length);
      if (call) spaced.push({ ...call, at: at(f, node) });
      else fault(f, node, `unknown helper "${name}"; available: ${available}`);
      return;
    }
    const arity = HELPER_ARITY[name];
    const min = name === "spin" && !isBlock ? 1 : arity?.[0];
    if (arity !== undefined && min !== undefined && (node.params.length < min || node.params.length > arity[1])) {
      const expected = min === arity[1] ? `${min}` : arity[1] === Infinity ? `at least ${min}` : `${min}–${arity[1]}`;
      const plural = (arity[1] === Infinity ? min : arity[1]) === 1 ? "" : "s";
      fault(f, node, `helper "${name}" takes ${expected} argument${plural}, got ${node.params.length}`);
    }
    node.params.forEach((param, i) => {
      // The value tested by if/unless, and the value `default` replaces, may be empty: that is their point.
      const isOptional = isOptionalPosition || name === "if" || name === "unless" || (name === "default" && i === 0);
      visitExpression(f, param, guards, isOptional, node, name === "firstName");
    });
    for (const pair of pairs(node.hash)) visitExpression(f, pair.value, guards, isOptionalPosition, node);
  }

  function visitExpression(f: string, expr: Expression, guards: ReadonlySet<string>, isOptional: boolean, site: Node, asFirstName = false): void {
    if (expr.type === "PathExpression") {
      const path = expr as hbs.AST.PathExpression;
      if (!isModelled(path, scoped)) return;
      reference(f, path, site);
      const name = path.parts.join(".");
      if (asFirstName && !names.has(name)) names.set(name, { name, parts: [...path.parts], at: at(f, site) });
      if (!isOptional) {
        requirePath(f, path, guards, site);
        if (asFirstName) requirePath(f, path, guards, site, true);
      }
    } else if (expr.type === "SubExpression") {
      // Inside an optional position, e.g. (default (lower company) "x"), nothing is required either.
      visitCall(f, expr as hbs.AST.SubExpression, guards, false, isOptional);
    }
  }

  function visitProgram(f: string, program: hbs.AST.Program | undefined, guards: ReadonlySet<string>): void {
    if (program === undefined) return;
    for (const statement of program.body) visitStatement(f, statement, guards);
  }

  function visitStatement(f: string, node: hbs.AST.Statement, guards: ReadonlySet<string>): void {
    switch (node.type) {
      case "MustacheStatement": {
        const m = node as hbs.AST.MustacheStatement;
        if (m.path.type !== "PathExpression") return;
        const path = m.path as hbs.AST.PathExpression;
        const isCall = m.params.length > 0 || pairs(m.hash).length > 0 || (isSimple(path) && helpers.has(path.original));
        if (isCall) visitCall(f, { ...m, path }, guards, false);
        else visitExpression(f, path, guards, false, m);
        return;
      }
      case "BlockStatement": {
        const b = node as hbs.AST.BlockStatement;
        const name = b.path.original;
        if (!helpers.has(name) && b.params.length === 0 && pairs(b.hash).length === 0) {
          // A Mustache section ({{#company}}…{{/company}}): a guard that also switches context.
          visitExpression(f, b.path as hbs.AST.PathExpression, guards, true, b);
          visitProgram(f, b.inverse, guards);
          return;
        }
        visitCall(f, b, guards, true);
        const tested = b.params.flatMap((p) => (p.type === "PathExpression" ? [(p as hbs.AST.PathExpression).parts.join(".")] : []));
        const withTested = new Set([...guards, ...tested]);
        if (name === "if") {
          visitProgram(f, b.program, withTested);
          visitProgram(f, b.inverse, guards);
        } else if (name === "unless") {
          visitProgram(f, b.program, guards);
          visitProgram(f, b.inverse, withTested);
        } else {
          // with/each change the context inside their main block; other helpers keep it.
          if (name !== "with" && name !== "each") visitProgram(f, b.program, guards);
          else visitScoped(() => visitProgram(f, b.program, guards));
          visitProgram(f, b.inverse, guards);
        }
        return;
      }
      case "PartialStatement":
      case "PartialBlockStatement": {
        const p = node as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
        if (p.name.type !== "PathExpression") return; // dynamic partial name: known only at render time
        const name = (p.name as hbs.AST.PathExpression).original;
        for (const param of p.params) visitExpression(f, param, guards, false, p);
        for (const pair of pairs(p.hash)) visitExpression(f, pair.value, guards, false, p);
        visitProgram(f, p.program, guards);
        if (inlinePartials.has(name)) return;
        const partial = partials.get(name);
        if (partial === undefined) {
          fault(f, p, `unknown partial "${name}"; partials come from *.hbs files in the partials/ folder beside the template (found: ${[...partials.keys()].join(", ") || "none"})`);
          return;
        }
        // A context argument or hash changes what names mean inside the partial; recursion would not end.
        if (p.params.length > 0 || pairs(p.hash).length > 0 || expanding.includes(name)) return;
        expanding.push(name);
        visitProgram(partial.file, partial.ast, guards);
        expanding.pop();
        return;
      }
      case "DecoratorBlock": {
        const d = node as hbs.AST.BlockStatement;
        const first = d.params[0];
        if (d.path.original === "inline" && first?.type === "StringLiteral") {
          inlinePartials.add((first as hbs.AST.StringLiteral).value);
          visitProgram(f, d.program, guards);
        }
        return;
      }
      default:
        return; // content, comments
    }
  }

  /** Inside with/each, names resolve against another object: left to strict mode at render time. */
  let scoped = false;
  function visitScoped(visit: () => void): void {
    const outer = scoped;
    scoped = true;
    visit();
    scoped = outer;
  }

  visitProgram(file, ast, new Set());
  return { required: [...required.values()], columns: [...columns.values()], names: [...names.values()], faults, spaced };
}

/** The AST omits `hash` when a call has no key=value arguments, despite its type. */
function pairs(hash: hbs.AST.Hash | undefined): hbs.AST.HashPair[] {
  return hash?.pairs ?? [];
}

function isSimple(path: hbs.AST.PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1;
}
