import { displayPath } from "../config/load.js";
import type { Campaign } from "../config/types.js";
import type { MessageRenderer } from "../engine/ports.js";
import { UserError, type Problem } from "../errors.js";
import type { Lead, LeadProblemReason } from "../leads/types.js";
import { commandName } from "./invocation.js";

/**
 * Every lead × message step renders, or the run refuses to start. A template error (the template is
 * at fault, so every lead fails alike) is reported once with the number of leads it affects, and
 * refuses the run even with --allow-partial: it would fail every lead. A lead's own problem is listed
 * per lead (the first 10) and refuses the run unless --allow-partial (those leads are marked failed).
 * @returns how many leads have a message of their own that cannot be rendered (they will be marked failed)
 */
export function checkRenders(campaign: Campaign, leads: readonly Lead[], renderer: MessageRenderer, allowPartial: boolean): number {
  const steps = [...campaign.sequence.map((s) => s.id), ...campaign.replySteps.filter((s) => s.template).map((s) => s.id)];
  const templateErrors = new Map<string, { problem: Problem; leads: number }>();
  const bad: string[] = [];
  let count = 0;
  let badLeads = 0;
  for (const lead of leads) {
    let ok = true;
    for (const step of steps) {
      const r = renderer.render(step, lead);
      if (r.ok) continue;
      const own = r.errors.filter((e) => e.scope === undefined);
      for (const e of r.errors) {
        if (e.scope !== "template") continue;
        const seen = templateErrors.get(e.message) ?? { problem: e.problem ?? { file: step, message: e.message }, leads: 0 };
        seen.leads++;
        templateErrors.set(e.message, seen);
      }
      if (own.length === 0) continue;
      count++;
      ok = false;
      if (bad.length < 10) bad.push(`line ${lead.line} (lead ${lead.id}) step ${step}: ${own.map((e) => e.message).join("; ")}`);
    }
    if (!ok) badLeads++;
  }
  const file = displayPath(campaign.leads.file);
  const preview = `${commandName()} run ${displayPath(campaign.file)} --dry-run`;
  if (templateErrors.size > 0) {
    throw new UserError(`${templateErrors.size} template error${templateErrors.size === 1 ? "" : "s"}; nothing was sent`, {
      problems: [...templateErrors.values()].map(({ problem, leads: n }) => ({ ...problem, message: `${problem.message} — affects ${n} lead${n === 1 ? "" : "s"}` })),
      hint: `fix the templates, then preview with: ${preview}`,
    });
  }
  if (count > 0 && !allowPartial) {
    throw new UserError(`${count} message${count === 1 ? "" : "s"} cannot be rendered; nothing was sent`, {
      problems: bad.map((message) => ({ file, message })),
      hint: `preview them with: ${preview}  (or pass --allow-partial to send to the other leads; these leads will be marked failed)`,
    });
  }
  return badLeads;
}

/**
 * Rows that cannot be sent (a missing or malformed id, a duplicate, a ragged row, …: listed above as
 * they were read) refuse the run unless --allow-partial, as the dry run does: "--allow-partial accepts
 * a campaign where some leads cannot be sent". Suppressed leads are an intended skip, never a problem.
 * @param problems row problems by reason, as counted while reading the CSV
 * @throws UserError (exit 1) naming the count and both ways on; nothing has been sent
 */
export function refuseSkippedRows(campaign: Campaign, problems: ReadonlyMap<LeadProblemReason, number>, allowPartial: boolean): void {
  if (allowPartial) return;
  let count = 0;
  for (const [reason, n] of problems) if (reason !== "suppressed") count += n;
  if (count === 0) return;
  const preview = `${commandName()} run ${displayPath(campaign.file)} --dry-run`;
  throw new UserError(`${count} row${count === 1 ? "" : "s"} of ${displayPath(campaign.leads.file)} cannot be sent as ${count === 1 ? "it is" : "they are"} (listed above); nothing was sent`, {
    hint: `fix the rows (preview with: ${preview}), or pass --allow-partial to send to the other leads and skip these rows`,
  });
}
