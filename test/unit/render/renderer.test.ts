import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SequenceStep } from "../../../src/config/types.js";
import { UserError, formatProblem } from "../../../src/errors.js";
import type { Lead } from "../../../src/leads/types.js";
import { contentHash } from "../../../src/render/content-hash.js";
import { createRenderer, type Renderer, type RenderResult } from "../../../src/render/renderer.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "renderer-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
/** Writes templates (and partials/<name>.hbs) into a fresh folder; one sequence step per template. */
async function rendererFor(templates: Record<string, string>, partials: Record<string, string> = {}): Promise<Renderer> {
  const dir = join(root, `t${dirCount++}`);
  await mkdir(join(dir, "partials"), { recursive: true });
  for (const [name, source] of Object.entries(partials)) await writeFile(join(dir, "partials", `${name}.hbs`), source);
  const sequence: SequenceStep[] = [];
  for (const [id, source] of Object.entries(templates)) {
    await writeFile(join(dir, `${id}.hbs`), source);
    sequence.push({ kind: "sequence", id, template: join(dir, `${id}.hbs`), afterMs: 0, index: sequence.length });
  }
  return createRenderer({ name: "Test campaign", sequence, replySteps: [] });
}

async function failure(templates: Record<string, string>, partials: Record<string, string> = {}): Promise<UserError> {
  const error = await rendererFor(templates, partials).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

function lead(fields: Record<string, string>, id = "1234567890"): Lead {
  return { id, position: 1, line: 2, username: "jane_test", fields };
}

function text(result: RenderResult): string {
  if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.errors)}`);
  return result.text;
}

function errors(result: RenderResult): { variable?: string; message: string }[] {
  if (result.ok) throw new Error(`render unexpectedly succeeded: ${result.text}`);
  return result.errors;
}

describe("createRenderer + render", () => {
  it("renders columns, built-ins and helpers as plain trimmed text", async () => {
    const r = await rendererFor({
      intro: "\n{{firstName full_name}} at {{company}} & co ({{lead.id}}, @{{lead.username}}, #{{lead.position}}, {{campaign.name}}, {{step.id}})\n",
    });
    expect(text(r.render("intro", lead({ full_name: "Jane Doe", company: "<Acme>" })))).toBe(
      "Jane at <Acme> & co (1234567890, @jane_test, #1, Test campaign, intro)",
    );
    expect(r.stepIds).toEqual(["intro"]);
  });

  it.each([
    ["empty value", "Hi {{name}}", { name: "" }, "name", /"name" is empty for this lead/],
    ["whitespace value", "Hi {{name}}", { name: "   " }, "name", /fallback: \{\{default name/],
    ["empty helper argument", "Hi {{firstName name}}", { name: "" }, "name", /is empty/],
    ["empty fallback variable", "Hi {{default nick name}}", { nick: "", name: "" }, "name", /is empty/],
    ["missing built-in", "Hi @{{lead.username}}", {}, "lead.username", /"lead.username" is empty/],
    ["outside its guard", "{{#if a}}{{a}}{{/if}} {{b}}", { a: "", b: "" }, "b", /:1:23: "b"/],
  ])("%s is an error for that lead", async (_name, source, fields, variable, message) => {
    const r = await rendererFor({ s: source });
    const l: Lead = { id: "1", position: 1, line: 2, fields };
    const [error, ...rest] = errors(r.render("s", l));
    expect(rest).toEqual([]);
    expect(error?.variable).toBe(variable);
    expect(error?.message).toMatch(message);
  });

  it.each([
    ["default fallback", '{{default company "your team"}}', { company: "" }, "your team"],
    ["if guard", "Hi{{#if company}} from {{company}}{{/if}}!", { company: "" }, "Hi!"],
    ["if/else guard", "{{#if company}}{{company}}{{else}}you{{/if}}", { company: " " }, "you"],
    ["unless inverse guard", "{{#unless company}}you{{else}}{{company}}{{/unless}}", { company: "Acme" }, "Acme"],
    ["guarded subexpression", "{{#if (lower company)}}x{{/if}}y", { company: " " }, "y"],
  ])("%s lets an empty value through", async (_name, source, fields, expected) => {
    const r = await rendererFor({ s: source });
    expect(text(r.render("s", lead(fields)))).toBe(expected);
  });

  it("renders partials from the partials folder, checking their variables too", async () => {
    const r = await rendererFor({ s: "Hi\n\n{{> signoff}}" }, { signoff: "— {{sender}}" });
    expect(text(r.render("s", lead({ sender: "Sam" })))).toBe("Hi\n\n— Sam");
    expect(errors(r.render("s", lead({ sender: "" })))[0]?.message).toMatch(/signoff\.hbs:1:3: "sender" is empty/);
  });

  it("spin is deterministic per lead and step, and varies across leads", async () => {
    const r = await rendererFor({ a: '{{spin "1" "2" "3" "4"}}{{#spin}}a|b|c|d{{/spin}}', b: '{{spin "1" "2" "3" "4"}}{{#spin}}a|b|c|d{{/spin}}' });
    const texts = Array.from({ length: 40 }, (_, i) => text(r.render("a", lead({}, String(1000 + i)))));
    expect(Array.from({ length: 40 }, (_, i) => text(r.render("a", lead({}, String(1000 + i)))))).toEqual(texts);
    expect(new Set(texts.map((t) => t[0])).size).toBe(4); // every variant of the first spin is used
    expect(new Set(texts).size).toBeGreaterThan(8); // the two spins in one message vary independently
    const otherStep = Array.from({ length: 40 }, (_, i) => text(r.render("b", lead({}, String(1000 + i)))));
    expect(otherStep).not.toEqual(texts);
  });

  it.each([
    ["empty", "{{#if x}}text{{/if}}  \n", { x: "" }, /empty after rendering/],
    ["too long", "{{body}}", { body: "a".repeat(10_001) }, /10001 characters; X's DM limit is 10000 \(reference\.md §10\)/],
    ["leftover syntax", "Hi { {name}}", { name: "x" }, /still contains "\{\{" or "\}\}"/],
    ["leftover syntax from a value", "Hi {{name}}", { name: "{{oops}}" }, /still contains/],
  ])("rejects a rendered message that is %s", async (_name, source, fields, message) => {
    const r = await rendererFor({ s: source });
    expect(errors(r.render("s", lead(fields)))[0]?.message).toMatch(message);
  });

  it("accepts exactly 10,000 characters, counting an emoji as one", async () => {
    const r = await rendererFor({ s: "{{body}}" });
    expect(text(r.render("s", lead({ body: "😀".repeat(10_000) }))).length).toBe(20_000);
  });

  it("reads each template once: later file changes do not affect renders", async () => {
    const r = await rendererFor({ s: "v1 {{a}}" });
    expect(text(r.render("s", lead({ a: "x" })))).toBe("v1 x");
  });

  it("throws for a step without a template (a caller bug, not a lead problem)", async () => {
    const r = await rendererFor({ s: "x" });
    expect(() => r.render("nope", lead({}))).toThrow(/step "nope" has no template/);
  });
});

describe("createRenderer: syntax errors are UserErrors with file:line:col", () => {
  it.each([
    ["unclosed mustache", { s: "Hi\nthere {{name}\n" }, /s\.hbs:2:\d+: template syntax error/],
    ["unclosed block", { s: "a\n{{#if x}}\nb\n" }, /s\.hbs:4(:\d+)?: template syntax error/],
    ["mismatched block", { s: "{{#if x}}\n{{/each}}" }, /s\.hbs:1:4: template syntax error: \{\{\/each\}\} closes \{\{#if\}\}/],
  ])("%s", async (_name, templates, message) => {
    const error = await failure(templates);
    // What the user reads: main.ts prints each problem as file:line:col: message.
    expect(error.details.problems?.map(formatProblem).join("\n")).toMatch(message);
    expect(error.details.problems?.[0]?.line).toBeTypeOf("number");
  });

  it("reports every template's syntax errors at once, partials included", async () => {
    const error = await failure({ a: "{{x}", b: "{{x" }, { p: "{{#if}}" });
    expect(error.details.problems?.map((p) => p.file.split("/").pop())).toEqual(["p.hbs", "a.hbs", "b.hbs"]);
  });

  it("a missing template file is a UserError", async () => {
    const sequence: SequenceStep[] = [{ kind: "sequence", id: "s", template: join(root, "missing.hbs"), afterMs: 0, index: 0 }];
    await expect(createRenderer({ name: "x", sequence, replySteps: [] })).rejects.toThrow(/missing\.hbs: template of step "s" does not exist/);
  });
});

describe("contentHash", () => {
  it("is the first 32 hex characters of sha256", () => {
    expect(contentHash("hello")).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e");
    expect(contentHash("hello ")).not.toBe(contentHash("hello"));
  });
});
