/** The end-of-run summary: the outcome in words, the campaign counts and the per-step table. */
import type { RunOutcome, RunSummary, StepCounts } from "../../engine/events.js";
import { formatInstant, formatSpan } from "./time.js";
import type { Style } from "./style.js";

/** How a run ended, as a person would say it ("stopped after --limit 2", not `limit-reached`). */
export function outcomeWords(outcome: RunOutcome, sum: RunSummary, limit: number | undefined): string {
  switch (outcome) {
    case "completed":
      return "Run complete: every lead is finished";
    case "once-done":
      return "Run stopped (--once): nothing more is due now";
    case "limit-reached":
      return `Run stopped after --limit ${limit ?? sum.sentThisRun}: ${sum.sentThisRun} message${sum.sentThisRun === 1 ? "" : "s"} sent`;
    case "interrupted":
      return "Run interrupted: progress saved";
    case "paused":
      return "Run paused by errors: progress saved";
  }
}

export function formatSummary(sum: RunSummary, outcome: RunOutcome, c: { s: Style; tz: string; limit?: number }): string {
  const lines = [
    "",
    c.s.bold(outcomeWords(outcome, sum, c.limit)) +
      c.s.dim(` — ${formatInstant(sum.startedAt, c.tz)} → ${formatInstant(sum.endedAt, c.tz)} (${formatSpan(sum.endedAt - sum.startedAt)} of campaign time)`),
    `  leads ${sum.leads} · finished ${sum.finished} · replied ${sum.replied} (${pct(sum.replied, sum.steps[0]?.sent ?? 0)} of contacted) · opted out ${sum.optedOut} · failed ${sum.failedLeads} · sent this run ${sum.sentThisRun}`,
    ...stepTable(sum.steps),
  ];
  if (sum.nextDueAt !== undefined) lines.push(`  next due: ${formatInstant(sum.nextDueAt, c.tz)}`);
  if (sum.pausedReason) lines.push(`  ${c.s.yellow("paused:")} ${sum.pausedReason}`);
  return lines.join("\n");
}

/** The per-step table (sent, failed, skipped, pending, replies after the step), indented two spaces. */
export function stepTable(steps: readonly StepCounts[]): string[] {
  return [
    `  ${pad("step", 14)}${pad("sent", 7)}${pad("failed", 8)}${pad("skipped", 9)}${pad("pending", 9)}replies`,
    ...steps.map(
      (st) => `  ${pad(`${st.stepId}${st.kind === "reply" ? " ↩" : ""}`, 14)}${pad(String(st.sent), 7)}${pad(String(st.failed), 8)}${pad(String(st.skipped), 9)}${pad(String(st.pending), 9)}${st.kind === "sequence" ? String(st.replies) : ""}`,
    ),
  ];
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + " ".repeat(n - s.length);
}

function pct(a: number, b: number): string {
  return b === 0 ? "0%" : `${((a / b) * 100).toFixed(1)}%`;
}
