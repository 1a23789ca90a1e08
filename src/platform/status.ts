/**
 * `outreach status`'s report: from what the last `status` kept (platform/status-cache.ts) when the
 * campaign file and every input are the very files it was made from, unchanged since, else from
 * loading the campaign and one pass over the CSV and the state — kept for next time. No API call, no
 * token, no lock: a run may be writing the state meanwhile, so a summary is kept only when its inputs
 * have the same identity after the pass as before it.
 *
 * The campaign loader (YAML and schema libraries: ~170 modules), the CSV reader and the state loader
 * are imported only when needed: with a kept summary `status` starts in about the time of `--help`.
 */
import { hostname } from "node:os";
import path from "node:path";
import { statusAt, type StatusReport, type StatusSummary } from "../engine/status-summary.js";
import { seedZoneDays, zoneDays, type ZoneDays } from "../schedule/windows.js";
import type { LeadLines } from "../state/lead-lines.js";
import { lockHolder } from "../state/lock-file.js";
import {
  fileIdentity,
  keptCampaign,
  RACY_MS,
  keptSummary,
  readStatusCache,
  statusCampaign,
  summaryInputs,
  writeStatusCache,
  type StatusCacheEntry,
  type StatusCampaign,
  type SummaryInputs,
} from "./status-cache.js";

export interface CampaignStatus {
  campaign: StatusCampaign;
  report: StatusReport;
  /** Whether the report came from the kept summary (nothing was re-read). */
  fromSummary: boolean;
}

/**
 * The status of the campaign in `file` at `now` (epoch ms).
 * @throws UserError for a campaign file with problems, a state file that cannot be read or does not
 *   belong to the campaign, and the CSV's and suppression file's errors, as the full pass meets them.
 */
export async function campaignStatus(file: string, now: number): Promise<CampaignStatus> {
  const absolute = path.resolve(file);
  const entry = await readStatusCache(absolute);
  // Taken before the campaign file and the inputs are examined: a change after it gets a later ctime (status-cache.ts).
  const readAt = Date.now();
  const before = await fileIdentity(absolute);
  const kept = await keptCampaign(entry, before);
  let campaign: StatusCampaign;
  // The campaign as kept, or as loaded now from a campaign file whose identity held still meanwhile.
  let keep: Pick<StatusCacheEntry, "campaignFile" | "campaignId" | "campaignReadAt" | "campaign"> | undefined;
  if (kept && entry && before) {
    campaign = kept;
    keep = { campaignFile: absolute, campaignId: before.identity, campaignReadAt: entry.campaignReadAt, campaign };
  } else {
    // The loader reads the file (as identified: symlinks resolved; its paths still resolve from `file`'s
    // folder) and says what is wrong with it, if anything.
    const [{ loadCampaign }, { nodeConfigFs }] = await Promise.all([import("../config/load.js"), import("../config/files.js")]);
    const from = before?.real ?? absolute;
    campaign = statusCampaign(await loadCampaign(file, { fs: { ...nodeConfigFs, readFile: (f) => nodeConfigFs.readFile(f === absolute ? from : f) } }));
    const after = await fileIdentity(absolute);
    if (before && after?.identity === before.identity) keep = { campaignFile: absolute, campaignId: before.identity, campaignReadAt: readAt, campaign };
  }

  const inputs = await summaryInputs(campaign);
  const summary = keptSummary(entry, campaign, inputs, now);
  if (summary) {
    for (const table of entry!.zones ?? []) seedZoneDays(table);
    // The campaign file touched without changing the campaign (a comment edited): keep its new
    // identity beside the summary, or every later status would load the YAML again.
    if (keep && !kept) await writeStatusCache({ ...keep, inputs: entry!.inputs!, readAt: entry!.readAt!, summary, ...(entry!.zones ? { zones: entry!.zones } : {}) });
    return { campaign, report: statusAt(campaign, summary, now, runningNow(campaign.stateFile)), fromSummary: true };
  }

  const made = await summarizeFromFiles(campaign, absolute, inputs, readAt, now);
  // Kept only if a later status could use it: inputs unchanged through the pass, and none changed
  // within the racy window before it (keptSummary's rule, against this readAt for good). While a run
  // writes, neither holds: the entry is then left as it is (its zones still serve, see below).
  const usable = inputs !== undefined && inputs.newestChangeMs < readAt - RACY_MS && (await summaryInputs(campaign))?.identity === inputs.identity;
  if (keep && usable) await writeStatusCache({ ...keep, inputs: inputs.identity, readAt, summary: made, zones: keptZones(campaign, made, now) });
  else if (keep && !kept) await writeStatusCache(keep);
  // The zone offsets kept with an earlier summary hold whatever changed since (the same Node.js: its zone rules).
  for (const table of entry?.zones ?? []) seedZoneDays(table);
  return { campaign, report: statusAt(campaign, made, now, runningNow(campaign.stateFile)), fromSummary: false };
}

/** The run holding the state's lock now (see lockHolder), as the report gives it. */
function runningNow(stateFile: string): StatusReport["running"] {
  const me = hostname();
  const held = lockHolder(stateFile, me);
  return held ? { pid: held.pid, ...(held.hostname !== me ? { hostname: held.hostname } : {}), startedAt: held.startedAt } : null;
}

/** Days of zone offsets kept with a summary: a status within this many days of it reads its times without Intl. */
const KEPT_ZONE_DAYS = 45;
/** At most this many zones are kept (the campaign's first; a lead's zone beyond them is read from Intl). */
const KEPT_ZONES = 64;

/** The offsets of the zones a summary is finished in (the campaign's, and its leads'), from the day before `now` on. */
function keptZones(campaign: StatusCampaign, summary: StatusSummary, now: number): ZoneDays[] {
  const names = new Set<string>([campaign.pacing.window.timezone]);
  for (const zone of summary.toStartZones) if (zone !== null) names.add(zone);
  for (const f of summary.followUps) if (f.timezone !== undefined) names.add(f.timezone);
  const today = Math.floor(now / 86_400_000);
  return [...names].slice(0, KEPT_ZONES).map((zone) => zoneDays(zone, today - 1, today + KEPT_ZONE_DAYS));
}

/**
 * The summary from the files: the CSV's rows (the roster kept for the CSV when it is as it was then,
 * else read and kept: platform/lead-roster.ts), the suppression file as it is now, and the state —
 * from the facts kept for its snapshot plus the journal's records (platform/state-facts.ts) when they
 * hold, else read whole (each lead decoded once and let go: state/lead-lines.ts), its facts then kept.
 * `inputs.files` are the paths as resolved when their identities were taken (see SummaryInputs.files),
 * and `readAt` (epoch ms) was taken before those identities.
 */
async function summarizeFromFiles(campaign: StatusCampaign, campaignFile: string, inputs: SummaryInputs | undefined, readAt: number, now: number): Promise<StatusSummary> {
  const [{ loadSuppression }, roster, kept, { factsPlan, leadFacts, StatusFacts, summarizeFacts }] = await Promise.all([
    import("../leads/suppression.js"),
    import("./lead-roster.js"),
    import("./state-facts.js"),
    import("../engine/status-facts.js"),
  ]);
  const files = inputs?.files;
  const csv = inputs?.leads;
  let rows = csv && roster.keptRoster(campaignFile, campaign.leads, csv);
  if (!rows) {
    rows = await roster.readRoster(campaign.leads, files?.leadsFile ?? campaign.leads.file);
    if (csv && (await summaryInputs(campaign))?.leads?.identity === csv.identity) await roster.writeRoster(campaignFile, campaign.leads, csv.identity, readAt, rows);
  }
  const suppressionFile = files?.suppressionFile ?? campaign.suppressionFile;
  const suppressed = await loadSuppression({ file: suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true });
  const context = (leadsInState: number) => ({ campaign, leadsInState, suppressed, computedAt: now });
  const rosterId = csv && kept.rosterIdentity(campaign.leads, csv);

  // The snapshot's facts as kept, brought up to date from the journal (a status while a run writes).
  if (inputs && rosterId) {
    const facts = kept.keptFacts(campaignFile, campaign, rosterId, rows.ids.length, inputs.snapshot);
    const changes = facts && kept.journalChanges(campaign, rows, facts, inputs.files.stateFile, inputs.snapshot);
    if (facts && changes) return summarizeFacts(context(changes.leadsInState), rows, facts.facts, changes.override);
  }

  // The state read whole: each row's lead as its snapshot line says (the facts to keep), and as the
  // journal left it (what this status counts).
  const [{ displayPath }, { readStateModel }, { fsFaultAsUserError }] = await Promise.all([
    import("../config/display-path.js"),
    import("../state/load.js"),
    import("../files/fs-faults.js"),
  ]);
  const state = await readStateModel(files?.stateFile ?? campaign.stateFile, { lazy: true }).catch((err: unknown) => {
    throw fsFaultAsUserError(err, displayPath(campaign.stateFile), "read the state file", { then: "then run status again", sending: false });
  });
  // A LeadLines, or a Map for a snapshot of an older format (read whole: nothing kept for it).
  const lines = state && "snapshotLead" in state.leads ? (state.leads as LeadLines) : undefined;
  const plan = factsPlan(campaign);
  const facts = new StatusFacts(rows.ids.length, plan.stepIds.length);
  const override = new Map<number, ReturnType<typeof leadFacts> | undefined>();
  const ranges = new Float64Array(rows.ids.length * 2).fill(-1);
  let inSnapshot = 0;
  for (let r = 0; r < rows.ids.length; r++) {
    const id = rows.ids[r]!;
    if (!lines) {
      const lead = state?.leads.get(id);
      facts.push(r, lead && leadFacts(plan, lead));
      continue;
    }
    const base = lines.snapshotLead(id);
    facts.push(r, base && leadFacts(plan, base));
    const range = lines.lineRange(id);
    if (range) {
      inSnapshot++;
      ranges[r * 2] = range[0];
      ranges[r * 2 + 1] = range[1];
    }
    if (lines.changed(id)) {
      const lead = lines.peek(id);
      override.set(r, lead && leadFacts(plan, lead));
    }
  }
  const summary = summarizeFacts(context(state?.leads.size ?? 0), rows, facts, override);
  // Every line is still checked, those of leads no longer in the CSV too: a damaged state file is said so.
  lines?.checkUnread();
  if (lines && state && inputs && rosterId && (await summaryInputs(campaign))?.snapshot.identity === inputs.snapshot.identity) {
    let otherIds: string[] = [];
    if (inSnapshot < lines.snapshotSize) {
      const inRoster = new Set(rows.ids);
      otherIds = [...lines.snapshotIds()].filter((id) => !inRoster.has(id));
    }
    const snapshot = { facts, ranges, meta: state.meta, tables: lines.tables, snapshotLeads: lines.snapshotSize, otherIds };
    await kept.writeFacts(campaignFile, campaign, rosterId, inputs.snapshot.identity, readAt, snapshot);
  }
  return summary;
}
