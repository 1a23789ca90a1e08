/**
 * The dry run: every lead × every message step rendered exactly as it would be sent, every problem
 * found, nothing sent. Streams: a lead is rendered and handed to `onItem` as it is read, so a
 * 1,000,000-lead CSV runs in flat memory. Only counts, the first problems of each kind and one
 * interned time-zone reference per lead (for the schedule projection) are kept.
 */
import type { Campaign } from "../config/types.js";
import type { Lead, LeadProblem, LeadRecord } from "../leads/types.js";
import type { MessageRenderer } from "./ports.js";

export interface PreviewItem {
  leadId: string;
  line: number;
  position: number;
  step: string;
  kind: "sequence" | "reply";
  /** Rendered text, when the message renders cleanly. */
  text?: string;
  /** Why it cannot be sent, when it does not. */
  errors?: { variable?: string; message: string }[];
}

export interface TemplateErrorGroup {
  step: string;
  /** The variable at fault, or the check that failed ("empty", "too long", …). */
  variable: string;
  message: string;
  count: number;
  /** First few leads affected, as "line N (id)". */
  examples: string[];
}

export interface PreviewSummary {
  rows: number;
  ready: number;
  /** Leads with at least one step that cannot render. */
  withErrors: number;
  /** Rows not messaged, by reason: the count and the first rows with what was wrong. */
  skipped: { reason: LeadProblem["reason"]; count: number; rows: { line: number; message: string }[] }[];
  templateErrors: TemplateErrorGroup[];
  /** Ready leads' zones (undefined = the campaign's), for the projection. */
  zones: (string | undefined)[];
}

const EXAMPLES = 5;
const LINES_PER_REASON = 20;

export async function previewCampaign(input: {
  campaign: Pick<Campaign, "sequence" | "replySteps">;
  leads: AsyncIterable<LeadRecord>;
  renderer: MessageRenderer;
  /** May return a promise (the output is full): reading waits for it, so memory stays flat. */
  onItem(item: PreviewItem): void | Promise<void>;
  /** After a lead's items: the lead itself and whether every step rendered (it is then "ready"). A promise pauses reading, as for onItem. */
  onLead?(lead: Lead, ready: boolean): void | Promise<void>;
  /** Every row that will not be messaged (the summary keeps only the first few per reason). A promise pauses reading. */
  onProblem?(problem: LeadProblem): void | Promise<void>;
  /** Stops reading leads (the summary covers what was read). */
  signal?: AbortSignal;
}): Promise<PreviewSummary> {
  const steps = [
    ...input.campaign.sequence.map((s) => ({ id: s.id, kind: "sequence" as const })),
    ...input.campaign.replySteps.filter((s) => s.template !== undefined).map((s) => ({ id: s.id, kind: "reply" as const })),
  ];
  const skipped = new Map<LeadProblem["reason"], { count: number; rows: { line: number; message: string }[] }>();
  const errors = new Map<string, TemplateErrorGroup>();
  const zoneIntern = new Map<string, string>();
  const zones: (string | undefined)[] = [];
  let rows = 0;
  let ready = 0;
  let withErrors = 0;

  for await (const rec of input.leads) {
    if (input.signal?.aborted) break;
    rows++;
    if (rec.kind === "problem") {
      const p = rec.problem;
      const wait = input.onProblem?.(p);
      if (wait) await wait;
      const entry = skipped.get(p.reason) ?? { count: 0, rows: [] };
      entry.count++;
      if (entry.rows.length < LINES_PER_REASON) entry.rows.push({ line: p.line, message: p.message });
      skipped.set(p.reason, entry);
      continue;
    }
    const lead = rec.lead;
    let ok = true;
    for (const step of steps) {
      const r = input.renderer.render(step.id, lead);
      // One object per item, built in place: this loop runs three times per lead on a 1M-lead preview.
      const item: PreviewItem = r.ok
        ? { leadId: lead.id, line: lead.line, position: lead.position, step: step.id, kind: step.kind, text: r.text }
        : { leadId: lead.id, line: lead.line, position: lead.position, step: step.id, kind: step.kind, errors: r.errors };
      const wait = input.onItem(item);
      if (wait) await wait;
      if (r.ok) continue;
      ok = false;
      for (const e of r.errors) {
        const variable = e.variable ?? "message";
        const key = `${step.id}\u0000${variable}\u0000${e.variable ? "" : e.message}`;
        const g = errors.get(key) ?? { step: step.id, variable, message: e.message, count: 0, examples: [] };
        g.count++;
        if (g.examples.length < EXAMPLES) g.examples.push(`line ${lead.line} (${lead.id})`);
        errors.set(key, g);
      }
    }
    const wait = input.onLead?.(lead, ok);
    if (wait) await wait;
    if (ok) {
      ready++;
      const tz = lead.timezone;
      let interned: string | undefined;
      if (tz !== undefined) {
        interned = zoneIntern.get(tz);
        if (interned === undefined) zoneIntern.set(tz, (interned = tz));
      }
      zones.push(interned);
    } else {
      withErrors++;
    }
  }
  return {
    rows,
    ready,
    withErrors,
    skipped: [...skipped].map(([reason, v]) => ({ reason, ...v })),
    templateErrors: [...errors.values()],
    zones,
  };
}
