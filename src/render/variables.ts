/**
 * Template variable names: the built-ins, the safe alias of a CSV header that is not a plain name, and
 * the messages for names that cannot work.
 *
 * Every CSV column is a variable by its header as written. A header that is not a plain name — letters,
 * digits and "_", not starting with a digit — cannot be written `{{First Name}}` (Handlebars reads a
 * helper "First" applied to "Name"), so it is also available by its *alias*: lowercased, each run of
 * other characters replaced by one "_", with no "_" at either end. `First Name` → `{{first_name}}`,
 * `E-mail (work)` → `{{e_mail_work}}`, `Company.Name` → `{{company_name}}`. Handlebars' own
 * `{{[First Name]}}` also works. A header already a plain name gets no alias (`Company` stays `{{Company}}`).
 */
import { closestName } from "../leads/header.js";

/** Variables the renderer provides; they win over a CSV column of the same name. Field → what it holds. */
const BUILT_IN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  lead: ["id", "username", "position"],
  campaign: ["name"],
  step: ["id"],
};

export const BUILT_INS: ReadonlySet<string> = new Set(Object.keys(BUILT_IN_FIELDS));

const PLAIN_NAME = /^[\p{L}_][\p{L}\p{M}\p{N}_]*$/u;

/** The alias of a header that is not a plain name, or undefined when it needs none (or has no letter or digit). */
export function safeAlias(header: string): string | undefined {
  if (PLAIN_NAME.test(header)) return undefined;
  const alias = header.toLowerCase().replace(/[^\p{L}\p{M}\p{N}_]+/gu, "_").replace(/^_+|_+$/g, "");
  return alias === "" ? undefined : alias;
}

/** How to write a header in a template: the header itself when it is a plain name, else its alias. */
export function variableFor(header: string): string {
  return safeAlias(header) ?? header;
}

/** A message when a built-in path does not exist (`lead.name`, `campaign.id`, `{{lead}}`), else undefined. */
export function builtInFault(parts: readonly string[]): string | undefined {
  const [root = "", field, ...rest] = parts;
  const fields = BUILT_IN_FIELDS[root] ?? [];
  const list = fields.map((f) => `{{${root}.${f}}}`).join(", ");
  if (field === undefined) return `{{${root}}} is a group of built-in variables, not a value; use ${list}`;
  if (!fields.includes(field) || rest.length > 0) {
    return `{{${parts.join(".")}}} is not a variable: "${root}" has ${list}. Built-ins win over a CSV column named "${root}"`;
  }
  return undefined;
}

/** `{{First Name}}`: a call of an unknown helper whose arguments are all bare names — probably a header with spaces. */
export interface SpacedCall {
  /** The helper name as written ("First"). */
  helper: string;
  /** The words joined as the header they probably were ("First Name"). */
  header: string;
}

/** The call read as a header with spaces, or undefined when it does not look like one. */
export function spacedCall(path: hbs.AST.PathExpression, params: readonly hbs.AST.Expression[], hashPairs: number): SpacedCall | undefined {
  if (hashPairs > 0 || params.length === 0 || !params.every((p) => p.type === "PathExpression")) return undefined;
  return { helper: path.original, header: [path.original, ...params.map((p) => (p as hbs.AST.PathExpression).original)].join(" ") };
}

/**
 * What to write instead of `{{First Name}}`, given the CSV's `headers`: its alias when the CSV has that
 * column, else the column it most likely meant (only a name the renderer would accept), else the columns.
 */
export function spacedCallFault(call: SpacedCall, headers: readonly string[]): string {
  const { helper, header } = call;
  const said = `{{${header}}} reads as a helper "${helper}" applied to ${header.slice(helper.length + 1)}, and there is no such helper. `;
  if (headers.includes(header)) return `${said}For the CSV column "${header}" write {{${variableFor(header)}}} (or {{[${header}]}})`;
  const names = headers.map(variableFor);
  const guess = closestName(variableFor(header), names);
  return (
    `${said}The CSV has no column "${header}" either. ` +
    (guess !== undefined ? `Did you mean {{${guess}}}? ` : "") +
    `Columns: ${names.map((n) => `{{${n}}}`).join(", ")}`
  );
}

/** The names every JavaScript object answers to; a variable only when the CSV has such a column. */
function isPrototypeName(name: string): boolean {
  return name in Object.prototype;
}

/**
 * Where a template's column reference finds its value among a lead's fields: the header itself, the
 * header whose alias it is, or a message saying why neither works. Results are cached per name: every
 * lead of a campaign comes from one CSV, with one header.
 */
export class ColumnResolver {
  private readonly cache = new Map<string, { header: string } | { message: string }>();

  /** `fields` keys are the CSV's header names. */
  resolve(parts: readonly string[], fields: Readonly<Record<string, string>>): { header: string } | { message: string } {
    const name = parts.join(".");
    const cached = this.cache.get(name);
    if (cached !== undefined && (!("header" in cached) || Object.hasOwn(fields, cached.header))) return cached;
    const resolved = this.lookup(parts, name, Object.keys(fields));
    this.cache.set(name, resolved);
    return resolved;
  }

  private lookup(parts: readonly string[], name: string, headers: readonly string[]): { header: string } | { message: string } {
    const root = parts[0] ?? "";
    if (parts.length === 1 && headers.includes(root)) return { header: root };
    if (headers.includes(name)) {
      return { message: `{{${name}}} reads as a path, but "${name}" is one CSV column: write {{${variableFor(name)}}} (or {{[${name}]}})` };
    }
    if (parts.length === 1) {
      const sources = headers.filter((h) => safeAlias(h) === root);
      if (sources.length === 1 && sources[0] !== undefined) return { header: sources[0] };
      if (sources.length > 1) {
        return { message: `{{${root}}} is the alias of several columns (${sources.map((h) => `"${h}"`).join(", ")}); write the one you mean as ${sources.map((h) => `{{[${h}]}}`).join(" or ")}` };
      }
    } else if (headers.includes(root)) {
      return { message: `{{${name}}}: the column "${root}" is text and has no ".${parts.slice(1).join(".")}"; write {{${variableFor(root)}}}` };
    }
    const names = headers.map(variableFor);
    const guess = closestName(root, names);
    const why = isPrototypeName(root) ? ` ("${root}" is a name every JavaScript object has, not a value; it works only as a CSV column)` : "";
    return {
      message:
        `{{${name}}} is not a CSV column or a built-in variable${why}. ` +
        (guess !== undefined ? `Did you mean {{${guess}}}? ` : "") +
        `Columns: ${names.map((n) => `{{${n}}}`).join(", ")}; built-ins: {{lead.id}}, {{lead.username}}, {{lead.position}}, {{campaign.name}}, {{step.id}}`,
    };
  }
}
