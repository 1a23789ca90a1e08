/**
 * Turns zod issues into human problems. zod reports in its own terms ("invalid_union",
 * "unrecognized_keys"); users need "unknown key "perHuor" — did you mean "perHour"?" at the key's
 * line. Every value problem reads `expected X, got Y`: X comes from the schema (or `expectation`
 * below for zod's generic checks) and Y from the raw YAML value.
 */
import { z } from "zod";
import { type ConfigProblem, describeValue, isRecord, suggest, valueAt } from "./problem.js";
import { suggestDuration } from "./duration.js";
import { campaignSchema, type CampaignInput } from "./schema.js";

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping (key: value pairs)",
};

/**
 * The per-parse error map: the expectation for checks that carry no message of their own in the
 * schema. Schema-level messages win over this one (zod's precedence).
 */
export const expectation: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      if (issue.origin === "array") return `expected at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"}`;
      if (issue.origin === "string") return issue.minimum === 1 ? "expected a non-empty string" : `expected at least ${issue.minimum} characters`;
      return `expected at least ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `expected at most ${issue.maximum} items`;
      if (issue.origin === "string") return `expected at most ${issue.maximum} characters`;
      return `expected at most ${issue.maximum}`;
    case "invalid_format":
      return issue.pattern ? `expected a string matching ${issue.pattern}` : `expected a valid ${issue.format}`;
    default:
      return undefined;
  }
};

/** Schema validation of the raw YAML value: the parsed input (defaults applied) or every problem found. */
export function validateSchema(raw: unknown): { data?: CampaignInput; problems: ConfigProblem[] } {
  const result = campaignSchema.safeParse(raw, { error: expectation });
  if (result.success) return { data: result.data, problems: [] };
  return { problems: result.error.issues.flatMap((issue) => issueProblems(issue, [], raw)) };
}

/** One zod issue as problems (an unknown-keys issue names several keys; a union issue is unwrapped). */
export function issueProblems(issue: Issue, prefix: readonly PropertyKey[], root: unknown): ConfigProblem[] {
  const path = [...prefix, ...issue.path];
  const value = valueAt(root, path);
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: [...path, key], anchor: "key", message: unknownKeyMessage(key, path, root) }));
    case "invalid_union": {
      const branch = pickBranch(issue.errors, value, schemaAt(path, root, false));
      if (branch) return branch.flatMap((inner) => issueProblems(inner, path, root));
      break;
    }
    case "invalid_type":
      if (value === undefined && path.length > 0) {
        return [{ path, anchor: "parent", message: `missing required key "${String(path.at(-1))}"` }];
      }
      break;
  }
  let message = `${issue.message}, got ${describeValue(value)}`;
  if (issue.code === "invalid_value" && typeof value === "string") {
    const guess = suggest(value, issue.values.map(String));
    if (guess !== undefined) message += ` — did you mean "${guess}"?`;
  }
  // Durations and pauses ("3 days", "45 sec - 3 min") get the spelling that works.
  if (typeof value === "string" && /^expected (?:a duration|a pause)/.test(issue.message)) {
    const guess = suggestDuration(value);
    if (guess !== undefined) message += ` — did you mean "${guess}"?`;
  }
  return [{ path, anchor: "value", message }];
}

function unknownKeyMessage(key: string, objectPath: readonly PropertyKey[], root: unknown): string {
  const here = schemaAt(objectPath, root);
  const guess = suggest(key, objectKeys(here).filter((known) => known !== key));
  if (guess !== undefined) return `unknown key "${key}" — did you mean "${guess}"?`;
  // A key that belongs to the other kind of step usually means `on: reply` was added or forgotten.
  const container = schemaAt(objectPath, root, false);
  if (container instanceof z.ZodUnion) {
    const owner = (container.options as readonly Schema[]).find((option) => objectKeys(option).includes(key));
    const title = owner && z.globalRegistry.get(owner)?.title;
    if (title) return `unknown key "${key}": only a ${title.toLowerCase()} has it`;
  }
  return `unknown key "${key}"`;
}

/**
 * Which alternative of a union the user meant, so we report that alternative's problems rather
 * than a vague "no alternative matched". Alternatives of the wrong type are out; among the rest,
 * literal keys decide (a mapping with `on:` is a reply step), then the fewest problems.
 */
function pickBranch(branches: readonly Issue[][], value: unknown, union: Schema | undefined): Issue[] | undefined {
  const fits = branches
    .map((issues, index) => ({ issues, index }))
    .filter(({ issues }) => !issues.some((i) => i.path.length === 0 && i.code === "invalid_type"));
  if (fits.length <= 1) return fits[0]?.issues;
  const options = union instanceof z.ZodUnion ? (union.options as readonly Schema[]) : [];
  const score = (index: number): number => {
    const option = options[index];
    return option ? literalScore(option, value) * 1000 - (branches[index]?.length ?? 0) : -(branches[index]?.length ?? 0);
  };
  return fits.reduce((best, next) => (score(next.index) > score(best.index) ? next : best)).issues;
}

/** +1 for each literal key of `option` present in `value`, -1 for each absent: how strongly it claims the value. */
function literalScore(option: Schema, value: unknown): number {
  const shape = unwrap(option);
  // A mapping belongs to a mapping alternative rather than, say, a plain path (`suppression:`).
  if (!(shape instanceof z.ZodObject)) return isRecord(value) ? -1 : 0;
  if (!isRecord(value)) return 0;
  let score = 0;
  for (const [key, field] of Object.entries(shape.shape as Record<string, Schema>)) {
    if (unwrap(field) instanceof z.ZodLiteral) score += key in value ? 1 : -1;
  }
  return score;
}

/** Strip optional/default/prefault wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) s = s.unwrap() as Schema;
  return s;
}

/** The schema describing `path` in the document, following unions the way pickBranch does. */
function schemaAt(path: readonly PropertyKey[], root: unknown, resolveUnion = true): Schema | undefined {
  let schema: Schema | undefined = campaignSchema;
  for (let depth = 0; depth <= path.length && schema; depth++) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodUnion && (resolveUnion || depth < path.length)) {
      const value = valueAt(root, path.slice(0, depth));
      const options = schema.options as readonly Schema[];
      schema = options.reduce((best, option) => (literalScore(option, value) > literalScore(best, value) ? option : best));
      schema = unwrap(schema);
    }
    if (depth === path.length) break;
    const key = path[depth];
    if (schema instanceof z.ZodObject && typeof key === "string") schema = (schema.shape as Record<string, Schema>)[key];
    else if (schema instanceof z.ZodArray && typeof key === "number") schema = schema.element as Schema;
    else schema = undefined;
  }
  return schema;
}

function objectKeys(schema: Schema | undefined): string[] {
  const s = schema && unwrap(schema);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
