/**
 * `outreach status` keeps what it last worked out for a campaign — the campaign as loaded and the
 * status summary — so asking again costs a few stat(2) calls instead of loading the YAML and schema
 * libraries and walking every lead (100,000 leads: ~2.5 s of CPU and ~190 MB → ~0.2 s and ~60 MB).
 *
 * Where: one file per campaign file, `$XDG_CACHE_HOME/outreach/status/<FNV-1a of its absolute path>.json`
 * (default `~/.cache/…`), 0600. Only a cache: deleting it costs one slow `status`; one that cannot be
 * written (read-only home, full disk) is simply not kept. The campaign is kept without its `team`
 * section (a Redis URL may carry a password; status does not use it).
 *
 * Both checks are exact, never a guess from sizes or mtimes:
 * - the campaign: the campaign file's text and absolute path as they were, the same Node.js version
 *   (zone rules come with it), and each file it names (leads CSV, templates) still a regular file —
 *   everything the loader's result depends on;
 * - the summary: the same campaign, and the same identity of every file the summary was made from —
 *   the snapshot, its journal, the CSV, the suppression file: device, inode, size, mtime and ctime in
 *   ns. ctime cannot be set by any tool: every write, truncate, rename or `touch` moves it to the
 *   kernel's clock. As in git's index ("racy git"), a summary is used only when every input last
 *   changed more than `RACY_MS` before the summary's pass began to read it: a change after that read
 *   then has a later ctime, so a different identity, even within the clock's coarse tick or a
 *   filesystem's 1–2 s timestamps. A run that wrote one more journal line, a `kill -9` mid-append, an
 *   edited CSV with its size and mtime put back, a snapshot restored from a backup: each changes an
 *   identity, and the summary is made afresh. No input is read to check it: ~1 ms at any size.
 * A summary made later than `now` (a clock set back) is not used.
 *
 * No hashing library on this path: node:crypto alone costs ~9 ms of start-up.
 */
import { lstat, mkdir, rename, stat } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import type { Campaign } from "../config/types.js";
import type { StatusSummary } from "../engine/status-summary.js";
import { createPrivateFile, readNoFollow, unlinkIfPresent } from "../files/private-files.js";

/** Bump when the entry's shape or meaning changes: older entries are then ignored. */
const FORMAT = 1;

/** An input must have last changed this long before a summary's pass began to read it, or the summary is not used (ms). */
export const RACY_MS = 3_000;

/** The campaign as status uses it: all of it but the `team` section. */
export type StatusCampaign = Omit<Campaign, "team">;

export interface StatusCacheEntry {
  format: number;
  node: string;
  /** The campaign file's absolute path and text when `campaign` was loaded from it. */
  campaignFile: string;
  campaignText: string;
  campaign: StatusCampaign;
  /** The identity of the summary's inputs (see `summaryInputs`); absent until a summary was kept. */
  inputs?: string;
  /** Epoch ms (wall clock) just before the pass that made the summary examined its inputs. */
  readAt?: number;
  summary?: StatusSummary;
}

/** The entry's file for the campaign file at `absolute` (`XDG_CACHE_HOME` honoured when absolute). */
export function statusCachePath(absolute: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(homedir(), ".cache");
  return path.join(base, "outreach", "status", `${fnv1a64(absolute)}.json`);
}

/** The campaign without its `team` section. */
export function statusCampaign(campaign: Campaign): StatusCampaign {
  const { team: _team, ...rest } = campaign;
  return rest;
}

/** The kept entry for the campaign file at `absolute`, or undefined (none, unreadable, another format or Node.js). */
export async function readStatusCache(absolute: string): Promise<StatusCacheEntry | undefined> {
  try {
    const bytes = await readNoFollow(statusCachePath(absolute));
    if (!bytes) return undefined;
    const entry = JSON.parse(bytes.toString("utf8")) as StatusCacheEntry;
    const valid = entry.format === FORMAT && entry.node === process.version && entry.campaignFile === absolute && typeof entry.campaignText === "string";
    return valid && entry.campaign ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kept campaign, if the campaign file's text is `text` as when it was loaded and every file it
 * names is still a regular file (the loader refuses a missing one: that is for it to say).
 */
export async function keptCampaign(entry: StatusCacheEntry | undefined, text: string): Promise<StatusCampaign | undefined> {
  if (!entry || entry.campaignText !== text) return undefined;
  const c = entry.campaign;
  const named = [c.leads.file, ...c.sequence.map((s) => s.template), ...c.replySteps.flatMap((s) => (s.template ? [s.template] : []))];
  const kinds = await Promise.all(named.map((f) => stat(f).then((st) => st.isFile(), () => false)));
  return kinds.every(Boolean) ? c : undefined;
}

/** The identity of the summary's inputs as they are now (see the header). */
export interface SummaryInputs {
  /** One line per input: path, device, inode, size, mtime and ctime (ns); or that it is missing. */
  identity: string;
  /** The latest ctime among the inputs (epoch ms). */
  newestChangeMs: number;
}

/**
 * The kept summary, if `campaign` and its inputs are as when it was made, none had changed within
 * `RACY_MS` of the time its pass began, and it was made no later than `now`.
 */
export function keptSummary(entry: StatusCacheEntry | undefined, campaign: StatusCampaign, inputs: SummaryInputs | undefined, now: number): StatusSummary | undefined {
  const s = entry?.summary;
  if (!inputs || !s || entry.inputs !== inputs.identity || typeof entry.readAt !== "number") return undefined;
  if (inputs.newestChangeMs >= entry.readAt - RACY_MS) return undefined;
  if (campaign !== entry.campaign && JSON.stringify(campaign) !== JSON.stringify(entry.campaign)) return undefined;
  return typeof s.computedAt === "number" && s.computedAt <= now ? s : undefined;
}

/**
 * The identity of the summary's inputs as they are now, or undefined when no summary should be kept
 * or used: no state file yet (status before the first run reads only the CSV), a state file or
 * journal that is a symlink or not a regular file, or an input that cannot be examined (the full pass
 * then reports it in its own words). Only stat(2): nothing is read.
 */
export async function summaryInputs(campaign: StatusCampaign): Promise<SummaryInputs | undefined> {
  const inputs: { file: string; follow: boolean; required?: boolean }[] = [
    { file: campaign.stateFile, follow: false, required: true },
    { file: `${campaign.stateFile}.journal`, follow: false },
    { file: campaign.leads.file, follow: true },
    ...(campaign.suppressionFile ? [{ file: campaign.suppressionFile, follow: true }] : []),
  ];
  const lines: string[] = [];
  let newestChangeMs = 0;
  for (const { file, follow, required } of inputs) {
    let st;
    try {
      st = follow ? await stat(file, { bigint: true }) : await lstat(file, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || required) return undefined;
      lines.push(`missing ${file}`);
      continue;
    }
    if (!st.isFile()) return undefined;
    lines.push(`${file} ${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`);
    newestChangeMs = Math.max(newestChangeMs, Number(st.ctimeNs / 1_000_000n));
  }
  return { identity: lines.join("\n"), newestChangeMs };
}

/** Keeps `entry` for its campaign file (atomic: a temp file of this process renamed over the old one). Best effort: never throws. */
export async function writeStatusCache(entry: Omit<StatusCacheEntry, "format" | "node">): Promise<void> {
  const file = statusCachePath(entry.campaignFile);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await createPrivateFile(tmp, JSON.stringify({ format: FORMAT, node: process.version, ...entry }), { sync: false });
    await rename(tmp, file);
  } catch {
    await unlinkIfPresent(tmp).catch(() => undefined);
  }
}

/** FNV-1a, 64 bits, as 16 hex digits: a file name per path (a collision only costs a recomputation: the entry names its path). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, "utf8")) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}
