/**
 * The editor JSON Schema (schema/campaign.schema.json), generated from the same zod schema the
 * loader validates with, so editor hints and `outreach` never disagree. Cross-field rules and
 * checks zod cannot express (time zones, regex compilation) are left to the loader.
 */
import { z } from "zod";
import { campaignSchema } from "./schema.js";

export function campaignJsonSchema(): Record<string, unknown> {
  // "input": describe what users write, so keys with defaults are optional and show their default.
  return z.toJSONSchema(campaignSchema, { target: "draft-2020-12", io: "input", unrepresentable: "throw" }) as Record<string, unknown>;
}

/** The file's exact contents: pretty-printed with a trailing newline, so regenerating is a no-op diff. */
export function campaignJsonSchemaText(): string {
  return `${JSON.stringify(campaignJsonSchema(), null, 2)}\n`;
}
