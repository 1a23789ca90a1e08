/**
 * `outreach status campaign.yaml`: progress from the state file and the CSV (no API call, no token).
 * Totals are over every lead in the CSV — leads not contacted yet included — and the next due time is
 * the projection's first send: after the accounts' caps and gaps and the sending windows, not merely
 * the earliest follow-up's due time. Before the first run it reports "not started" (and `--json`
 * prints that as an object too), with exit 0.
 */
import { Command } from "commander";
import { displayPath, loadCampaign } from "../../config/load.js";
import type { Campaign } from "../../config/types.js";
import { projectFirstSend, remainingWork } from "../../engine/remaining.js";
import { countSteps } from "../../engine/summary.js";
import { readLeads } from "../../leads/read-leads.js";
import { loadSuppression } from "../../leads/suppression.js";
import type { Lead } from "../../leads/types.js";
import { commandName } from "../../platform/invocation.js";
import { readStateModel, snapshotOf } from "../../state/load.js";
import { leadsToReview } from "../../engine/review.js";
import { UserError } from "../../errors.js";
import { fsFaultAsUserError } from "../../files/fs-faults.js";
import { safeStrings } from "../report/safe-text.js";
import { writeReportFile } from "../../html/report-file.js";
import type { StateModel } from "../../state/journal-records.js";
import type { LeadState } from "../../state/types.js";
import { formatStatus, type AccountProgress, type StatusReport } from "../report/status.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;

export type { AccountProgress, StatusReport } from "../report/status.js";

export function statusCommand(): Command {
  return new Command("status")
    .argument("<campaign>", "the campaign.yaml")
    .option("--json", "print the report as one JSON object")
    .option("--html <file>", "also write the campaign report as one self-contained HTML page (charts, replies, failures)")
    .action(async (file: string, flags: { json?: boolean; html?: string }) => {
      const campaign = await loadCampaign(file);
      const state = await readStateModel(campaign.stateFile).catch((err: unknown) => {
        throw fsFaultAsUserError(err, displayPath(campaign.stateFile), "read the state file", { then: "then run status again", sending: false });
      });
      const { leads, skippedRows } = await readCsvLeads(campaign);
      const report = buildStatus(campaign, state, leads, skippedRows, Date.now());
      const start = `${commandName()} run ${displayPath(campaign.file)}`;
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(safeStrings(report), campaign, process.stdout, start));
      if (flags.html) {
        if (!state) {
          throw new UserError(`no report for "${campaign.name}" yet: nothing has been sent (${displayPath(campaign.stateFile)} does not exist)`, {
            hint: `start with a preview: ${start} --dry-run`,
          });
        }
        await writeReportFile(flags.html, campaign, snapshotOf(state, state.meta.generation), Date.now());
        if (!flags.json) process.stdout.write(`report written to ${flags.html} (open it in a browser)\n`);
      }
    });
}

/** What status needs of a CSV lead: its id and zone (not its columns: 100,000 leads' fields are ~40 MB). */
type CsvLead = Pick<Lead, "id" | "timezone">;

/** The CSV's valid leads (as a run would see them) and how many rows are skipped. */
async function readCsvLeads(campaign: Campaign): Promise<{ leads: CsvLead[]; skippedRows: number }> {
  const suppressed = await loadSuppression({ file: campaign.suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true });
  const leads: CsvLead[] = [];
  let skippedRows = 0;
  for await (const rec of readLeads(campaign, { suppressed })) {
    if (rec.kind === "lead") leads.push(rec.lead.timezone === undefined ? { id: rec.lead.id } : { id: rec.lead.id, timezone: rec.lead.timezone });
    else skippedRows++;
  }
  return { leads, skippedRows };
}

export function buildStatus(campaign: Campaign, state: Pick<StateModel, "leads"> | undefined, csvLeads: readonly CsvLead[], skippedRows: number, now: number): StatusReport {
  const stateOf = (id: string): LeadState | undefined => state?.leads.get(id);
  const states = csvLeads.map((l) => stateOf(l.id)).filter((s): s is LeadState => s !== undefined);
  const counts = countSteps(campaign, states, csvLeads.length);
  const work = remainingWork(campaign, csvLeads, stateOf, now);
  const nextDueAt = projectFirstSend(campaign, work, now);
  const contacted = states.filter((l) => Object.values(l.steps).some((s) => s.status === "sent")).length;
  const firstStep = campaign.sequence[0]?.id ?? "";
  const notContacted = states.flatMap((l) => {
    const rec = l.steps[firstStep];
    return rec?.status === "skipped" ? [{ leadId: l.id, reason: rec.reason ?? "skipped" }] : [];
  });
  return {
    campaign: campaign.name,
    stateFile: campaign.stateFile,
    started: state !== undefined && state.leads.size > 0,
    leads: {
      total: work.leads,
      notStarted: work.toStart.length,
      waitingForFollowUp: work.followUps.length,
      openForReplies: work.openForReplies,
      finished: work.finished,
      failed: work.failed,
    },
    skippedRows,
    leadsInState: state?.leads.size ?? 0,
    steps: counts.steps,
    contacted,
    replied: counts.replied,
    replyRate: contacted ? counts.replied / contacted : 0,
    optedOut: counts.optedOut,
    needsReview: leadsToReview(states),
    finished: counts.finished,
    nextDueAt: nextDueAt ?? null,
    accounts: campaign.accounts.map((id) => accountProgress(campaign, id, states, work.recentSends.get(id) ?? [], now)),
    failures: groupFailures(states),
    notContacted: notContacted.slice(0, 50),
    notContactedCount: notContacted.length,
    replySteps: counts.steps.filter((s) => s.kind === "reply").map(({ stepId, sent, skipped, failed, pending }) => ({ stepId, sent, skipped, failed, pending })),
  };
}

function accountProgress(campaign: Campaign, id: string, states: readonly LeadState[], recent: readonly number[], now: number): AccountProgress {
  const { perHour, perDay } = campaign.pacing.perAccount;
  return {
    id,
    leads: states.filter((s) => s.account === id).length,
    sentLastHour: recent.filter((t) => t > now - HOUR).length,
    perHour,
    sentLast24h: recent.filter((t) => t > now - DAY).length,
    perDay,
  };
}

function groupFailures(states: readonly LeadState[]): StatusReport["failures"] {
  const failures = new Map<string, { count: number; leads: string[] }>();
  for (const lead of states) {
    for (const [stepId, rec] of Object.entries(lead.steps)) {
      if (rec.status !== "failed") continue;
      const key = `${stepId}: ${rec.reason ?? "unknown"}`;
      const f = failures.get(key) ?? { count: 0, leads: [] };
      f.count++;
      if (f.leads.length < 20) f.leads.push(lead.id);
      failures.set(key, f);
    }
  }
  return [...failures].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count);
}
