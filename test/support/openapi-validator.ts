/**
 * Validates response bodies against the 200 response schema of an operation in spec/openapi-v1.json
 * (OpenAPI 3.1 = JSON Schema 2020-12, hence ajv/dist/2020). `#/components/schemas/*` refs are rewritten
 * to `#/$defs/*` of one self-contained schema per operation.
 *
 * Two adjustments, both deliberate:
 * - `{ "not": {} }` (matches nothing) is read as "any value". The spec's generator emits it for the
 *   untyped Message fields `entities`, `attachment`, `replyData`, `forwardData` and reaction items, which
 *   are also *required*, so a literal reading would reject every Message ever sent; openapi-typescript
 *   reads them as `unknown` too (src/inbox/openapi.d.ts).
 * - By default objects reject properties the spec does not declare (`unevaluatedProperties: false`, which
 *   sees through `allOf` and `$ref`), so a field the real API never sends fails the contract test before a
 *   client comes to depend on it. Pass `{ allowExtraProperties: true }` to turn that off.
 */
import { readFileSync } from "node:fs";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ErrorObject } from "ajv";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Operation {
  operationId?: string;
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const SPEC_URL = new URL("../../spec/openapi-v1.json", import.meta.url);
const spec = JSON.parse(readFileSync(SPEC_URL, "utf8")) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

// ajv and ajv-formats are CommonJS: under NodeNext the default import is the module object.
type AjvCtor = typeof Ajv2020Module.default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: AjvCtor }).default ?? Ajv2020Module) as AjvCtor;
type AddFormats = typeof addFormatsModule.default;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Rewrites a schema: refs into $defs, `not: {}` into `{}`, and (strict) `unevaluatedProperties: false` on
 * every object that is complete where it stands, i.e. not an `allOf` branch (a sibling branch may declare
 * more properties) and not a component root (its use site decides, since it may sit inside an `allOf`).
 */
function transform(schema: Json, strict: boolean, place: "normal" | "allOfBranch" | "defRoot"): Json {
  if (Array.isArray(schema)) return schema.map((s) => transform(s, strict, "normal"));
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "not" && isObject(value) && Object.keys(value).length === 0) {
      continue; // see the file comment: "matches nothing" read as "any value"
    } else if (key === "$ref" && typeof value === "string") {
      out[key] = value.replace("#/components/schemas/", "#/$defs/");
    } else if (key === "allOf" && Array.isArray(value)) {
      out[key] = value.map((s) => transform(s, strict, "allOfBranch"));
    } else if (key === "properties" && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, s]) => [k, transform(s, strict, "normal")]));
    } else if (key === "examples" || key === "description") {
      out[key] = value;
    } else {
      out[key] = transform(value, strict, "normal");
    }
  }
  const isCompleteObject = "properties" in out || "allOf" in out || typeof out["$ref"] === "string";
  if (strict && place === "normal" && isCompleteObject && !("unevaluatedProperties" in out)) {
    // A $ref to a component (which may be an allOf) is closed here, at its use site.
    out["unevaluatedProperties"] = false;
  }
  return out;
}

function findOperation(operationId: string): Operation {
  for (const methods of Object.values(spec.paths)) {
    for (const op of Object.values(methods)) if (op.operationId === operationId) return op;
  }
  throw new Error(`operationId "${operationId}" is not in spec/openapi-v1.json`);
}

export interface ValidatorOptions {
  /** Accept properties the spec does not declare. Default false. */
  allowExtraProperties?: boolean;
}

export type Validate = (body: unknown) => string[];

const cache = new Map<string, Validate>();

/** A validator for the JSON body of `operationId`'s 200 response; returns readable errors, [] when valid. */
export function responseValidator(operationId: string, options: ValidatorOptions = {}): Validate {
  const strict = options.allowExtraProperties !== true;
  const key = `${operationId}:${strict}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const schema = findOperation(operationId).responses?.["200"]?.content?.["application/json"]?.schema;
  if (schema === undefined) throw new Error(`${operationId} has no application/json 200 response schema`);
  const defs = Object.fromEntries(
    Object.entries(spec.components.schemas).map(([name, s]) => [name, transform(s, strict, "defRoot")]),
  );
  const root = transform(schema, strict, "normal");
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const compiled = ajv.compile({ ...(isObject(root) ? root : { const: root }), $defs: defs });
  const validate: Validate = (body) =>
    compiled(body) ? [] : (compiled.errors ?? []).map((e: ErrorObject) => `${e.instancePath || "/"} ${e.message ?? "invalid"} ${JSON.stringify(e.params)}`);
  cache.set(key, validate);
  return validate;
}
