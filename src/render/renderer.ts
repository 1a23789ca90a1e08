/**
 * The message renderer: every template is read, parsed, checked and compiled once, before any lead;
 * `render()` is then a synchronous, allocation-light call per (step, lead).
 *
 * Template variables (built-ins win over a CSV column of the same name):
 *   <column>          every CSV column by its header name, e.g. {{company}}, {{full_name}}; a header
 *                     that is not a plain name also by its alias ({{first_name}} for "First Name"; variables.ts)
 *   lead.id           the lead's X user id
 *   lead.username     the username column's value (when configured and non-empty)
 *   lead.position     1-based row position in the CSV
 *   campaign.name     the campaign's name
 *   step.id           the step being rendered
 * A variable that is missing or empty/whitespace for a lead rejects that lead for this step, unless
 * the template gives a fallback ({{default company "your team"}}) or guards it ({{#if company}}…); so
 * does a value with no first name in it under {{firstName …}} ("🚀").
 *
 * Two kinds of error. A *template* error (scope "template": unknown helper, partial or variable, a
 * wrong number of arguments, a header written with its spaces) fails every lead the same way, so
 * callers report it once with the number of leads it affects; any other error is about one lead's values.
 * The context is a null-prototype object: `{{constructor}}` is a CSV column or an error, never a
 * function of Object.prototype rendered as "".
 * Helpers: see helpers.ts. Output is plain text (no HTML escaping) and trimmed.
 */
import { dirname } from "node:path";
import Handlebars from "handlebars";
import type { Campaign } from "../config/types.js";
import { UserError, formatProblem, type Problem } from "../errors.js";
import type { Lead } from "../leads/types.js";
import { analyzeTemplate, type Analysis, type ColumnReference, type PartialSource, type RequiredVariable } from "./analyze.js";
import { checkRenderedText } from "./checks.js";
import { isBlank, registerHelpers, spinSeed, type SpinState } from "./helpers.js";
import { parseTemplate, readPartials, readTemplate } from "./load.js";
import { parseFirstName } from "./names/first-name.js";
import { ColumnResolver, spacedCallFault } from "./variables.js";

export interface RenderError {
  /** The variable at fault, when one is. */
  variable?: string;
  message: string;
  /** "template": the template is at fault and every lead fails the same way; absent: this lead's values are. */
  scope?: "template";
  /** For a template error: the same as a Problem (file, line, column, message without the location). */
  problem?: Problem;
}

/** Something a person should look at in a message that renders: a name that looked unusual. */
export interface RenderNote {
  /** The column given to {{firstName}}. */
  variable: string;
  /** The value as in the CSV. */
  value: string;
  /** What {{firstName}} made of it ("" when nothing; the message then did not render). */
  firstName: string;
  /** Why it looked unusual, e.g. "emoji or symbols removed". */
  reason: string;
}

export type RenderResult = { ok: true; text: string; notes?: RenderNote[] } | { ok: false; errors: RenderError[] };

export interface Renderer {
  /** Ids of the steps that have a template, in campaign order. */
  readonly stepIds: readonly string[];
  render(stepId: string, lead: Lead): RenderResult;
}

/** strict: a missing variable throws instead of rendering ""; noEscape: DMs are not HTML. */
const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;

interface CompiledStep {
  id: string;
  file: string;
  template: Handlebars.TemplateDelegate;
  required: readonly RequiredVariable[];
  columns: readonly ColumnReference[];
  /** Columns given to {{firstName}}, required or not: their unusual values become notes. */
  names: readonly ColumnReference[];
  /** Template errors found by analysis: every render of this step returns them. */
  faults: readonly RenderError[];
  /** `{{First Name}}`-like calls, worded against the lead's CSV header at render time. */
  spaced: Analysis["spaced"];
  /** The step's built-in object, shared by every render. */
  context: { id: string };
}

/** Handlebars environment for one template folder: partials are global to an environment. */
interface Environment {
  env: typeof Handlebars;
  partials: Map<string, PartialSource>;
}

export async function createRenderer(campaign: Pick<Campaign, "name" | "sequence" | "replySteps">): Promise<Renderer> {
  const stepsWithTemplates = [...campaign.sequence, ...campaign.replySteps].flatMap((s) =>
    s.template === undefined ? [] : [{ id: s.id, file: s.template }],
  );
  const problems: Problem[] = [];
  const environments = new Map<string, Environment>();
  const steps = new Map<string, CompiledStep>();

  for (const { id, file } of stepsWithTemplates) {
    const dir = dirname(file);
    let environment = environments.get(dir);
    if (environment === undefined) {
      environment = await createEnvironment(dir, problems);
      environments.set(dir, environment);
    }
    const { env, partials } = environment;
    const parsed = parseTemplate(env, file, await readTemplate(file, `template of step "${id}"`));
    if (!parsed.ok) {
      problems.push(parsed.problem);
      continue;
    }
    const analysis = analyzeTemplate(file, parsed.ast, new Set(Object.keys(env.helpers)), partials);
    steps.set(id, {
      id,
      file,
      template: env.compile(parsed.ast, COMPILE_OPTIONS),
      required: analysis.required,
      columns: analysis.columns,
      names: analysis.names,
      faults: analysis.faults.map(templateError),
      spaced: analysis.spaced,
      context: { id },
    });
  }
  // Syntax errors leave nothing to render: they stop here. Other template errors are counted per lead.
  if (problems.length > 0) {
    throw new UserError(`${problems.length} template problem${problems.length === 1 ? "" : "s"}; nothing was sent`, {
      problems,
      hint: "Fix the templates; nothing was sent.",
    });
  }

  const campaignContext = { name: campaign.name };
  const columns = new ColumnResolver();
  // The context of the last lead rendered, reused for its other steps: copying the lead's fields
  // is the largest per-call cost, and callers render a lead's steps back to back (a dry run renders
  // every step of a lead in a row). Leads are treated as immutable once read.
  let lastLead: Lead | undefined;
  let fields: Record<string, string> = {};
  let context: Record<string, unknown> = {};
  return {
    stepIds: [...steps.keys()],
    render(stepId, lead) {
      const step = steps.get(stepId);
      if (step === undefined) throw new Error(`render: step "${stepId}" has no template`);
      if (lead !== lastLead) {
        // Read once per lead: a run's compact leads decode their fields on each read (read-leads.ts).
        fields = lead.fields;
        context = Object.assign(Object.create(null) as Record<string, unknown>, fields);
        context.lead = { id: lead.id, username: lead.username, position: lead.position };
        context.campaign = campaignContext;
        lastLead = lead;
      }
      context.step = step.context;
      const unknown = resolveColumns(step, fields, context, columns);
      if (step.spaced.length > 0) {
        const headers = Object.keys(fields);
        const spaced = step.spaced.map(({ at, ...call }) => templateError({ ...at, message: spacedCallFault(call, headers) }));
        return { ok: false, errors: [...step.faults, ...spaced, ...unknown] };
      }
      if (step.faults.length > 0 || unknown.length > 0) return { ok: false, errors: [...step.faults, ...unknown] };
      const missing = checkRequired(step.required, context);
      if (missing.length > 0) return { ok: false, errors: missing };
      let text: string;
      try {
        const spin: SpinState = { seed: spinSeed(lead.id, step.id), count: 0 };
        text = step.template(context, { data: { spin } }).trim();
      } catch (error) {
        return { ok: false, errors: [runtimeError(step.file, error)] };
      }
      const problems = checkRenderedText(text);
      if (problems.length > 0) return { ok: false, errors: problems.map((message) => ({ message })) };
      const notes = unusualNames(step.names, context);
      return notes.length > 0 ? { ok: true, text, notes } : { ok: true, text };
    },
  };
}

/**
 * Every column the step names must be in the CSV (by header or alias): a missing one is a template
 * error, the same for every lead. An alias is copied into the context under its own name.
 */
function resolveColumns(step: CompiledStep, fields: Record<string, string>, context: Record<string, unknown>, columns: ColumnResolver): RenderError[] {
  const errors: RenderError[] = [];
  for (const ref of step.columns) {
    if (ref.parts.length === 1 && Object.hasOwn(fields, ref.name)) continue; // the common case: a header as written
    const found = columns.resolve(ref.parts, fields);
    if ("message" in found) errors.push({ variable: ref.name, ...templateError({ ...ref.at, message: found.message }) });
    else if (found.header !== ref.name) context[ref.name] = fields[found.header];
  }
  return errors;
}

async function createEnvironment(dir: string, problems: Problem[]): Promise<Environment> {
  const env = Handlebars.create();
  registerHelpers(env);
  const found = await readPartials(env, dir);
  problems.push(...found.problems);
  // Registered compiled: a partial registered as a string is recompiled on every render.
  for (const [name, partial] of found.partials) env.registerPartial(name, env.compile(partial.ast, COMPILE_OPTIONS));
  return { env, partials: found.partials };
}

function templateError(problem: Problem): RenderError {
  return { message: formatProblem(problem), scope: "template", problem };
}

function checkRequired(required: readonly RequiredVariable[], context: Record<string, unknown>): RenderError[] {
  const errors: RenderError[] = [];
  for (const variable of required) {
    const value = valueOf(variable, context);
    if (variable.asFirstName) {
      if (isBlank(value) || parseFirstName(String(value)).first !== "") continue;
      errors.push({
        variable: variable.name,
        message: `${variable.where}: "${variable.name}" has no first name in it for this lead (${JSON.stringify(value)}); fix the CSV or give a fallback: {{default (firstName ${variable.name}) "there"}}`,
      });
    } else if (isBlank(value)) {
      errors.push({ variable: variable.name, message: `${variable.where}: "${variable.name}" is empty for this lead; fill it in the CSV or give a fallback: {{default ${variable.name} "…"}}` });
    }
  }
  return errors;
}

function valueOf(variable: Pick<RequiredVariable, "parts">, context: Record<string, unknown>): unknown {
  let value: unknown = context;
  for (const part of variable.parts) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
  return value;
}

function unusualNames(names: readonly ColumnReference[], context: Record<string, unknown>): RenderNote[] {
  const notes: RenderNote[] = [];
  for (const variable of names) {
    const value = valueOf(variable, context);
    if (typeof value !== "string" || isBlank(value)) continue;
    const parsed = parseFirstName(value);
    if (parsed.unusual !== undefined) notes.push({ variable: variable.name, value, firstName: parsed.first, reason: parsed.unusual });
  }
  return notes;
}

/** Strict mode's `"x" not defined in [object Object] - 3:4` → the variable and its template position. */
function runtimeError(file: string, error: unknown): RenderError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  if (match) {
    const [, variable = "", line, column] = match;
    return { variable, message: `${file}:${line}:${Number(column) + 1}: "${variable}" is not defined for this lead` };
  }
  return { message: `${file}: ${message}` };
}
