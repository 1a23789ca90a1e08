import { readFile } from "node:fs/promises";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { campaignJsonSchema, campaignJsonSchemaText } from "../../../src/config/json-schema.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");

async function validator() {
  const ajv = new Ajv2020({ allErrors: true });
  return ajv.compile(campaignJsonSchema());
}

describe("schema/campaign.schema.json", () => {
  it("is the schema generated from the zod schema (run `npm run gen:schema` after changing it)", async () => {
    const committed = await readFile(path.join(ROOT, "schema/campaign.schema.json"), "utf8");
    expect(committed).toBe(campaignJsonSchemaText());
  });

  it.each(["campaigns/example.yaml", "test/fixtures/config/minimal.yaml", "test/fixtures/config/full.yaml"])(
    "accepts %s",
    async (file) => {
      const validate = await validator();
      const campaign: unknown = parse(await readFile(path.join(ROOT, file), "utf8"));
      expect(validate(campaign), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it.each([
    ["an unknown key", { perHuor: 3 }],
    ["a bad duration", { gap: "3 minutes" }],
  ])("flags %s in the editor too", async (_, perAccount) => {
    const validate = await validator();
    const campaign = {
      name: "T",
      leads: { file: "a.csv", idColumn: "id" },
      accounts: ["a"],
      steps: [{ id: "intro", template: "a.hbs" }],
      pacing: { timezone: "UTC", perAccount },
    };
    expect(validate(campaign)).toBe(false);
  });

  it("describes fields so editors can show help", () => {
    const schema = campaignJsonSchema() as { properties: Record<string, { description?: string }> };
    for (const [key, field] of Object.entries(schema.properties)) {
      expect(field.description, key).toBeTruthy();
    }
  });
});
