/**
 * Template variables and names as users bring them, end to end: a header with a space, prototype
 * names as headers and as typos, an unknown built-in field, and display names copied from X. The built
 * CLI runs against the sandbox; its record shows exactly what was (not) sent.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CampaignFixture } from "../support/campaign-fixture.js";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acctvarse2e"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

/** Enough leads to show a count (dry runs); live sends use a few, since each is fdatasync'd. */
const LEADS = 300;
const SENT_LEADS = 8;
const idAt = (i: number): string => (5_200_000_000_000_000_001n + BigInt(i)).toString();

/** Our own export-like CSV: a header with a space, JavaScript's prototype names as headers, names as on X. */
function writeLeads(fixture: CampaignFixture, names: (i: number) => string = () => "Jane Doe", count = LEADS): void {
  const rows = Array.from({ length: count }, (_, i) => `${idAt(i)},Noor${i},"${names(i)}",Acme,Beta,Globex`);
  writeFileSync(fixture.leadsPath, ["x_user_id,First Name,full_name,constructor,__proto__,company", ...rows].join("\n") + "\n");
}

describe("template variables: one clear template error, with the count of leads it affects", () => {
  it("{{First Name}}: reported once with the working form, 300 leads, a short output, nothing sent", async () => {
    const { sandbox, fixture, env } = await setUp(1, {}, { followUps: 0, templates: { intro: "Hi {{First Name}}, quick question." } });
    writeLeads(fixture);
    const r = await runCli(["run", fixture.yamlPath, "--dry-run"], { env });
    expect(r.code).toBe(1);
    const fix = '{{First Name}} reads as a helper "First" applied to Name, and there is no such helper. For the CSV column "First Name" write {{first_name}} (or {{[First Name]}})';
    expect(r.stdout).toContain(`template error intro: ${fixture.dir}/templates/intro.hbs:1:12: ${fix} — affects ${LEADS} leads`);
    expect(r.stdout.split("\n").length).toBeLessThan(30); // not one block per lead
    expect(r.stderr).toMatch(/the templates have 1 error .*nothing was sent/);

    const live = await runCli(["run", fixture.yamlPath], { env });
    expect(live.code).toBe(1);
    expect(live.stderr).toContain(`intro.hbs:1:12: ${fix} — affects ${LEADS} leads`);
    expect(live.stderr.match(/affects/g)).toHaveLength(1);
    expect(sandbox.messages()).toEqual([]);
  });

  it("{{lead.name}} and {{toString}}: template errors even with --allow-partial, nothing sent", async () => {
    const { sandbox, fixture, env } = await setUp(1, {}, { followUps: 0, templates: { intro: "Hi {{lead.name}} at {{toString}}" } });
    writeLeads(fixture);
    const r = await runCli(["run", fixture.yamlPath, "--allow-partial"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error 2 template errors; nothing was sent`);
    expect(r.stderr).toContain(`{{lead.name}} is not a variable: "lead" has {{lead.id}}, {{lead.username}}, {{lead.position}}`);
    expect(r.stderr).toMatch(/\{\{toString\}\} is not a CSV column or a built-in variable \("toString" is a name every JavaScript object has.*— affects 300 leads/);
    expect(sandbox.messages()).toEqual([]);
  });

  it("the alias, the bracket form and prototype-named columns render their values and are sent", async () => {
    const intro = "Hi {{first_name}} / {{[First Name]}} from {{constructor}}, {{__proto__}} and {{company}}.";
    const { sandbox, fixture, env } = await setUp(1, {}, { followUps: 0, templates: { intro } });
    writeLeads(fixture, undefined, SENT_LEADS);
    const dry = await runCli(["run", fixture.yamlPath, "--dry-run", "--format", "json"], { env });
    expect(dry.code, dry.stderr).toBe(0);
    const first = JSON.parse(dry.stdout.split("\n")[0] ?? "") as { text: string };
    expect(first.text).toBe("[intro] Hi Noor0 / Noor0 from Acme, Beta and Globex.");

    const live = await runCli(["run", fixture.yamlPath], { env });
    expect(live.code, live.stderr).toBe(0);
    const sent = sandbox.messages();
    expect(sent).toHaveLength(SENT_LEADS);
    expect(sent.map((m) => m.content)).toContain("[intro] Hi Noor7 / Noor7 from Acme, Beta and Globex.");
  });
});

describe("names from X: {{firstName}} skips decoration, and a name with no first name counts as empty", () => {
  const names = (i: number): string => ["Dr. Jane Doe, PhD", "🚀", "🇺🇸 Sam Smith | VC", "Smith Jr., John"][i % 4] ?? "";

  it("strict: 'Hi 🚀,' is refused per lead; the dry run lists the names it worked around", async () => {
    const { sandbox, fixture, env } = await setUp(1, {}, { followUps: 0, templates: { intro: "Hi {{firstName full_name}}, quick question." } });
    writeLeads(fixture, names);
    const r = await runCli(["run", fixture.yamlPath, "--dry-run"], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/"full_name" has no first name in it for this lead \("🚀"\); fix the CSV or give a fallback: \{\{default \(firstName full_name\) "there"\}\} ×75/);
    expect(r.stdout).toContain(`names to check ×75`);
    expect(r.stdout).toContain(`leads.csv:4 (${idAt(2)}) full_name "🇺🇸 Sam Smith | VC" → "Sam": emoji or symbols removed; text besides the name removed`);
    expect(r.stderr).toMatch(/75 leads cannot be sent as they are/);
    expect(sandbox.messages()).toEqual([]);
  });

  it("with a fallback every lead is sent its right greeting", async () => {
    const { sandbox, fixture, env } = await setUp(1, {}, { followUps: 0, templates: { intro: 'Hi {{default (firstName full_name) "there"}}, quick question.' } });
    writeLeads(fixture, names, SENT_LEADS);
    const r = await runCli(["run", fixture.yamlPath], { env });
    expect(r.code, r.stderr).toBe(0);
    const byLead = new Map(sandbox.messages().map((m) => [m.externalPlatformId, m.content]));
    expect([0, 1, 2, 3].map((i) => byLead.get(idAt(i)))).toEqual([
      "[intro] Hi Jane, quick question.",
      "[intro] Hi there, quick question.",
      "[intro] Hi Sam, quick question.",
      "[intro] Hi John, quick question.",
    ]);
  });
});
