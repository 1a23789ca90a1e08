import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { registerHelpers } from "../../../src/render/helpers.js";
import { markSpinSeparators } from "../../../src/render/spin-marks.js";

const env = Handlebars.create();
registerHelpers(env);
// As the renderer compiles: parsed, block spins' separators marked, then compiled.
const render = (source: string, context: object = {}): string => env.compile(markSpinSeparators(env.parse(source)), { noEscape: true })(context);

describe("helpers", () => {
  it.each([
    ['{{default company "your team"}}', { company: "Acme" }, "Acme"],
    ['{{default company "your team"}}', { company: "  " }, "your team"],
    ['{{default company "your team"}}', {}, "your team"],
    ["{{default nick name}}", { name: "Jo" }, "Jo"],
    ["{{firstName full_name}}", { full_name: "Dr. Jane Doe" }, "Jane"],
    ["{{lower s}}|{{upper s}}|[{{trim t}}]", { s: "AbC", t: "  x " }, "abc|ABC|[x]"],
    ["{{upper (default s 'none')}}", {}, "NONE"],
    ["<{{s}}> & {{s}}", { s: "<b>" }, "<<b>> & <b>"], // plain text: no HTML escaping
  ])("%s with %j → %j", (source, context, expected) => {
    expect(render(source, context)).toBe(expected);
  });

  it("spin picks the first variant when rendered outside the renderer (no seed)", () => {
    expect(render('{{spin "a" "b"}} {{#spin}}x|y{{/spin}}')).toBe("a x");
  });

  it.each([
    ["a value with | stays whole inside its alternative", "{{#spin}}Hi {{name}}|Hey {{name}}{{/spin}}!", { name: "Jo|Ann" }, "Hi Jo|Ann!"],
    ["a value with template syntax is text", "{{#spin}}Hi {{name}}|Hey{{/spin}}", { name: "{{#spin}}a|b{{/spin}}" }, "Hi {{#spin}}a|b{{/spin}}"],
    ["a | outside any spin is text", "a|b {{#spin}}x|y{{/spin}}", {}, "a|b x"],
    ["nested spins split on their own separators", "{{#spin}}{{#spin}}p|q{{/spin}} {{v}}|z{{/spin}}", { v: "1|2" }, "p 1|2"],
  ])("spin: %s", (_name, source, context, expected) => {
    expect(render(source, context)).toBe(expected);
  });
});
