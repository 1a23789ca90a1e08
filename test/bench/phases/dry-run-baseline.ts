/**
 * Phase: the baseline for the dry run — the bare libraries doing the same visible work. csv-parse
 * streams the same file (one object per row, the idiomatic `columns: true`), the same templates and
 * partial are compiled once with the same options as the product's renderer (strict, noEscape), and
 * every row × step is rendered and written as one JSON line, honouring backpressure. No validation,
 * no line numbers, no checks, no schedule. (csv-parse and Handlebars are imported here on purpose:
 * the baseline is the libraries without our folders around them.)
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { parse } from "csv-parse";
import Handlebars from "handlebars";
import { PARTIALS, TEMPLATES } from "../support/fixture.js";
import { phaseArgs, sendResult } from "../support/child.js";

const { leadsFile, out, steps } = phaseArgs<{ leadsFile: string; out: string; steps: number }>();
const started = performance.now();

const options = { strict: true, noEscape: true } as const;
const env = Handlebars.create();
for (const [name, text] of Object.entries(PARTIALS)) env.registerPartial(name, env.compile(text, options));
const compiled = Object.entries(TEMPLATES)
  .slice(0, steps)
  .map(([id, text]) => ({ id, template: env.compile(text, options) }));

const sink = createWriteStream(out);
const parser = createReadStream(leadsFile).pipe(parse({ columns: true, bom: true }));
let rows = 0;
for await (const row of parser as AsyncIterable<Record<string, string>>) {
  rows++;
  for (const step of compiled) {
    const text = step.template(row).trim();
    if (!sink.write(`${JSON.stringify({ leadId: row.x_user_id, step: step.id, ok: true, text })}\n`)) await once(sink, "drain");
  }
}
sink.end();
await once(sink, "finish");
const ms = performance.now() - started;
await sendResult({ ms, rows });
