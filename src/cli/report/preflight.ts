/** The pre-flight summary as lines a person reads before a live run sends anything. */
import type { Preflight } from "../../engine/preflight.js";
import { formatInstant, formatSpan } from "./time.js";
import type { Style } from "./style.js";

export function formatPreflight(p: Preflight, tz: string, s: Style, now: number): string[] {
  const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
  const lines = [s.bold(`${p.firstStart ? "About to start" : "Resuming"} "${p.campaign}" — live: real DMs will be sent`)];
  const l = p.leads;
  lines.push(
    `  leads      ${plural(l.toStart, "lead")} to contact` +
      (p.firstStart
        ? ` (of ${plural(p.rows, "row")} in the CSV${p.rows > l.total ? `; ${p.rows - l.total} skipped, below` : ""})`
        : ` · ${l.waitingForFollowUp} waiting for a follow-up · ${l.openForReplies} open for replies · ${l.finished} finished (of ${l.total})`),
  );
  lines.push(`  steps      ${p.steps.join(" → ")} (follow-ups only to leads who have not replied)`);
  if (p.replySteps.length > 0) lines.push(`             on a reply: ${p.replySteps.join(", ")}`);
  lines.push(`  accounts   ${p.accounts.map((a) => (a.username ? `@${a.username} (${a.id})` : a.id)).join(", ")}`);
  if (p.firstSendAt !== undefined && p.lastSendAt !== undefined) {
    const first = p.firstSendAt <= now + 1000 ? "now" : `${formatInstant(p.firstSendAt, tz)} (in ${formatSpan(p.firstSendAt - now)})`;
    lines.push(`  first send ${first}`);
    lines.push(`  projected  last message ${formatInstant(p.lastSendAt, tz)}, ${formatSpan(p.lastSendAt - now)} from now (if nobody replies)`);
    lines.push(`  pace       up to ${p.messagesPerDay} messages a day (caps per account: ${p.caps.perHour}/h, ${p.caps.perDay}/day)`);
  } else {
    lines.push("  nothing left to send: the run only waits for replies");
  }
  if (p.skipped.length === 0) lines.push("  skipped    none");
  for (const [i, k] of p.skipped.entries()) lines.push(`  ${i === 0 ? "skipped   " : "          "} ${k.count} × ${k.reason}`);
  return lines;
}
