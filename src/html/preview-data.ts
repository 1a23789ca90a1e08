/**
 * The preview page's data, as compact JSON the page's script reads (see preview-client.ts). Leads
 * are written one entry at a time while the dry run streams, so a 100,000-lead preview is never
 * held in memory; the schedule comes last, once the projection has run.
 *
 * One entry per CSV data row, in file order (short keys: 100,000 rows × 3 steps is ~40 MB of text):
 *   {l: line, i: X user id, u?: username, n?: display name, z?: lead's zone,
 *    s: "ready" | "blocked" | "skipped",
 *    m?: per step (PreviewData.steps order) the rendered text, or [[variable|null, message], …] when it cannot render,
 *    r?: why a skipped row is skipped (LeadProblem reason), x?: the row problem's message}
 * Schedule: `a[k]` the account index and `t[k]` the projected send times (epoch s, one per sequence
 * step) of the k-th ready lead in file order.
 */
import type { PreviewItem } from "../engine/preview.js";
import type { Lead, LeadProblem } from "../leads/types.js";
import { jsonForScript } from "./escape.js";

export interface LeadEntry {
  l: number;
  i: string;
  u?: string;
  n?: string;
  z?: string;
  s: "ready" | "blocked" | "skipped";
  m?: (string | [string | null, string][])[];
  r?: string;
  x?: string;
}

/** JSON text of one ready or blocked lead, from its items (one per step, in step order). */
export function leadEntry(lead: Lead, items: readonly PreviewItem[], ready: boolean): string {
  const entry: LeadEntry = {
    l: lead.line,
    i: lead.id,
    ...(lead.username ? { u: lead.username } : {}),
    ...optional("n", displayName(lead.fields)),
    ...(lead.timezone ? { z: lead.timezone } : {}),
    s: ready ? "ready" : "blocked",
    m: items.map((it) => it.text ?? (it.errors ?? []).map((e): [string | null, string] => [e.variable ?? null, e.message])),
  };
  return jsonForScript(entry);
}

/** JSON text of a row that will not be messaged. */
export function skippedEntry(problem: LeadProblem): string {
  const entry: LeadEntry = { l: problem.line, i: problem.id ?? "", s: "skipped", r: problem.reason, x: problem.message };
  return jsonForScript(entry);
}

/**
 * The lead's name for a person reading the preview, from the usual CSV headers (case, spaces and
 * underscores ignored): name / full name / display name, else first name + last name.
 */
export function displayName(fields: Readonly<Record<string, string>>): string | undefined {
  const byKey = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) if (v) byKey.set(k.toLowerCase().replace(/[\s_-]/g, ""), v);
  const whole = byKey.get("name") ?? byKey.get("fullname") ?? byKey.get("displayname");
  if (whole) return whole;
  const parts = [byKey.get("firstname"), byKey.get("lastname")].filter(Boolean);
  return parts.length > 0 ? parts.join(" ") : undefined;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

/**
 * Projected send times per ready lead, filled from `projectSchedule`'s `onSend`: one Float64Array
 * slot per ready lead × sequence step (epoch ms; NaN = not projected) and the lead's account.
 */
export class ScheduleTable {
  private readonly times: Float64Array;
  private readonly accounts: Uint16Array;

  constructor(
    readonly leads: number,
    readonly steps: number,
  ) {
    this.times = new Float64Array(leads * steps).fill(Number.NaN);
    this.accounts = new Uint16Array(leads);
  }

  record(lead: number, step: number, account: number, at: number): void {
    this.times[lead * this.steps + step] = at;
    if (step === 0) this.accounts[lead] = account;
  }

  /** `{"a":[…],"t":[[…],…]}` as described above, built in pieces (100,000 leads → ~4 MB). */
  *json(): Generator<string> {
    yield `{"a":[${this.accounts.join(",")}],"t":[`;
    const row: string[] = [];
    for (let k = 0; k < this.leads; k++) {
      row.length = 0;
      for (let s = 0; s < this.steps; s++) {
        const t = this.times[k * this.steps + s]!;
        row.push(Number.isNaN(t) ? "null" : String(Math.round(t / 1000)));
      }
      yield `${k === 0 ? "" : ","}[${row.join(",")}]`;
    }
    yield "]}";
  }
}
