/**
 * What `outreach status` needs of the leads CSV — each row's id and zone, in CSV order — read once
 * and kept beside the status summary (platform/status-cache.ts), so that a status after a run wrote
 * to the state reads the state alone, not the CSV again (100,000 rows: ~0.6 s of CPU and ~30 MB).
 *
 * The roster does not depend on the suppression file, which an opt-out appends to during a run: it is
 * the CSV read with nothing suppressed, and `applyRoster` applies the suppression file as it is now.
 * That gives exactly what reading the CSV with the suppression file gives (leads/read-leads.ts checks
 * a row's id, registers it for duplicate detection, and only then looks it up in the suppression
 * list, before its zone): a row that reaches the lookup is in the roster with its zone (or that its
 * zone is bad); every other row is only counted.
 *
 * Kept as `$XDG_CACHE_HOME/outreach/status/<FNV-1a of the campaign file's path>.leads` (0600): a
 * checksum line (files/checksum.ts), a header line (JSON, with each row's zone index) and the rows'
 * ids, one a line. Used only when the header's Node.js version (zone rules), build of outreach, leads
 * section of the campaign and CSV identity (device, inode, size, mtime, ctime) are those of now, and
 * the CSV last changed more than RACY_MS before the roster's read began (status-cache.ts).
 */
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import type { Campaign } from "../config/types.js";
import type { StatusLead } from "../engine/status-summary.js";
import { bytesChecksum } from "../files/checksum.js";
import { createPrivateFile, unlinkIfPresent } from "../files/private-files.js";
import type { LeadState } from "../state/types.js";
import { codeIdentity, RACY_MS, readNoFollowSync, statusCachePath, type SummaryInputs } from "./status-cache.js";

/** Bump when the file's shape or meaning changes. */
const FORMAT = 3;
/** A row's zone index: none given (the campaign's zone). */
const NO_ZONE = -1;
/** A row's zone index: a zone no one knows (a `bad-timezone` row unless suppressed). */
const BAD_ZONE = -2;

/** The CSV's rows that reach the suppression lookup, in CSV order, and how many rows do not. */
export interface LeadRoster {
  ids: string[];
  /** Per row: an index into `zoneNames`, NO_ZONE (-1) or BAD_ZONE (-2). */
  zones: number[];
  zoneNames: string[];
  /** Rows skipped whatever the suppression file says (ragged, bad or duplicate id, …). */
  otherSkipped: number;
}

interface RosterHeader {
  format: number;
  node: string;
  code: string;
  /** The campaign's leads section, as JSON. */
  leads: string;
  /** The CSV's identity when read (status-cache.ts SummaryInputs.leads). */
  csv: string;
  /** Epoch ms (wall clock) just before the CSV's identity was taken for the read. */
  readAt: number;
  otherSkipped: number;
  zoneNames: string[];
  /** Per row: an index into zoneNames, NO_ZONE or BAD_ZONE. */
  zones: number[];
}

/** The kept roster's file for the campaign file at `absolute`. */
export function rosterPath(absolute: string, env: NodeJS.ProcessEnv = process.env): string {
  return statusCachePath(absolute, env).replace(/\.json$/, ".leads");
}

/**
 * Reads the CSV as a run would with nothing suppressed (`file`: the CSV's path as its identity was
 * taken). @throws UserError as readLeads does for an unreadable or malformed CSV.
 */
export async function readRoster(leads: Campaign["leads"], file: string): Promise<LeadRoster> {
  const { readLeads } = await import("../leads/read-leads.js");
  const roster: LeadRoster = { ids: [], zones: [], zoneNames: [], otherSkipped: 0 };
  const zoneIndex = new Map<string, number>();
  const zoneOf = (zone: string): number => {
    let i = zoneIndex.get(zone);
    if (i === undefined) {
      i = roster.zoneNames.length;
      zoneIndex.set(zone, i);
      roster.zoneNames.push(zone);
    }
    return i;
  };
  for await (const rec of readLeads({ leads: { ...leads, file } }, { suppressed: new Set() })) {
    if (rec.kind === "lead") {
      roster.ids.push(rec.lead.id);
      roster.zones.push(rec.lead.timezone === undefined ? NO_ZONE : zoneOf(rec.lead.timezone));
    } else if (rec.problem.reason === "bad-timezone" && rec.problem.id !== undefined) {
      roster.ids.push(rec.problem.id);
      roster.zones.push(BAD_ZONE);
    } else {
      roster.otherSkipped++;
    }
  }
  return roster;
}

/**
 * The CSV's valid leads and its skipped rows count, as reading it with `suppressed` gives. A suppressed
 * row whose lead this campaign has finished — an opt-out appends the lead to the suppression file — is
 * still one of the campaign's leads: counted as finished and opted out, not as a skipped row (a tester
 * saw `status` report 2 leads and 0 opt-outs after 2 of 4 opted out).
 */
export function applyRoster(roster: LeadRoster, suppressed: ReadonlySet<string>, stateOf: (id: string) => LeadState | undefined): { leads: StatusLead[]; skippedRows: number } {
  const leads: StatusLead[] = [];
  let skippedRows = roster.otherSkipped;
  for (let i = 0; i < roster.ids.length; i++) {
    const id = roster.ids[i]!;
    const zone = roster.zones[i]!;
    if (suppressed.has(id)) {
      if (stateOf(id)?.finishedAt !== undefined) leads.push({ id });
      else skippedRows++;
    } else if (zone === BAD_ZONE) skippedRows++;
    else leads.push(zone === NO_ZONE ? { id } : { id, timezone: roster.zoneNames[zone]! });
  }
  return { leads, skippedRows };
}

/** The roster kept for `campaign` (from the campaign file at `absolute`), if it is the one of the CSV as it is now (see the header). */
export function keptRoster(absolute: string, leads: Campaign["leads"], csv: NonNullable<SummaryInputs["leads"]>): LeadRoster | undefined {
  try {
    const bytes = readNoFollowSync(rosterPath(absolute));
    if (!bytes) return undefined;
    const firstBreak = bytes.indexOf(0x0a);
    if (firstBreak < 0 || bytes.toString("latin1", 0, firstBreak) !== bytesChecksum(bytes.subarray(firstBreak + 1))) return undefined;
    const text = bytes.toString("utf8");
    const first = text.indexOf("\n");
    const second = text.indexOf("\n", first + 1);
    if (second < 0) return undefined;
    const h = JSON.parse(text.slice(first + 1, second)) as RosterHeader;
    const code = codeIdentity();
    const usable =
      h.format === FORMAT && h.node === process.version && code !== undefined && h.code === code && h.leads === JSON.stringify(leads) &&
      h.csv === csv.identity && typeof h.readAt === "number" && csv.changedMs < h.readAt - RACY_MS;
    if (!usable) return undefined;
    const ids = second + 1 < text.length ? text.slice(second + 1).split("\n") : [];
    const { zones, zoneNames } = h;
    const valid = ids.length === zones.length && zones.every((z) => z === NO_ZONE || z === BAD_ZONE || (Number.isInteger(z) && z >= 0 && z < zoneNames.length));
    return valid ? { ids, zones, zoneNames, otherSkipped: h.otherSkipped } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps `roster`, read from the CSV of identity `csv` by a read that began at `readAt` (epoch ms), for
 * the campaign file at `absolute`. Atomic (a temp file renamed), best effort: never throws.
 */
export async function writeRoster(absolute: string, leads: Campaign["leads"], csv: string, readAt: number, roster: LeadRoster): Promise<void> {
  const file = rosterPath(absolute);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const code = codeIdentity();
    if (code === undefined) return;
    const header: RosterHeader = {
      format: FORMAT, node: process.version, code, leads: JSON.stringify(leads), csv, readAt, otherSkipped: roster.otherSkipped, zoneNames: roster.zoneNames, zones: roster.zones,
    };
    // An id with a line break in it would not read back as itself: such a roster is not kept.
    if (roster.ids.some((id) => id.includes("\n"))) return;
    const body = `${JSON.stringify(header)}\n${roster.ids.join("\n")}`;
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const bytes = Buffer.from(body);
    await createPrivateFile(tmp, Buffer.concat([Buffer.from(`${bytesChecksum(bytes)}\n`, "latin1"), bytes]), { sync: false });
    await rename(tmp, file);
  } catch {
    await unlinkIfPresent(tmp).catch(() => undefined);
  }
}
