import { relative } from "node:path";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { readLeads } from "../leads/read-leads.js";
import type { CsvFormat } from "../leads/csv-source.js";
import { loadSuppression, type SuppressionSource } from "../leads/suppression.js";
import type { Lead, LeadProblem } from "../leads/types.js";

/**
 * Every valid lead of the campaign, in file order, for a live run (which must be able to render any
 * lead's follow-up at any time). Row problems are reported through `onProblem` and never stop the
 * other rows; a file with no valid lead at all is an error. A lead that a later row shows to carry a
 * rounded id (two different rows, one id) is dropped and reported too. The leads are compact (their
 * cells one string each: read-leads.ts), as a run keeps all of them to the end.
 */
export async function collectLeads(
  campaign: Campaign,
  suppression: SuppressionSource,
  onProblem: (p: Pick<LeadProblem, "line" | "reason" | "message" | "id">) => void,
  onFormat?: (format: CsvFormat) => void,
): Promise<Lead[]> {
  const suppressed = await loadSuppression(suppression);
  let leads: Lead[] = [];
  let problems = 0;
  const heldBack = new Map<number, string>();
  for await (const rec of readLeads(campaign, { suppressed, compact: true, ...(onFormat ? { onFormat } : {}) })) {
    if (rec.kind === "lead") leads.push(rec.lead);
    else {
      problems++;
      const { line, reason, message, id, heldBackLine } = rec.problem;
      onProblem({ line, reason, message, ...(id !== undefined ? { id } : {}) });
      if (heldBackLine !== undefined) heldBack.set(heldBackLine, message);
    }
  }
  if (heldBack.size > 0) {
    leads = leads.filter((lead) => {
      const message = heldBack.get(lead.line);
      if (message === undefined) return true;
      problems++;
      onProblem({ line: lead.line, reason: "spreadsheet-id", message, id: lead.id });
      return false;
    });
  }
  if (leads.length === 0) {
    const file = relative(process.cwd(), campaign.leads.file) || campaign.leads.file;
    throw new UserError(`${file} has no lead that can be messaged${problems ? ` (${problems} rows skipped)` : ""}; nothing was sent`, {
      hint: `add rows with an X user id in the "${campaign.leads.idColumn}" column`,
    });
  }
  return leads;
}
