import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { parseTemplate } from "../../../src/render/load.js";

/** The problem a user reads for a template that does not parse: where, and what to write instead. */
function problemFor(source: string): { line?: number; column?: number; message: string } {
  const r = parseTemplate(Handlebars.create(), "t.hbs", source);
  if (r.ok) throw new Error("parsed");
  const { line, column, message } = r.problem;
  return { ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}), message };
}

describe("template syntax errors in plain words, with line:col", () => {
  it.each([
    ["an unclosed block", "a\n{{#if company}}\nb\n", 4, "{{#if}} opened on line 2 is never closed: add {{/if}} where the block ends"],
    ["blocks closed out of order", "{{#if x}}\n{{/each}}", 1, "{{/each}} closes {{#if}}: close blocks in the reverse order they were opened ({{#if}}…{{/if}})"],
    ["an empty mustache", "Hi {{ }}", 1, 'empty {{ }}: put a variable name between the braces, e.g. {{first_name}} near "Hi {{ }}"'],
    ["three closing braces", "Hi {{name}}}", 1, 'three closing braces }}} where two were expected near "Hi {{name}}}"'],
    ["triple braces closed with two", "Hi {{{name}}", 1, 'a {{{…}}} opened with three braces is closed with two near "Hi {{{name}}"'],
    ["an else outside a block", "x\n{{else}}", 2, '{{else}} outside a block: it belongs between {{#if …}} and {{/if}} (or #unless, #each) near "{{else}}"'],
    ["a mustache never closed", "Hi\nthere {{name}\n", 2, 'a {{…}} here is not closed with }}, or holds a character a variable name cannot have near "there {{name}"'],
  ])("%s", (_name, source, line, message) => {
    const p = problemFor(source);
    expect(p.line).toBe(line);
    expect(p.message).toContain(`template syntax error: ${message}`);
    // No parser dump: no token names, no caret line.
    expect(p.message).not.toMatch(/Expecting|'[A-Z_]{4,}'|-\^/);
  });
});
