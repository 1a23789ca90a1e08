/** Writes the campaign report file: built in memory (it is small: bounded lists, one bar a day), then renamed into place. */
import { rename, writeFile } from "node:fs/promises";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { PRIVATE_FILE_MODE } from "../files/private-files.js";
import type { StateSnapshot } from "../state/types.js";
import { buildReportModel } from "./report-model.js";
import { reportPage } from "./report-page.js";

/**
 * Writes the report for `snapshot` as of `at` (epoch ms) to `file`.
 * @throws UserError when the file cannot be written (the message names it and the fs reason).
 */
export async function writeReportFile(file: string, campaign: Campaign, snapshot: StateSnapshot, at: number): Promise<void> {
  const html = reportPage(campaign, buildReportModel(campaign, snapshot, at));
  const temp = `${file}.partial`;
  try {
    // Owner-only, like the state: the report quotes replies and names prospects.
    await writeFile(temp, html, { mode: PRIVATE_FILE_MODE });
    await rename(temp, file);
  } catch (err) {
    throw new UserError(`cannot write the report to ${file}: ${(err as Error).message}`, { cause: err, hint: "choose an --html path in a folder you can write to" });
  }
}
