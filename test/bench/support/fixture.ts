/**
 * Benchmark inputs, generated into a temp folder: a leads CSV of fictional people (digit ids that
 * cannot collide with real accounts' in any meaningful way, invented names and companies), message
 * templates, a partial and a campaign.yaml. Deterministic: the same count gives the same file.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const FIRST = ["Avery", "Blake", "Casey", "Devon", "Emery", "Finley", "Harper", "Jordan", "Kendall", "Logan", "Morgan", "Quinn", "Riley", "Sawyer", "Taylor"];
const LAST = ["Testwood", "Samplesby", "Mockford", "Fakeley", "Demoson", "Stubbins", "Placeholt", "Examplar"];
const COMPANY = ["Acme Widgets", "Globex Labs", "Initech Cloud", "Umbrella Data", "Hooli Systems", "Vandelay Imports", "Soylent Bio", "Stark Metrics"];
/** Every fourth role is empty: the templates guard it with {{#if role}}. */
const ROLE = ["founder", "co-founder", "CEO", ""];
/** Every third zone is empty: those leads fall back to the campaign's zone. */
const ZONE = ["America/New_York", "Europe/London", "", "Asia/Tokyo", "Europe/Berlin", ""];

export const LEAD_COLUMNS = ["x_user_id", "username", "first_name", "full_name", "company", "role", "timezone"] as const;

/** Writes `count` leads; ids are unique 19-digit numbers. Honours backpressure, so 1,000,000 rows stay in flat memory. */
export async function writeLeadsCsv(file: string, count: number, first = 0): Promise<void> {
  const out = createWriteStream(file);
  out.write(`${LEAD_COLUMNS.join(",")}\n`);
  for (let i = first; i < first + count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 7) % LAST.length]!;
    // Distinct 19-digit ids that never end in four zeros (those read as spreadsheet-rounded and are refused).
    const id = String(1_000_000_000_000_000_003n + BigInt(i) * 79_190n);
    const row = `${id},${first.toLowerCase()}_${last.toLowerCase()}_${i},${first},${first} ${last},${COMPANY[(i * 3) % COMPANY.length]},${ROLE[i % ROLE.length]},${ZONE[i % ZONE.length]}\n`;
    if (!out.write(row)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

/**
 * Three message steps that use only columns, {{#if}} and a partial: what bare Handlebars can render
 * too, so the baseline renders exactly the same text as the product.
 */
export const TEMPLATES: Readonly<Record<string, string>> = {
  intro:
    "Hi {{first_name}} — quick one from one founder to another.\n\n" +
    "I've been following what you're building at {{company}}{{#if role}} as {{role}}{{/if}} and would love to swap notes: " +
    "we're working on something adjacent and I'd value 10 minutes of your take.\n\n{{> signoff}}\n",
  nudge:
    "Hey {{first_name}}, floating this back up in case it got buried — still keen to hear how {{company}} approaches it.\n\n" +
    "No worries at all if the timing's off.\n\n{{> signoff}}\n",
  last:
    "{{first_name}}, last note from me: if {{company}} ever wants a second pair of eyes on outreach, my DMs are open.\n\n{{> signoff}}\n",
};
export const PARTIALS: Readonly<Record<string, string>> = { signoff: "Cheers,\nSam" };

/**
 * Pacing that never binds: every day 00:00-24:00, no gap, caps far above what a benchmark reaches (low
 * enough that the rings sized by them stay small: 8 bytes a slot). `api: false` leaves the team quota
 * at its defaults, for a caller that replaces campaign.pacing.api in code.
 */
export function openPacing(opts: { api: boolean }): string {
  // The gate runs (its window is counted) but never binds: ~45,000 requests a minute at most here
  // (two a lead: prospect lookup, quick send). One window, not perMinute/perHour/perDay of 1,000,000
  // each: a 1,000,000-lead run makes 2,000,000 requests, and a per-day quota of 1,000,000 once parked
  // that run, correctly, for 24 h at 495,000 leads; a ring keeps up to `limit` start times.
  const api = opts.api ? "  api:\n    windows:\n      - { limit: 100000, per: 1m }\n" : "";
  return `  timezone: UTC
  days: [mon, tue, wed, thu, fri, sat, sun]
  hours: "00:00-24:00"
  perAccount:
    perHour: 1000000
    perDay: 1000000
    gap: 0s
${api}`;
}

export interface CampaignSpec {
  leads: number;
  /** How many of TEMPLATES' steps, in order (1–3). */
  steps: number;
  /** Extra pacing YAML (replaces the default block), already indented by two spaces. */
  pacing?: string;
  /** Account link ids; default two. */
  accounts?: string[];
  /** Index of the first lead (ids and names follow from it): campaigns with distinct leads. Default 0. */
  firstLead?: number;
}

export interface Fixture {
  dir: string;
  campaignFile: string;
  leadsFile: string;
  templatesDir: string;
  cleanup(): Promise<void>;
}

const DEFAULT_PACING = `  timezone: America/New_York
  days: mon-fri
  hours: "09:00-17:00"
`;

/** A temp folder holding leads.csv, templates/ (with partials/) and campaign.yaml. */
export async function createFixture(name: string, spec: CampaignSpec): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), `outreach-bench-${name}-`));
  const templatesDir = join(dir, "templates");
  await mkdir(join(templatesDir, "partials"), { recursive: true });
  for (const [id, text] of Object.entries(TEMPLATES)) await writeFile(join(templatesDir, `${id}.hbs`), text);
  for (const [id, text] of Object.entries(PARTIALS)) await writeFile(join(templatesDir, "partials", `${id}.hbs`), text);
  const leadsFile = join(dir, "leads.csv");
  await writeLeadsCsv(leadsFile, spec.leads, spec.firstLead);

  const stepIds = Object.keys(TEMPLATES).slice(0, spec.steps);
  const steps = stepIds
    .map((id, i) => `  - id: ${id}\n    template: templates/${id}.hbs\n${i === 0 ? "" : "    after: 3d\n"}`)
    .join("");
  const accounts = (spec.accounts ?? ["benchacct0", "benchacct1"]).map((a) => `  - ${a}\n`).join("");
  const yaml =
    `name: Bench ${name}\n` +
    `leads:\n  file: leads.csv\n  idColumn: x_user_id\n  usernameColumn: username\n  timezoneColumn: timezone\n` +
    `accounts:\n${accounts}` +
    `steps:\n${steps}` +
    `pacing:\n${spec.pacing ?? DEFAULT_PACING}` +
    `state: state/bench.json\n`;
  const campaignFile = join(dir, "campaign.yaml");
  await writeFile(campaignFile, yaml);
  return { dir, campaignFile, leadsFile, templatesDir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
