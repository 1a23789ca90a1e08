import type { Campaign } from "../../config/types.js";
import type { ReviewItem } from "../../engine/review.js";
import { paint } from "./style.js";
import { formatInstant } from "./time.js";
import { displayPath } from "../../config/display-path.js";
import { commandName } from "../../platform/invocation.js";

/** The leads awaiting review, one block each, and how to decide. Reply text is quoted as JSON: never raw terminal bytes. */
export function formatReviewList(items: readonly ReviewItem[], campaign: Pick<Campaign, "file" | "pacing">): string {
  const s = paint(process.stdout);
  if (items.length === 0) return "no replies await review\n";
  const lines = [s.bold(`${items.length} repl${items.length === 1 ? "y awaits" : "ies await"} review`) + s.dim(" — nothing more is sent to these leads until you decide")];
  for (const item of items) {
    lines.push(`  ${item.leadId}  ${s.dim(formatInstant(item.at, campaign.pacing.window.timezone))}  ${item.reason}`, `    ${JSON.stringify(item.reply)}`);
  }
  const file = displayPath(campaign.file);
  lines.push(`decide with: ${commandName()} review ${file} --opt-out <id…>   or   ${commandName()} review ${file} --not-opt-out <id…>`);
  return `${lines.join("\n")}\n`;
}
