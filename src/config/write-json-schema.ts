/**
 * `npm run gen:schema`: regenerates schema/campaign.schema.json from the zod schema. A unit test
 * fails when the committed file is stale, so run this after changing schema.ts.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { campaignJsonSchemaText } from "./json-schema.js";

// Compiled to dist/src/config/; the repository root is three levels up from there (two from src/config/).
const here = path.dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, "../../..") : path.resolve(here, "../..");
const target = path.join(root, "schema", "campaign.schema.json");

await writeFile(target, campaignJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
