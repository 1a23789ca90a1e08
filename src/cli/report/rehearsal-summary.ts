/** The end of a `--sandbox` rehearsal: the funnel, the reply rate, and how much calendar it covered. */
import { displayPath } from "../../config/load.js";
import type { Campaign } from "../../config/types.js";
import { commandName } from "../../platform/invocation.js";
import type { RunSummary } from "../../engine/events.js";
import type { Sandbox } from "../../sandbox/index.js";
import { formatSpan } from "./time.js";
import { paint } from "./style.js";

export function printRehearsalSummary(out: NodeJS.WriteStream, campaign: Campaign, sum: RunSummary, sandbox: Sandbox, wallMs: number): void {
  const s = paint(out);
  const contacted = sum.steps[0]?.sent ?? 0;
  const stats = sandbox.stats();
  const messages = sandbox.messages();
  const outbound = messages.filter((m) => m.direction === "outbound").length;
  const lines = [
    "",
    s.bold("Rehearsal funnel"),
    ...sum.steps.map((st) => {
      const base = st.kind === "sequence" ? `  ${st.stepId.padEnd(12)} sent ${String(st.sent).padStart(4)}` : `  ${(st.stepId + " ↩").padEnd(12)} sent ${String(st.sent).padStart(4)}`;
      return `${base}   skipped ${st.skipped}${st.kind === "sequence" ? ` · replies after it ${st.replies}` : ""}${st.failed ? ` · failed ${st.failed}` : ""}`;
    }),
    `  reply rate   ${contacted ? ((sum.replied / contacted) * 100).toFixed(1) : "0.0"}% (${sum.replied} of ${contacted} contacted) · opted out ${sum.optedOut}${sum.needsReview > 0 ? ` · to review ${sum.needsReview}` : ""}`,
    `  sandbox saw  ${outbound} DMs sent, ${stats.requests} API requests, ${stats.rateLimited} × 429`,
    `  calendar     ${formatSpan(sum.endedAt - sum.startedAt)} of campaign time in ${(wallMs / 1000).toFixed(1)} s of wall time`,
    s.dim(`  Nothing real was sent. Preview with: ${commandName()} run ${displayPath(campaign.file)} --dry-run · go live: the same without --sandbox`),
  ];
  out.write(`${lines.join("\n")}\n`);
}
