import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ReplyStep, SequenceStep } from "../../../src/config/types.js";
import { readLeads, summarizeProblems } from "../../../src/leads/read-leads.js";
import { loadSuppression } from "../../../src/leads/suppression.js";
import type { Lead, LeadProblem } from "../../../src/leads/types.js";
import { createRenderer } from "../../../src/render/renderer.js";

// The shipped example campaign, built by hand as loadCampaign() would (absolute paths).
const repo = (path: string): string => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const sequence: SequenceStep[] = [
  { kind: "sequence", id: "intro", template: repo("templates/intro.hbs"), afterMs: 0, index: 0 },
  { kind: "sequence", id: "nudge", template: repo("templates/nudge.hbs"), afterMs: 3 * 86_400_000, index: 1 },
];
const replySteps: ReplyStep[] = [
  { kind: "reply", id: "thank-you", template: repo("templates/thank-you.hbs"), delayMs: 600_000, actions: { tags: [] } },
];
const leadsOptions = { delimiter: ",", idColumn: "x_user_id", usernameColumn: "username", timezoneColumn: "timezone" };

async function read(csv: string, suppression: string): Promise<{ leads: Lead[]; problems: LeadProblem[] }> {
  const suppressed = await loadSuppression({ file: repo(suppression) });
  const leads: Lead[] = [];
  const problems: LeadProblem[] = [];
  for await (const r of readLeads({ leads: { file: repo(csv), ...leadsOptions } }, { suppressed })) {
    if (r.kind === "lead") leads.push(r.lead);
    else problems.push(r.problem);
  }
  return { leads, problems };
}

describe("shipped examples", () => {
  it("campaigns/leads/example.csv: 30 valid leads that render through every template", async () => {
    const { leads, problems } = await read("campaigns/leads/example.csv", "campaigns/suppression.txt");
    expect(problems).toEqual([]);
    expect(leads).toHaveLength(30);
    const renderer = await createRenderer({ name: "Founders intro (example)", sequence, replySteps });
    expect(renderer.stepIds).toEqual(["intro", "nudge", "thank-you"]);
    for (const lead of leads) {
      for (const step of renderer.stepIds) {
        const result = renderer.render(step, lead);
        expect(result, `${step} for line ${lead.line}`).toMatchObject({ ok: true });
      }
    }
    const intro = renderer.render("intro", leads[4]!);
    expect(intro.ok && intro.text).toMatch(/^(Hi|Hey|Hello) Emery — /); // "Dr. Emery Demoreau"
  });

  it("campaigns/leads/example-with-errors.csv: each deliberate problem on its line", async () => {
    const { leads, problems } = await read("campaigns/leads/example-with-errors.csv", "campaigns/suppression-with-errors.txt");
    expect(problems.map((p) => `${p.reason}@${p.line}`)).toEqual([
      "missing-id@4",
      "malformed-id@5",
      "duplicate@7",
      "ragged-row@8",
      "bad-timezone@10",
      "suppressed@11",
    ]);
    expect(summarizeProblems(problems)).toHaveLength(6);
    const renderer = await createRenderer({ name: "Founders intro (example with errors)", sequence, replySteps });
    const failing = leads.flatMap((lead) => {
      const result = renderer.render("intro", lead);
      return result.ok ? [] : [{ line: lead.line, errors: result.errors }];
    });
    // Line 9 has an empty company, which intro.hbs needs (no fallback); nudge.hbs guards it.
    expect(failing).toMatchObject([{ line: 9, errors: [{ variable: "company" }] }]);
    expect(renderer.render("nudge", leads.find((l) => l.line === 9)!)).toMatchObject({ ok: true });
  });
});
