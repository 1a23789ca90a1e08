/** `outreach status` for a person: where every CSV lead stands, per step, per account, and what is next. */
import type { StatusReport } from "../../engine/status-summary.js";
import { formatReviewList } from "./review-list.js";
import { displayPath } from "../../config/display-path.js";
import type { Campaign } from "../../config/types.js";
import { stepTable } from "./run-summary.js";
import { paint } from "./style.js";
import { formatInstant, formatSpan } from "./time.js";

export type { AccountProgress, StatusReport } from "../../engine/status-summary.js";

export function formatStatus(r: StatusReport, campaign: Pick<Campaign, "file" | "pacing">, out: { isTTY?: boolean }, startCommand: string, now = Date.now()): string {
  const s = paint(out);
  const tz = campaign.pacing.window.timezone;
  const l = r.leads;
  const lines = [s.bold(r.campaign) + s.dim(`  (${r.started ? displayPath(r.stateFile) : "not started yet: no state file"})`)];
  lines.push(
    `  leads ${l.total} in the CSV: not started ${l.notStarted} · waiting for a follow-up ${l.waitingForFollowUp} · open for replies ${l.openForReplies} · finished ${l.finished}${l.failed ? ` (${l.failed} failed)` : ""}${r.skippedRows ? ` · ${r.skippedRows} rows skipped` : ""}`,
  );
  if (r.started) {
    lines.push(`  contacted ${r.contacted} · replied ${r.replied} (${(r.replyRate * 100).toFixed(1)}%) · opted out ${r.optedOut} · to review ${r.needsReview.length}`);
    lines.push(...stepTable(r.steps));
    lines.push(s.bold("Accounts") + s.dim(" (sends against each cap, now)"));
    for (const a of r.accounts) {
      lines.push(`  ${a.id}  ${a.leads} leads · last hour ${a.sentLastHour}/${a.perHour} · last 24 h ${a.sentLast24h}/${a.perDay}`);
    }
  }
  const running = r.running ? `the run in progress (pid ${r.running.pid}${r.running.hostname ? ` on ${r.running.hostname}` : ""}, since ${formatInstant(r.running.startedAt, tz)})` : undefined;
  const next =
    r.nextDueAt === null
      ? "nothing left to send"
      : r.nextDueAt <= now + 1000
        ? running ? `now (${running} sends it)` : "now (run the campaign to send it)"
        : `${formatInstant(r.nextDueAt, tz)} (in ${formatSpan(r.nextDueAt - now)}; caps and windows applied)`;
  lines.push(`  next send: ${next}`);
  if (running && r.nextDueAt !== null && r.nextDueAt > now + 1000) lines.push(`  sending: ${running}`);
  if (!r.started) lines.push(`  start with a preview: ${startCommand} --dry-run`);
  if (r.needsReview.length > 0) lines.push(formatReviewList(r.needsReview, campaign).trimEnd());
  if (r.failures.length > 0) {
    lines.push(s.bold("Failures"));
    for (const f of r.failures) lines.push(`  ${s.red(String(f.count))} ${f.reason}\n    leads: ${f.leads.join(", ")}${f.count > f.leads.length ? ", …" : ""}`);
  }
  if (r.notContactedCount > 0) {
    lines.push(s.bold(`Not contacted (${r.notContactedCount}): no cold intro into someone else's conversation`));
    for (const n of r.notContacted) lines.push(`  lead ${n.leadId}: ${n.reason}`);
    if (r.notContactedCount > r.notContacted.length) lines.push(`  … and ${r.notContactedCount - r.notContacted.length} more (--json lists the first ${r.notContacted.length})`);
  }
  return `${lines.join("\n")}\n`;
}
