import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { registerHelpers } from "../../../src/render/helpers.js";

const env = Handlebars.create();
registerHelpers(env);
const render = (source: string, context: object = {}): string => env.compile(source, { noEscape: true })(context);

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
});
