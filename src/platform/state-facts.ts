/**
 * What `outreach status` keeps of a state's snapshot file, so that a status while a run writes — every
 * send adds a journal line; the snapshot is rewritten only at a compaction — reads the journal, not
 * the snapshot's every lead:
 *
 * - the facts of the CSV's rows as the snapshot alone says them (engine/status-facts.ts), one row per
 *   roster row (platform/lead-roster.ts);
 * - where each row's lead line is in the snapshot (bytes), and the snapshot's tables and meta, so a
 *   lead the journal changed is decoded from its own line and the journal's records replayed over it;
 * - how many leads the snapshot holds, and the ids of those not in the CSV (for `leadsInState`).
 *
 * Kept as `$XDG_CACHE_HOME/outreach/status/<FNV-1a of the campaign file's path>.facts` (0600): a
 * checksum line, a header line (JSON), then the columns, the line ranges and a JSON tail. Used only for
 * the same Node.js and build of outreach, the same steps (`factsStamp`), the same roster (its CSV's
 * identity and leads section), and the same snapshot identity (device, inode, size, mtime, ctime) —
 * checked again on the descriptor the lines are read from — last changed more than RACY_MS before the
 * facts' read began (status-cache.ts). A journal that does not belong to the snapshot (journal-header.ts)
 * is left to the full read, which says what is wrong.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import type { Campaign } from "../config/types.js";
import { factsPlan, factsStamp, leadFacts, StatusFacts, type LeadFacts } from "../engine/status-facts.js";
import { bytesChecksum } from "../files/checksum.js";
import { createPrivateFile, unlinkIfPresent } from "../files/private-files.js";
import { journalProblem } from "../state/journal-header.js";
import { applyRecord, parseJournal, type JournalRecord, type StateModel } from "../state/journal-records.js";
import { decodeLead, type LeadLine, type LeadTables } from "../state/snapshot-format.js";
import type { LeadState, StateMeta } from "../state/types.js";
import type { LeadRoster } from "./lead-roster.js";
import { codeIdentity, identityOf, RACY_MS, readNoFollowSync, statusCachePath, type FileIdentity } from "./status-cache.js";

const FORMAT = 2;
/** Changed leads read a line each, at most (or a quarter of the rows, when more): beyond, the full read. */
const MOST_LINES_READ = 1000;

interface FactsHeader {
  format: number;
  node: string;
  code: string;
  /** factsStamp(campaign). */
  steps: string;
  /** The roster's identity: its CSV's identity and the campaign's leads section. */
  roster: string;
  rows: number;
  stepCount: number;
  /** The snapshot's identity (status-cache.ts) when read, and the epoch ms just before it was taken. */
  snapshot: string;
  readAt: number;
  meta: StateMeta;
  tables: LeadTables;
  snapshotLeads: number;
  /** Snapshot leads not in the CSV. */
  otherIds: string[];
  columnsBytes: number;
  rangesBytes: number;
}

/** Facts kept for a snapshot, with what a status needs to bring them up to date from the journal. */
export interface KeptFacts {
  facts: StatusFacts;
  /** Per row: its lead's line in the snapshot (bytes [start, end)), start -1 when it has none. */
  ranges: Float64Array;
  meta: StateMeta;
  tables: LeadTables;
  snapshotLeads: number;
  otherIds: ReadonlySet<string>;
}

/** The roster's identity, as facts are kept for it. */
export function rosterIdentity(leads: Campaign["leads"], csv: FileIdentity): string {
  return `${csv.identity}\n${JSON.stringify(leads)}`;
}

export function factsPath(absolute: string, env: NodeJS.ProcessEnv = process.env): string {
  return statusCachePath(absolute, env).replace(/\.json$/, ".facts");
}

/** The facts kept for the campaign file at `absolute`, if they are for this campaign's steps, this roster and this snapshot (see the header). */
export function keptFacts(absolute: string, campaign: Pick<Campaign, "sequence" | "replySteps">, roster: string, rows: number, snapshot: FileIdentity): KeptFacts | undefined {
  try {
    const bytes = readNoFollowSync(factsPath(absolute));
    if (!bytes) return undefined;
    const first = bytes.indexOf(0x0a);
    const second = bytes.indexOf(0x0a, first + 1);
    if (first < 0 || second < 0) return undefined;
    if (bytes.toString("latin1", 0, first) !== bytesChecksum(bytes.subarray(first + 1))) return undefined;
    const h = JSON.parse(bytes.toString("utf8", first + 1, second)) as FactsHeader;
    const code = codeIdentity();
    const stepCount = factsPlan(campaign).stepIds.length;
    const usable =
      h.format === FORMAT && h.node === process.version && code !== undefined && h.code === code && h.steps === factsStamp(campaign) &&
      h.roster === roster && h.rows === rows && h.stepCount === stepCount && h.snapshot === snapshot.identity && snapshot.changedMs < h.readAt - RACY_MS;
    if (!usable) return undefined;
    const columnsAt = second + 1;
    const rangesAt = columnsAt + h.columnsBytes;
    const jsonAt = rangesAt + h.rangesBytes;
    if (h.rangesBytes !== rows * 16 || jsonAt > bytes.length) return undefined;
    const facts = StatusFacts.fromBytes(rows, stepCount, bytes.subarray(columnsAt, rangesAt), bytes.toString("utf8", jsonAt));
    const rangeBytes = bytes.subarray(rangesAt, jsonAt);
    const ranges = rangeBytes.byteOffset % 8 === 0 ? new Float64Array(rangeBytes.buffer, rangeBytes.byteOffset, rows * 2) : new Float64Array(new Uint8Array(rangeBytes).buffer);
    return { facts, ranges, meta: h.meta, tables: h.tables, snapshotLeads: h.snapshotLeads, otherIds: new Set(h.otherIds) };
  } catch {
    return undefined;
  }
}

/** Keeps facts made from the snapshot of identity `snapshot`, read by a pass that began at `readAt` (epoch ms). Best effort: never throws. */
export async function writeFacts(
  absolute: string,
  campaign: Pick<Campaign, "sequence" | "replySteps">,
  roster: string,
  snapshot: string,
  readAt: number,
  kept: Omit<KeptFacts, "otherIds"> & { otherIds: readonly string[] },
): Promise<void> {
  const file = factsPath(absolute);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const code = codeIdentity();
    if (code === undefined) return;
    const { columns, json } = kept.facts.toBytes();
    const ranges = Buffer.from(kept.ranges.buffer, kept.ranges.byteOffset, kept.ranges.byteLength);
    const header: FactsHeader = {
      format: FORMAT, node: process.version, code, steps: factsStamp(campaign), roster, rows: kept.facts.rows, stepCount: kept.facts.stepCount,
      snapshot, readAt, meta: kept.meta, tables: kept.tables, snapshotLeads: kept.snapshotLeads, otherIds: [...kept.otherIds],
      columnsBytes: columns.length, rangesBytes: ranges.length,
    };
    // The header line is padded so that the columns start 8-byte aligned in the file: read, they are
    // used in place (Float64Array views need that), not copied.
    const head = Buffer.from(JSON.stringify(header));
    const pad = (8 - ((9 + head.length + 1) % 8)) % 8;
    const body = Buffer.concat([head, Buffer.from(`${" ".repeat(pad)}\n`), columns, ranges, Buffer.from(json)]);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await createPrivateFile(tmp, Buffer.concat([Buffer.from(`${bytesChecksum(body)}\n`, "latin1"), body]), { sync: false });
    await rename(tmp, file);
  } catch {
    await unlinkIfPresent(tmp).catch(() => undefined);
  }
}

/** What the journal changed over kept facts: the rows' new facts, and the leads in the state now. */
export interface JournalChanges {
  override: Map<number, LeadFacts | undefined>;
  leadsInState: number;
}

/**
 * The rows the journal (at `journalFile`) changed since the snapshot of `kept`, with their facts now:
 * each such lead decoded from its own line in the snapshot at `snapshotFile` — read through a
 * descriptor whose identity is checked to be `snapshot` — and the journal's records replayed over it,
 * as the full read does. Undefined when the journal does not belong to the snapshot, or the snapshot
 * is not the file the facts were kept for any more: the full read then does the rest.
 */
export function journalChanges(
  campaign: Pick<Campaign, "sequence" | "replySteps">,
  roster: Pick<LeadRoster, "ids">,
  kept: KeptFacts,
  snapshotFile: string,
  snapshot: FileIdentity,
): JournalChanges | undefined {
  const journalFile = `${snapshotFile}.journal`;
  const bytes = readNoFollowSync(journalFile);
  const parsed = bytes ? parseJournal(bytes, journalFile) : undefined;
  const found = { exists: bytes !== undefined, header: parsed?.header, records: parsed?.records.length ?? 0 };
  if (journalProblem(kept.meta, false, found) !== undefined) return undefined;
  // The leads the journal changed, each with its records in order.
  const byLead = new Map<string, JournalRecord[]>();
  for (const rec of parsed?.records ?? []) {
    if (rec.k === "meta") continue;
    const list = byLead.get(rec.l);
    if (list) list.push(rec);
    else byLead.set(rec.l, [rec]);
  }
  const override = new Map<number, LeadFacts | undefined>();
  let leadsInState = kept.snapshotLeads;
  if (byLead.size === 0) return { override, leadsInState };
  // Each changed lead is one read of its line: past a quarter of the rows, reading the file whole is cheaper.
  if (byLead.size > Math.max(MOST_LINES_READ, roster.ids.length / 4)) return undefined;
  const plan = factsPlan(campaign);
  const fd = openSync(snapshotFile, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (identityOf(snapshotFile, fstatSync(fd, { bigint: true })).identity !== snapshot.identity) return undefined;
    const inRoster = new Set<string>();
    for (let row = 0; row < roster.ids.length; row++) {
      const id = roster.ids[row]!;
      const records = byLead.get(id);
      if (records === undefined || inRoster.has(id)) continue;
      inRoster.add(id);
      const start = kept.ranges[row * 2]!;
      const lead = start < 0 ? undefined : readLead(fd, start, kept.ranges[row * 2 + 1]!, kept.tables);
      if (lead === undefined) leadsInState++;
      override.set(row, leadFacts(plan, replay(id, lead, records)));
    }
    for (const id of byLead.keys()) if (!inRoster.has(id) && !kept.otherIds.has(id)) leadsInState++;
    return { override, leadsInState };
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The lead of one snapshot line, bytes [start, end) of the file behind `fd`. @throws on a damaged line. */
function readLead(fd: number, start: number, end: number, tables: LeadTables): LeadState {
  const buf = Buffer.allocUnsafe(end - start);
  if (readSync(fd, buf, 0, buf.length, start) !== buf.length) throw new Error("the snapshot is shorter than its facts say");
  const text = buf.toString("utf8");
  return decodeLead(JSON.parse(text.endsWith(",") ? text.slice(0, -1) : text) as LeadLine, tables);
}

/** `lead` (undefined: not in the snapshot) with the journal's records for it applied, as the full read applies them. */
function replay(id: string, lead: LeadState | undefined, records: readonly JournalRecord[]): LeadState {
  const model: StateModel = { meta: { updatedAt: 0 } as StateMeta, leads: new Map(lead ? [[id, lead]] : []) };
  for (const rec of records) applyRecord(model, rec);
  return model.leads.get(id)!;
}

