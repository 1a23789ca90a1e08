/**
 * Throwaway campaigns for end-to-end tests: a temp directory holding a leads CSV, one template per
 * step and a campaign.yaml whose pacing lets a real-time run finish in seconds (every day, all day,
 * no per-account gap, follow-ups after 1 s, replies polled every second).
 *
 * Every template starts with `[<step id>]`, and the rendered text includes the lead's id, so a
 * message in the sandbox's record can be attributed to one (lead, step) pair: `stepOfContent()`.
 * `tallySends()` turns the sandbox's record into exactly-once findings (duplicates, missing pairs).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FixtureLead {
  /** X user id: digits only. */
  id: string;
  first_name: string;
  company: string;
}

export interface FixtureReplyStep {
  /** Default "thank-you". */
  id?: string;
  /** Default "0s". */
  delay?: string;
  /** Case-insensitive regular expression; default: any reply. */
  match?: string;
  /** Send a message (template) when the step fires. Default true. */
  message?: boolean;
  /** Default none; with `message: false` give at least one action. */
  actions?: { status?: string; tags?: string[]; assignTo?: string; markDone?: boolean };
}

export interface CampaignFixtureOptions {
  /** Sender account link ids; must be among the sandbox's `accountLinks`. */
  accounts: string[];
  /** How many leads (generated) or the exact rows. Default 10. */
  leads?: number | FixtureLead[];
  /** First generated lead id; the rest count up from it. Default "4100000000000000001"-ish (see `leadIdAt`). */
  firstLeadId?: bigint;
  /** Campaign name (its slug names nothing here: the state file is set explicitly). Default "E2E campaign". */
  name?: string;
  /** Number of follow-up steps after the intro ("follow-up-1", …). Default 1. */
  followUps?: number;
  /** `after:` of every follow-up. Default "1s". */
  followUpAfter?: string;
  /** Add an `on: reply` step. Default none. */
  replyStep?: FixtureReplyStep;
  /** Default "1s". */
  pollEvery?: string;
  /** Default "1s". */
  keepOpenFor?: string;
  /** Default "UTC". */
  timezone?: string;
  /** Default every day. */
  days?: string[] | string;
  /** Default "00:00-24:00". */
  hours?: string;
  /** Default {perHour: 100000, perDay: 1000000, gap: "0s"}. */
  perAccount?: { perHour?: number; perDay?: number; gap?: string };
  /** The team API quota; default: omitted (the documented limits). */
  api?: { perMinute?: number; perHour?: number; perDay?: number; windows?: { limit: number; per: string }[] };
  /** `contacted:` (skip | allow); default omitted (skip). */
  contacted?: "skip" | "allow";
  /** State file, relative to the campaign dir. Default "state/campaign.json". */
  stateFile?: string;
  /** Lines written to a suppression file (and `suppression:` set) when given. */
  suppression?: string[];
  /** Overrides of template bodies by step id (the `[<step id>]` prefix is still added). */
  templates?: Record<string, string>;
}

export interface CampaignFixture {
  dir: string;
  /** Absolute path of campaign.yaml. */
  yamlPath: string;
  leadsPath: string;
  /** Absolute path of the state file (its journal is `${stateFile}.journal`, its lock `${stateFile}.lock`). */
  stateFile: string;
  suppressionPath?: string;
  leads: FixtureLead[];
  leadIds: string[];
  /** Sequence step ids in order: ["intro", "follow-up-1", …]. */
  sequenceSteps: string[];
  /** The reply step's id, when there is one. */
  replyStepId?: string;
  /** Rewrites campaign.yaml with different options (same dir, same leads unless `leads` is given). */
  rewrite(overrides: Partial<CampaignFixtureOptions>): void;
  /** Removes the temp dir. Safe to call twice. */
  cleanup(): void;
}

const EVERY_DAY = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Radia", "Tim"];
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent"];
const DEFAULT_FIRST_ID = 4_100_000_000_000_000_001n;

/** The generated id of the `index`-th lead (0-based): digits only, like a real X id. */
export function leadIdAt(index: number, first: bigint = DEFAULT_FIRST_ID): string {
  return (first + BigInt(index)).toString();
}

/** `count` generated leads with names and companies cycling through short lists. */
export function generateLeads(count: number, first: bigint = DEFAULT_FIRST_ID): FixtureLead[] {
  return Array.from({ length: count }, (_, i) => ({
    id: leadIdAt(i, first),
    first_name: FIRST_NAMES[i % FIRST_NAMES.length] ?? "Lead",
    company: COMPANIES[i % COMPANIES.length] ?? "Co",
  }));
}

export function makeCampaign(options: CampaignFixtureOptions): CampaignFixture {
  const dir = mkdtempSync(join(tmpdir(), "outreach-e2e-"));
  let current: CampaignFixtureOptions = options;
  let leads = resolveLeads(options);
  const fixture: CampaignFixture = {
    dir,
    yamlPath: join(dir, "campaign.yaml"),
    leadsPath: join(dir, "leads.csv"),
    stateFile: join(dir, options.stateFile ?? "state/campaign.json"),
    leads,
    leadIds: leads.map((l) => l.id),
    sequenceSteps: sequenceStepIds(options),
    ...(options.replyStep ? { replyStepId: options.replyStep.id ?? "thank-you" } : {}),
    ...(options.suppression ? { suppressionPath: join(dir, "suppression.txt") } : {}),
    rewrite(overrides) {
      current = { ...current, ...overrides };
      if (overrides.leads !== undefined) {
        leads = resolveLeads(current);
        fixture.leads = leads;
        fixture.leadIds = leads.map((l) => l.id);
      }
      fixture.sequenceSteps = sequenceStepIds(current);
      writeFiles(dir, current, leads);
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  writeFiles(dir, current, leads);
  return fixture;
}

function resolveLeads(options: CampaignFixtureOptions): FixtureLead[] {
  const given = options.leads ?? 10;
  return typeof given === "number" ? generateLeads(given, options.firstLeadId) : given;
}

function sequenceStepIds(options: CampaignFixtureOptions): string[] {
  const followUps = options.followUps ?? 1;
  return ["intro", ...Array.from({ length: followUps }, (_, i) => `follow-up-${i + 1}`)];
}

function writeFiles(dir: string, options: CampaignFixtureOptions, leads: FixtureLead[]): void {
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "leads.csv"), csv(leads));

  const templates = options.templates ?? {};
  const body = (stepId: string, fallback: string): string => `[${stepId}] ${templates[stepId] ?? fallback}\n`;
  const steps: string[] = [];
  for (const [i, id] of sequenceStepIds(options).entries()) {
    const text =
      i === 0
        ? "Hi {{first_name}} ({{lead.id}}), a quick note for the {{company}} team."
        : `Hi {{first_name}} ({{lead.id}}), following up (${i}) on my note about {{company}}.`;
    writeFileSync(join(dir, "templates", `${id}.hbs`), body(id, text));
    steps.push(`  - id: ${id}`, `    template: templates/${id}.hbs`);
    if (i > 0) steps.push(`    after: ${options.followUpAfter ?? "1s"}`);
  }
  const reply = options.replyStep;
  if (reply) {
    const id = reply.id ?? "thank-you";
    steps.push(`  - id: ${id}`, "    on: reply", `    delay: ${reply.delay ?? "0s"}`);
    if (reply.match !== undefined) steps.push(`    match: ${JSON.stringify(reply.match)}`);
    if (reply.message !== false) {
      writeFileSync(join(dir, "templates", `${id}.hbs`), body(id, "Thanks {{first_name}} ({{lead.id}})! Talk soon."));
      steps.push(`    template: templates/${id}.hbs`);
    }
    if (reply.actions) steps.push(`    actions: ${JSON.stringify(reply.actions)}`);
  }

  if (options.suppression) writeFileSync(join(dir, "suppression.txt"), options.suppression.map((l) => `${l}\n`).join(""));
  const per = { perHour: 100_000, perDay: 1_000_000, gap: "0s", ...options.perAccount };
  const yaml = [
    `name: ${JSON.stringify(options.name ?? "E2E campaign")}`,
    "leads:",
    "  file: leads.csv",
    "  idColumn: x_user_id",
    ...(options.suppression ? ["suppression: suppression.txt"] : []),
    `accounts: ${JSON.stringify(options.accounts)}`,
    "steps:",
    ...steps,
    "pacing:",
    `  timezone: ${options.timezone ?? "UTC"}`,
    `  days: ${JSON.stringify(options.days ?? EVERY_DAY)}`,
    `  hours: ${JSON.stringify(options.hours ?? "00:00-24:00")}`,
    `  perAccount: {perHour: ${per.perHour}, perDay: ${per.perDay}, gap: ${JSON.stringify(per.gap)}}`,
    ...(options.api ? [`  api: ${JSON.stringify(options.api)}`] : []),
    "replies:",
    `  pollEvery: ${options.pollEvery ?? "1s"}`,
    `  keepOpenFor: ${options.keepOpenFor ?? "1s"}`,
    `state: ${options.stateFile ?? "state/campaign.json"}`,
    ...(options.contacted ? [`contacted: ${options.contacted}`] : []),
    "",
  ].join("\n");
  writeFileSync(join(dir, "campaign.yaml"), yaml);
}

function csv(leads: FixtureLead[]): string {
  const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return ["x_user_id,first_name,company", ...leads.map((l) => [l.id, l.first_name, l.company].map(cell).join(","))].join("\n") + "\n";
}

/** The step a fixture message was rendered from (its `[<step id>]` prefix), or undefined. */
export function stepOfContent(content: string): string | undefined {
  return /^\[([a-z0-9][a-z0-9_-]*)\]/.exec(content)?.[1];
}

/** The fields of a sandbox message the tally needs (SandboxMessage has them all). */
export interface SentMessage {
  direction: string;
  externalPlatformId: string;
  accountLinkId: string;
  threadId: string;
  content: string;
}

export interface SendTally {
  /** `${leadId}:${stepId}` → outbound messages. */
  counts: Map<string, number>;
  /** Pairs sent more than once, as `${leadId}:${stepId}×n`. */
  duplicates: string[];
  /** Outbound messages total. */
  total: number;
  /** Outbound messages per account link. */
  perAccount: Map<string, number>;
  /** Lead ids whose outbound messages were not all in one thread. */
  splitThreads: string[];
  /** Pairs among `leadIds × steps` never sent. */
  missing(leadIds: readonly string[], steps: readonly string[]): string[];
  /** Outbound messages to one lead for one step. */
  count(leadId: string, stepId: string): number;
}

/** Exactly-once bookkeeping from the sandbox's own record (outbound messages only). */
export function tallySends(messages: readonly SentMessage[]): SendTally {
  const counts = new Map<string, number>();
  const perAccount = new Map<string, number>();
  const threads = new Map<string, Set<string>>();
  let total = 0;
  for (const m of messages) {
    if (m.direction !== "outbound") continue;
    total++;
    const key = `${m.externalPlatformId}:${stepOfContent(m.content) ?? "?"}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    perAccount.set(m.accountLinkId, (perAccount.get(m.accountLinkId) ?? 0) + 1);
    const set = threads.get(m.externalPlatformId) ?? new Set<string>();
    set.add(m.threadId);
    threads.set(m.externalPlatformId, set);
  }
  return {
    counts,
    total,
    perAccount,
    duplicates: [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k}×${n}`),
    splitThreads: [...threads].filter(([, s]) => s.size > 1).map(([id]) => id),
    missing: (leadIds, steps) => leadIds.flatMap((id) => steps.filter((s) => !counts.has(`${id}:${s}`)).map((s) => `${id}:${s}`)),
    count: (leadId, stepId) => counts.get(`${leadId}:${stepId}`) ?? 0,
  };
}
