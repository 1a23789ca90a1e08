/**
 * `outreach status campaign.yaml`: progress from the state file and the CSV (no API call, no token).
 * Totals are over every lead in the CSV — leads not contacted yet included — and the next due time is
 * the projection's first send: after the accounts' caps and gaps and the sending windows, not merely
 * the earliest follow-up's due time. Before the first run it reports "not started" (and `--json`
 * prints that as an object too), with exit 0. The report comes from platform/status.ts (a kept
 * summary when nothing changed since the last `status`).
 */
import { Command } from "commander";
import { displayPath } from "../../config/display-path.js";
import { UserError } from "../../errors.js";
import { commandName } from "../../platform/invocation.js";
import { campaignStatus } from "../../platform/status.js";
import { safeStrings } from "../report/safe-text.js";
import { formatStatus } from "../report/status.js";

export type { AccountProgress, StatusReport } from "../report/status.js";

export function statusCommand(): Command {
  return new Command("status")
    .argument("<campaign>", "the campaign.yaml")
    .option("--json", "print the report as one JSON object")
    .option("--html <file>", "also write the campaign report as one self-contained HTML page (charts, replies, failures)")
    .action(async (file: string, flags: { json?: boolean; html?: string }) => {
      const now = Date.now();
      const { campaign, report } = await campaignStatus(file, now);
      const start = `${commandName()} run ${displayPath(campaign.file)}`;
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(safeStrings(report), campaign, process.stdout, start, now));
      if (flags.html) await writeHtmlReport(file, flags.html, start, !flags.json);
    });
}

/** `--html`: the report page, from the whole state (read afresh: the page lists leads, not only counts). */
async function writeHtmlReport(campaignFile: string, file: string, start: string, say: boolean): Promise<void> {
  const [{ loadCampaign }, { readStateModel, snapshotOf }, { fsFaultAsUserError }, { writeReportFile }] = await Promise.all([
    import("../../config/load.js"),
    import("../../state/load.js"),
    import("../../files/fs-faults.js"),
    import("../../html/report-file.js"),
  ]);
  const campaign = await loadCampaign(campaignFile);
  const state = await readStateModel(campaign.stateFile).catch((err: unknown) => {
    throw fsFaultAsUserError(err, displayPath(campaign.stateFile), "read the state file", { then: "then run status again", sending: false });
  });
  if (!state) {
    throw new UserError(`no report for "${campaign.name}" yet: nothing has been sent (${displayPath(campaign.stateFile)} does not exist)`, {
      hint: `start with a preview: ${start} --dry-run`,
    });
  }
  await writeReportFile(file, campaign, snapshotOf(state, state.meta.generation), Date.now());
  if (say) process.stdout.write(`report written to ${file} (open it in a browser)\n`);
}
