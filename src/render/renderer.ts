/**
 * The message renderer: every template is read, parsed, checked and compiled once, before any lead;
 * `render()` is then a synchronous, allocation-light call per (step, lead).
 *
 * Template variables (built-ins win over a CSV column of the same name):
 *   <column>          every CSV column by its header name, e.g. {{company}}, {{full_name}}
 *   lead.id           the lead's X user id
 *   lead.username     the username column's value (when configured and non-empty)
 *   lead.position     1-based row position in the CSV
 *   campaign.name     the campaign's name
 *   step.id           the step being rendered
 * A variable that is missing or empty/whitespace for a lead rejects that lead for this step, unless
 * the template gives a fallback ({{default company "your team"}}) or guards it ({{#if company}}…).
 * Helpers: see helpers.ts. Output is plain text (no HTML escaping) and trimmed.
 */
import { dirname } from "node:path";
import Handlebars from "handlebars";
import type { Campaign } from "../config/types.js";
import { UserError, type Problem } from "../errors.js";
import type { Lead } from "../leads/types.js";
import { analyzeTemplate, type PartialSource, type RequiredVariable } from "./analyze.js";
import { checkRenderedText } from "./checks.js";
import { isBlank, registerHelpers, spinSeed, type SpinState } from "./helpers.js";
import { parseTemplate, readPartials, readTemplate } from "./load.js";

export interface RenderError {
  /** The variable at fault, when one is. */
  variable?: string;
  message: string;
}

export type RenderResult = { ok: true; text: string } | { ok: false; errors: RenderError[] };

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
    problems.push(...analysis.faults);
    steps.set(id, { id, file, template: env.compile(parsed.ast, COMPILE_OPTIONS), required: analysis.required, context: { id } });
  }
  if (problems.length > 0) {
    throw new UserError(`${problems.length} template problem${problems.length === 1 ? "" : "s"}; nothing was sent`, {
      problems,
      hint: "Fix the templates; nothing was sent.",
    });
  }

  const campaignContext = { name: campaign.name };
  // The context of the last lead rendered, reused for its other steps: copying the lead's fields
  // is the largest per-call cost, and callers render a lead's steps back to back (a dry run renders
  // every step of a lead in a row). Leads are treated as immutable once read.
  let lastLead: Lead | undefined;
  let context: Record<string, unknown> = {};
  return {
    stepIds: [...steps.keys()],
    render(stepId, lead) {
      const step = steps.get(stepId);
      if (step === undefined) throw new Error(`render: step "${stepId}" has no template`);
      if (lead !== lastLead) {
        context = {
          ...lead.fields,
          lead: { id: lead.id, username: lead.username, position: lead.position },
          campaign: campaignContext,
          step: step.context,
        };
        lastLead = lead;
      }
      context.step = step.context;
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
      return problems.length > 0 ? { ok: false, errors: problems.map((message) => ({ message })) } : { ok: true, text };
    },
  };
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

function checkRequired(required: readonly RequiredVariable[], context: Record<string, unknown>): RenderError[] {
  const errors: RenderError[] = [];
  for (const variable of required) {
    let value: unknown = context;
    for (const part of variable.parts) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
    if (!isBlank(value)) continue;
    const top = variable.parts[0] ?? "";
    const what = Object.hasOwn(context, top)
      ? `is empty for this lead; fill it in the CSV or give a fallback: {{default ${variable.name} "…"}}`
      : `is not a CSV column or a built-in variable (columns: ${Object.keys(context).filter((k) => !BUILT_INS.has(k)).join(", ")})`;
    errors.push({ variable: variable.name, message: `${variable.where}: "${variable.name}" ${what}` });
  }
  return errors;
}

const BUILT_INS = new Set(["lead", "campaign", "step"]);

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
