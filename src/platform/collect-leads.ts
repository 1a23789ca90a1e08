import { relative } from "node:path";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { readLeads } from "../leads/read-leads.js";
import { loadSuppression } from "../leads/suppression.js";
import type { Lead, LeadProblem } from "../leads/types.js";

/**
 * Every valid lead of the campaign, in file order, for a live run (which must be able to render any
 * lead's follow-up at any time). Row problems are reported through `onProblem` and never stop the
 * other rows; a file with no valid lead at all is an error.
 */
export async function collectLeads(
  campaign: Campaign,
  suppressionFile: string | undefined,
  onProblem: (p: Pick<LeadProblem, "line" | "reason" | "message" | "id">) => void,
): Promise<Lead[]> {
  const suppressed = await loadSuppression(suppressionFile);
  const leads: Lead[] = [];
  let problems = 0;
  for await (const rec of readLeads(campaign, { suppressed })) {
    if (rec.kind === "lead") leads.push(rec.lead);
    else {
      problems++;
      const { line, reason, message, id } = rec.problem;
      onProblem({ line, reason, message, ...(id !== undefined ? { id } : {}) });
    }
  }
  if (leads.length === 0) {
    const file = relative(process.cwd(), campaign.leads.file) || campaign.leads.file;
    throw new UserError(`${file} has no lead that can be messaged${problems ? ` (${problems} rows skipped)` : ""}; nothing was sent`, {
      hint: `add rows with an X user id in the "${campaign.leads.idColumn}" column`,
    });
  }
  return leads;
}
