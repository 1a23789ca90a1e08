import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SequenceStep } from "../../../src/config/types.js";
import type { Lead } from "../../../src/leads/types.js";
import { createRenderer, type Renderer, type RenderResult } from "../../../src/render/renderer.js";
import { safeAlias } from "../../../src/render/variables.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "variables-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let dirCount = 0;
async function rendererFor(source: string, partials: Record<string, string> = {}): Promise<Renderer> {
  const dir = join(root, `t${dirCount++}`);
  await mkdir(join(dir, "partials"), { recursive: true });
  for (const [name, text] of Object.entries(partials)) await writeFile(join(dir, "partials", `${name}.hbs`), text);
  await writeFile(join(dir, "s.hbs"), source);
  const sequence: SequenceStep[] = [{ kind: "sequence", id: "s", template: join(dir, "s.hbs"), afterMs: 0, index: 0 }];
  return createRenderer({ name: "Test campaign", sequence, replySteps: [] });
}

/** Fields as read-leads makes them: a null-prototype object, so a "__proto__" header is an ordinary key. */
function lead(fields: Record<string, string>, id = "1500000000000000151"): Lead {
  return { id, position: 1, line: 2, fields: Object.assign(Object.create(null) as Record<string, string>, fields) };
}

const text = (r: RenderResult): string => {
  if (!r.ok) throw new Error(`render failed: ${JSON.stringify(r.errors)}`);
  return r.text;
};
const errorsOf = (r: RenderResult): { variable?: string; message: string; scope?: string }[] => {
  if (r.ok) throw new Error(`render unexpectedly succeeded: ${r.text}`);
  return r.errors;
};

describe("safe aliases of CSV headers", () => {
  it.each([
    ["First Name", "first_name"],
    ["E-mail (work)", "e_mail_work"],
    ["Company.Name", "company_name"],
    ["  Job   title ", "job_title"],
    ["Prénom", undefined],
    ["Company", undefined],
    ["first_name", undefined],
    ["2nd company", "2nd_company"],
    ["???", undefined],
  ])("%j → %j", (header, alias) => {
    expect(safeAlias(header)).toBe(alias);
  });

  it("a header with spaces renders by its alias and by Handlebars' bracket form", async () => {
    const r = await rendererFor("Hi {{first_name}} / {{[First Name]}} / {{e_mail_work}}");
    expect(text(r.render("s", lead({ x_user_id: "1", "First Name": "Noor", "E-mail (work)": "n@x.io" })))).toBe("Hi Noor / Noor / n@x.io");
  });

  it("an alias is empty-checked like any variable", async () => {
    const r = await rendererFor("Hi {{first_name}}");
    expect(errorsOf(r.render("s", lead({ "First Name": " " })))[0]?.message).toMatch(/"first_name" is empty for this lead/);
  });

  it("two headers with one alias: the alias is refused, naming both bracket forms", async () => {
    const r = await rendererFor("Hi {{first_name}}");
    const [error] = errorsOf(r.render("s", lead({ "First Name": "A", "first-name": "B" })));
    expect(error?.scope).toBe("template");
    expect(error?.message).toContain('alias of several columns ("First Name", "first-name"); write the one you mean as {{[First Name]}} or {{[first-name]}}');
  });
});

describe("template errors: the template is at fault, the same for every lead", () => {
  it.each([
    ["a header written with its space", "Hi {{First Name}}, quick question.", /s\.hbs:1:4: \{\{First Name\}\} reads as a helper "First" applied to Name, and there is no such helper\. The CSV has no column "First Name" either\. Columns: \{\{name\}\}, \{\{company\}\}/],
    ["an unknown helper", "hi\n  {{shout name}}", /s\.hbs:2:3: .*no such helper/],
    ["a wrong number of arguments", '{{default a}}', /s\.hbs:1:1: helper "default" takes 2 arguments, got 1/],
    ["an unknown partial", "{{> footer}}", /s\.hbs:1:1: unknown partial "footer"/],
    ["an unknown field of lead", "Hi {{lead.name}}", /s\.hbs:1:4: \{\{lead\.name\}\} is not a variable: "lead" has \{\{lead\.id\}\}, \{\{lead\.username\}\}, \{\{lead\.position\}\}/],
    ["an unknown field of campaign", "{{campaign.id}}", /\{\{campaign\.id\}\} is not a variable: "campaign" has \{\{campaign\.name\}\}/],
    ["a built-in group as a value", "{{lead}}", /\{\{lead\}\} is a group of built-in variables, not a value/],
    ["an unknown helper inside each", "{{#each items}}{{shout this}}{{/each}}", /unknown helper "shout"|no such helper/],
  ])("%s", async (_name, source, message) => {
    const r = await rendererFor(source);
    const errors = errorsOf(r.render("s", lead({ name: "x", company: "Acme" })));
    expect(errors.map((e) => e.message).join("\n")).toMatch(message);
    expect(errors.every((e) => e.scope === "template")).toBe(true);
  });

  it.each([
    ["a typo", "Hi {{compnay}}", /s\.hbs:1:4: \{\{compnay\}\} is not a CSV column or a built-in variable\. Did you mean \{\{company\}\}\? Columns: \{\{x_user_id\}\}, \{\{first_name\}\}, \{\{company\}\}/],
    ["a typo behind a fallback", '{{default compnay "you"}}', /\{\{compnay\}\} is not a CSV column/],
    ["a typo behind a guard", "{{#if compnay}}x{{/if}}y", /\{\{compnay\}\} is not a CSV column/],
    ["toString", "Hi {{toString}}", /\{\{toString\}\} is not a CSV column or a built-in variable \("toString" is a name every JavaScript object has, not a value; it works only as a CSV column\)/],
    ["constructor", "{{constructor}}", /"constructor" is a name every JavaScript object has/],
    ["__proto__", "{{__proto__}}", /"__proto__" is a name every JavaScript object has/],
    ["hasOwnProperty", "{{lower hasOwnProperty}}", /"hasOwnProperty" is a name every JavaScript object has/],
    ["a path into a text column", "{{company.name}}", /the column "company" is text and has no "\.name"; write \{\{company\}\}/],
    ["a header with a dot, as a path", "{{Company.Name}}", /"Company\.Name" is one CSV column: write \{\{company_name\}\} \(or \{\{\[Company\.Name\]\}\}\)/],
  ])("an unknown variable: %s", async (_name, source, message) => {
    const r = await rendererFor(source);
    const fields = { x_user_id: "1", "First Name": "Noor", company: "Acme", ...(source.includes("Company.Name") ? { "Company.Name": "X" } : {}) };
    const errors = errorsOf(r.render("s", lead(fields)));
    expect(errors.map((e) => e.message).join("\n")).toMatch(message);
    expect(errors[0]?.scope).toBe("template");
  });

  it("{{First Name}} when the CSV has no such column: a suggestion the renderer would accept, never a made-up alias", async () => {
    const r = await rendererFor("Hi {{First Name}}, quick question.");
    const [error] = errorsOf(r.render("s", lead({ x_user_id: "1", firstname: "Noor", company: "Acme" })));
    expect(error?.message).toContain('The CSV has no column "First Name" either. Did you mean {{firstname}}?');
    expect(error?.message).not.toContain("{{first_name}}");
    const fixed = await rendererFor("Hi {{firstname}}, quick question.");
    expect(text(fixed.render("s", lead({ x_user_id: "1", firstname: "Noor", company: "Acme" })))).toBe("Hi Noor, quick question.");
  });

  it("every lead gets the same template error, so callers can count it once", async () => {
    const r = await rendererFor("Hi {{lead.name}}");
    const messages = ["1", "2", "3"].map((id) => errorsOf(r.render("s", lead({ name: "x" }, id)))[0]?.message);
    expect(new Set(messages).size).toBe(1);
  });

  it("a value's own problem is not a template error", async () => {
    const r = await rendererFor("Hi {{name}}");
    expect(errorsOf(r.render("s", lead({ name: "" })))[0]?.scope).toBeUndefined();
  });
});

describe("prototype names as CSV columns work like any column", () => {
  it("constructor, toString and __proto__ columns render their values", async () => {
    const r = await rendererFor("Hi {{name}} from {{constructor}} / {{__proto__}} / {{[toString]}}.");
    const fields = lead({ name: "Noor", constructor: "Acme", toString: "Gamma" });
    Object.defineProperty(fields.fields, "__proto__", { value: "Beta", enumerable: true, writable: true, configurable: true });
    expect(text(r.render("s", fields))).toBe("Hi Noor from Acme / Beta / Gamma.");
  });

  it("an empty __proto__ column is empty, not silently skipped", async () => {
    const r = await rendererFor("Hi {{__proto__}}");
    const l = lead({});
    Object.defineProperty(l.fields, "__proto__", { value: "", enumerable: true, writable: true, configurable: true });
    expect(errorsOf(r.render("s", l))[0]?.message).toMatch(/"__proto__" is empty for this lead/);
  });
});

describe("firstName: a value with no first name counts as empty", () => {
  it("blocks 'Hi 🚀,' and says how to give a fallback", async () => {
    const r = await rendererFor("Hi {{firstName full_name}},");
    const [error] = errorsOf(r.render("s", lead({ full_name: "🚀" })));
    expect(error?.message).toMatch(/s\.hbs:1:4: "full_name" has no first name in it for this lead \("🚀"\); fix the CSV or give a fallback: \{\{default \(firstName full_name\) "there"\}\}/);
    expect(error?.scope).toBeUndefined();
  });

  it("the fallback form renders the fallback, and flags the name as unusual", async () => {
    const r = await rendererFor('Hi {{default (firstName full_name) "there"}},');
    const result = r.render("s", lead({ full_name: "🇺🇸" }));
    expect(text(result)).toBe("Hi there,");
    expect(result.ok && result.notes).toEqual([{ variable: "full_name", value: "🇺🇸", firstName: "", reason: "emoji or symbols removed; no first name in it" }]);
  });

  it("a name with decoration renders its first name and carries a note", async () => {
    const r = await rendererFor("Hi {{firstName full_name}},");
    const result = r.render("s", lead({ full_name: "Dr. Jane Doe 🚀 | Founder @acme" }));
    expect(text(result)).toBe("Hi Jane,");
    expect(result.ok && result.notes?.[0]?.reason).toBe("emoji or symbols removed; text besides the name removed");
  });

  it("an ordinary name has no note", async () => {
    const r = await rendererFor("Hi {{firstName full_name}},");
    const result = r.render("s", lead({ full_name: "Jane Doe, PhD" }));
    expect(result).toEqual({ ok: true, text: "Hi Jane," });
  });
});
