/**
 * `outreach init [dir]`: a small working campaign to start from — campaign.yaml (with the schema
 * line for editors), a CSV, a suppression list and three templates. Never overwrites a file.
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { displayPath } from "../../config/load.js";
import { UserError } from "../../errors.js";
import { makeDirs, PRIVATE_FILE_MODE } from "../../files/private-files.js";
import { commandName } from "../../platform/invocation.js";
import { starterFiles } from "../scaffold/files.js";

/** The installed package's JSON Schema (dist/src/cli/commands → the package root), if it is there. */
function schemaPath(): string | undefined {
  const path = fileURLToPath(new URL("../../../../schema/campaign.schema.json", import.meta.url));
  return existsSync(path) ? path : undefined;
}

export function initCommand(): Command {
  return new Command("init")
    .description("write a small working campaign (campaign.yaml, leads.csv, templates) to start from")
    .argument("[dir]", "folder to write it in (created if missing)", ".")
    .action(async (dir: string) => {
      const root = resolve(dir);
      const command = commandName();
      const files = starterFiles(schemaPath(), command.startsWith("node ") ? "outreach" : command);
      const existing = Object.keys(files).filter((f) => existsSync(join(root, f)));
      if (existing.length > 0) {
        throw new UserError(`${displayPath(root)} already has ${existing.join(", ")}; nothing was written`, {
          hint: "pick an empty or new folder: outreach init my-campaign",
        });
      }
      try {
        for (const [file, text] of Object.entries(files)) {
          await makeDirs(dirname(join(root, file)));
          // The lead list and the suppression file will hold people's data: owner-only, as the runner creates them.
          const mode = file === "leads.csv" || file === "suppression.txt" ? PRIVATE_FILE_MODE : 0o644;
          await writeFile(join(root, file), text, { flag: "wx", mode });
        }
      } catch (cause) {
        throw new UserError(`cannot write the campaign in ${displayPath(root)}: ${(cause as Error).message}`, {
          cause,
          hint: "pick a folder you can write to: outreach init my-campaign",
        });
      }
      const shown = displayPath(root);
      const here = root === process.cwd();
      const cd = here ? "" : `cd ${shown} && `;
      // After a cd, a relative `node path/to/bin.js` would no longer point at the binary.
      const then = !here && command.startsWith("node ") ? `node ${resolve(process.argv[1] ?? "")}` : command;
      process.stdout.write(
        [
          `Wrote a starter campaign in ${shown}/: ${Object.keys(files).join(", ")}`,
          "",
          "Next:",
          `  ${cd}${then} run campaign.yaml --sandbox     # rehearse it: days of campaign time in seconds`,
          `  ${cd}${then} run campaign.yaml --dry-run     # every message and the schedule`,
          `  ${command} accounts     # your account link ids, for accounts: in campaign.yaml (needs INBOX_API_TOKEN)`,
          "",
        ].join("\n"),
      );
    });
}
