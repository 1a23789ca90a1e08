/** `outreach status campaign.yaml`: progress from the state file alone (no API call, no token). */
import { Command } from "commander";
import { loadCampaign, displayPath } from "../../config/load.js";
import type { Campaign } from "../../config/types.js";
import { nextSequenceWork } from "../../engine/sequence.js";
import { countSteps } from "../../engine/summary.js";
import { UserError } from "../../errors.js";
import { fsFaultAsUserError } from "../../files/fs-faults.js";
import { writeReportFile } from "../../html/report-file.js";
import { readStateSnapshot } from "../../state/load.js";
import type { LeadState, StateSnapshot } from "../../state/types.js";
import { formatInstant } from "../report/time.js";
import { paint } from "../report/style.js";

export interface StatusReport {
  campaign: string;
  stateFile: string;
  leadsInState: number;
  steps: ReturnType<typeof countSteps>["steps"];
  contacted: number;
  replied: number;
  replyRate: number;
  optedOut: number;
  finished: number;
  nextDueAt: number | null;
  failures: { reason: string; count: number; leads: string[] }[];
  replySteps: { stepId: string; sent: number; skipped: number; failed: number; pending: number }[];
}

export function statusCommand(): Command {
  return new Command("status")
    .argument("<campaign>", "the campaign.yaml")
    .option("--json", "print the report as one JSON object")
    .option("--html <file>", "also write the campaign report as one self-contained HTML page (charts, replies, failures)")
    .action(async (file: string, flags: { json?: boolean; html?: string }) => {
      const campaign = await loadCampaign(file);
      const snapshot = await readStateSnapshot(campaign.stateFile).catch((err: unknown) => {
        throw fsFaultAsUserError(err, displayPath(campaign.stateFile), "read the state file", { then: "then run status again", sending: false });
      });
      if (!snapshot) {
        throw new UserError(`no state yet for "${campaign.name}" (${displayPath(campaign.stateFile)} does not exist)`, {
          hint: `nothing has been sent; start with: outreach run ${displayPath(campaign.file)} --dry-run`,
        });
      }
      const report = buildStatus(campaign, snapshot);
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report, campaign));
      if (flags.html) {
        await writeReportFile(flags.html, campaign, snapshot, Date.now());
        if (!flags.json) process.stdout.write(`report written to ${flags.html} (open it in a browser)\n`);
      }
    });
}

export function buildStatus(campaign: Campaign, snapshot: StateSnapshot): StatusReport {
  const leads = Object.values(snapshot.leads);
  const counts = countSteps(campaign, leads, leads.length);
  const contacted = leads.filter((l) => Object.values(l.steps).some((s) => s.status === "sent")).length;
  const failures = new Map<string, { count: number; leads: string[] }>();
  for (const lead of leads) {
    for (const [stepId, rec] of Object.entries(lead.steps)) {
      if (rec.status !== "failed") continue;
      const key = `${stepId}: ${rec.reason ?? "unknown"}`;
      const f = failures.get(key) ?? { count: 0, leads: [] };
      f.count++;
      if (f.leads.length < 20) f.leads.push(lead.id);
      failures.set(key, f);
    }
  }
  return {
    campaign: campaign.name,
    stateFile: campaign.stateFile,
    leadsInState: leads.length,
    steps: counts.steps,
    contacted,
    replied: counts.replied,
    replyRate: contacted ? counts.replied / contacted : 0,
    optedOut: counts.optedOut,
    finished: counts.finished,
    nextDueAt: nextDue(campaign, leads),
    failures: [...failures].map(([reason, v]) => ({ reason, ...v })).sort((a, b) => b.count - a.count),
    replySteps: counts.steps.filter((s) => s.kind === "reply").map(({ stepId, sent, skipped, failed, pending }) => ({ stepId, sent, skipped, failed, pending })),
  };
}

/** The earliest follow-up due among unfinished leads (new leads are due as soon as a run starts). */
function nextDue(campaign: Campaign, leads: LeadState[]): number | null {
  let min: number | null = null;
  for (const lead of leads) {
    if (lead.finishedAt !== undefined || lead.reply) continue;
    const next = nextSequenceWork(campaign.sequence, lead.steps);
    if (next.kind === "due" && (min === null || next.at < min)) min = next.at;
  }
  return min;
}

function formatStatus(r: StatusReport, campaign: Campaign): string {
  const s = paint(process.stdout);
  const tz = campaign.pacing.window.timezone;
  const pad = (x: string, n: number): string => (x.length >= n ? `${x} ` : x + " ".repeat(n - x.length));
  const lines = [
    s.bold(r.campaign) + s.dim(`  (${displayPath(r.stateFile)})`),
    `  contacted ${r.contacted} · replied ${r.replied} (${(r.replyRate * 100).toFixed(1)}%) · opted out ${r.optedOut} · finished ${r.finished}`,
    `  ${pad("step", 14)}${pad("sent", 7)}${pad("failed", 8)}${pad("skipped", 9)}${pad("pending", 9)}replies`,
    ...r.steps.map((st) => `  ${pad(st.stepId + (st.kind === "reply" ? " ↩" : ""), 14)}${pad(String(st.sent), 7)}${pad(String(st.failed), 8)}${pad(String(st.skipped), 9)}${pad(String(st.pending), 9)}${st.kind === "sequence" ? st.replies : ""}`),
    `  next due follow-up: ${r.nextDueAt === null ? "none" : formatInstant(r.nextDueAt, tz)}`,
  ];
  if (r.failures.length > 0) {
    lines.push(s.bold("Failures"));
    for (const f of r.failures) lines.push(`  ${s.red(String(f.count))} ${f.reason}\n    leads: ${f.leads.join(", ")}${f.count > f.leads.length ? ", …" : ""}`);
  }
  return `${lines.join("\n")}\n`;
}
