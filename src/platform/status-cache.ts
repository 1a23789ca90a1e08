/**
 * `outreach status` keeps what it last worked out for a campaign — the campaign as loaded and the
 * status summary — so asking again costs a few open(2)/fstat(2) calls instead of loading the YAML and schema
 * libraries and walking every lead (100,000 leads: ~2.5 s of CPU and ~190 MB → ~0.2 s and ~60 MB).
 *
 * Where: one file per campaign file, `$XDG_CACHE_HOME/outreach/status/<FNV-1a of its absolute path>.json`
 * (default `~/.cache/…`), 0600. Only a cache: deleting it costs one slow `status`; one that cannot be
 * written (read-only home, full disk) is simply not kept. The campaign is kept without its `team`
 * section, and the campaign file's text is not kept at all (a Redis URL in it may carry a password;
 * status uses neither). The file's first line is a checksum of the rest: an entry edited by hand or
 * damaged is not used (it could otherwise crash status or print what no status would).
 *
 * Both checks are exact, never a guess from sizes or mtimes. A file's identity is its device, inode,
 * size, mtime and ctime in ns; ctime cannot be set by any tool: every write, truncate, rename or
 * `touch` moves it to the kernel's clock (on filesystems that keep one: see `NO_CHANGE_TIME`). As in
 * git's index ("racy git"), a kept thing is used only when every file it was made from last changed
 * more than `RACY_MS` before its pass began to read them: a change after that read then has a later
 * ctime, so a different identity, even within the clock's coarse tick or a filesystem's 1–2 s
 * timestamps.
 * - the campaign: the campaign file's identity and absolute path as they were, the same Node.js
 *   version (zone rules come with it) and build of outreach (its loader and defaults), and each file
 *   it names (leads CSV, templates) still a regular file — everything the loader's result depends on;
 * - the summary: the same campaign, and the same identity of every file the summary was made from —
 *   the snapshot, its journal, the CSV, the suppression file. A run that wrote one more journal line,
 *   a `kill -9` mid-append, an edited CSV with its size and mtime put back, a snapshot restored from a
 *   backup: each changes an identity, and the summary is made afresh. No input is read to check it:
 *   ~1 ms at any size.
 * A summary made later than `now` (a clock set back) is not used.
 *
 * No hashing library on this path: node:crypto alone costs ~9 ms of start-up.
 */
import { closeSync, constants, fstatSync, openSync, realpathSync, statfsSync, statSync, type BigIntStats } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Campaign } from "../config/types.js";
import type { StatusSummary } from "../engine/status-summary.js";
import type { ZoneDays } from "../schedule/windows.js";
import { createPrivateFile, readNoFollowSync, unlinkIfPresent } from "../files/private-files.js";

export { readNoFollowSync };

/** Bump when the entry's shape or meaning changes: older entries are then ignored. */
const FORMAT = 3;

/**
 * Filesystems whose ctime is no change time, by statfs(2) `f_type` (Linux): FAT and exFAT keep none
 * (it is the mtime, which `touch` sets back, or the creation time, once the kernel reloads the inode),
 * and a FUSE filesystem (exfat-fuse, ntfs-3g, sshfs, …) reports whatever it is given. Nothing is kept
 * or used for a file on one of them.
 */
const NO_CHANGE_TIME = new Set([0x4d44 /* msdos, vfat */, 0x2011bab0 /* exfat */, 0x65735546 /* fuse, fuseblk */]);

/** Whether files on a filesystem of statfs(2) type `fsType` have a ctime that every change moves. */
export function keepsChangeTime(fsType: number): boolean {
  return !NO_CHANGE_TIME.has(fsType);
}

/** An input must have last changed this long before a summary's pass began to read it, or the summary is not used (ms). */
export const RACY_MS = 3_000;

/** The campaign as status uses it: all of it but the `team` section. */
export type StatusCampaign = Omit<Campaign, "team">;

export interface StatusCacheEntry {
  format: number;
  node: string;
  /** The build of outreach that wrote it (see `codeIdentity`): another build may load or count differently. */
  code: string;
  /** The campaign file's absolute path, and its identity (see `fileIdentity`) when `campaign` was loaded from it. */
  campaignFile: string;
  campaignId: string;
  /** Epoch ms (wall clock) just before the campaign file's identity was taken for `campaign`. */
  campaignReadAt: number;
  campaign: StatusCampaign;
  /** The identity of the summary's inputs (see `summaryInputs`); absent until a summary was kept. */
  inputs?: string;
  /** Epoch ms (wall clock) just before the pass that made the summary examined its inputs. */
  readAt?: number;
  summary?: StatusSummary;
  /**
   * The offsets and names of the zones `summary` is finished in, over the days after it was made
   * (schedule/windows.ts ZoneDays), so a later status reads its times without Intl. Absent: read from Intl.
   */
  zones?: ZoneDays[];
}

/** A file's identity as it is now (see the header), and when it last changed. */
export interface FileIdentity {
  /** Path, device, inode, size, mtime and ctime (ns). */
  identity: string;
  /** Its ctime (epoch ms). */
  changedMs: number;
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

/**
 * The kept entry for the campaign file at `absolute`, or undefined: none, unreadable, a symlink,
 * damaged or edited (its checksum), or written by another format, Node.js or build of outreach.
 */
export async function readStatusCache(absolute: string): Promise<StatusCacheEntry | undefined> {
  try {
    const bytes = readNoFollowSync(statusCachePath(absolute));
    if (!bytes) return undefined;
    const text = bytes.toString("utf8");
    const newline = text.indexOf("\n");
    const body = text.slice(newline + 1);
    if (newline < 0 || text.slice(0, newline) !== checksum(body)) return undefined;
    const entry = JSON.parse(body) as StatusCacheEntry;
    const code = codeIdentity();
    const valid = entry.format === FORMAT && entry.node === process.version && code !== undefined && entry.code === code && entry.campaignFile === absolute;
    return valid ? entry : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kept campaign, if the campaign file's identity is `current` as when it was loaded, it last
 * changed more than `RACY_MS` before that load began, and every file the campaign names is still a
 * regular file (the loader refuses a missing one: that is for it to say).
 */
export async function keptCampaign(entry: StatusCacheEntry | undefined, current: FileIdentity | undefined): Promise<StatusCampaign | undefined> {
  if (!entry || !current || entry.campaignId !== current.identity || current.changedMs >= entry.campaignReadAt - RACY_MS) return undefined;
  const c = entry.campaign;
  const named = [c.leads.file, ...c.sequence.map((s) => s.template), ...c.replySteps.flatMap((s) => (s.template ? [s.template] : []))];
  return named.every((f) => statSync(f, { throwIfNoEntry: false })?.isFile() === true) ? c : undefined;
}

/** The identity of the summary's inputs as they are now (see the header). */
export interface SummaryInputs {
  /** One line per input: its real path, device, inode, size, mtime and ctime (ns); or that it is missing. */
  identity: string;
  /** The latest ctime among the inputs (epoch ms). */
  newestChangeMs: number;
  /**
   * The inputs' paths with every symlink resolved (the state file's folder only: the state file and
   * its journal are never followed). The pass reads these: a symlink re-pointed during it and back
   * would otherwise leave the summary made from the other file under the first one's identity.
   */
  files: { stateFile: string; leadsFile: string; suppressionFile?: string };
  /** The leads CSV's own identity and ctime (epoch ms), when it is there (for the kept roster: lead-roster.ts). */
  leads?: FileIdentity;
  /** The snapshot's own identity and ctime (for the kept facts: state-facts.ts). */
  snapshot: FileIdentity;
}

/**
 * The kept summary, if `campaign` and its inputs are as when it was made, none had changed within
 * `RACY_MS` of the time its pass began, and it was made no later than `now`.
 */
export function keptSummary(entry: StatusCacheEntry | undefined, campaign: StatusCampaign, inputs: Pick<SummaryInputs, "identity" | "newestChangeMs"> | undefined, now: number): StatusSummary | undefined {
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
 * then reports it in its own words). Only open(2), fstat(2) and symlink lookups: nothing is read.
 */
export async function summaryInputs(campaign: StatusCampaign): Promise<SummaryInputs | undefined> {
  let stateFile: string;
  try {
    stateFile = path.join(realpathSync(path.dirname(campaign.stateFile)), path.basename(campaign.stateFile));
  } catch {
    return undefined;
  }
  const inputs: { file: string; follow: boolean; required?: boolean }[] = [
    { file: stateFile, follow: false, required: true },
    { file: `${stateFile}.journal`, follow: false },
    { file: campaign.leads.file, follow: true },
    ...(campaign.suppressionFile ? [{ file: campaign.suppressionFile, follow: true }] : []),
  ];
  const lines: string[] = [];
  const real: string[] = [];
  let newestChangeMs = 0;
  let csv: FileIdentity | undefined;
  let snapshot: FileIdentity | undefined;
  for (const { file, follow, required } of inputs) {
    let st;
    let at = file;
    try {
      if (follow) at = realpathSync(file);
      st = openedStat(at, false);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" || required) return undefined;
      lines.push(`missing ${file}`);
      real.push(file);
      continue;
    }
    if (!st.isFile() || !onChangeTimeFs(at)) return undefined;
    const { identity, changedMs } = identityOf(at, st);
    if (file === campaign.leads.file) csv = { identity, changedMs };
    if (file === stateFile) snapshot = { identity, changedMs };
    lines.push(identity);
    real.push(at);
    newestChangeMs = Math.max(newestChangeMs, changedMs);
  }
  const [, , leadsFile = campaign.leads.file, suppressionFile] = real;
  const files = { stateFile, leadsFile, ...(suppressionFile ? { suppressionFile } : {}) };
  if (!snapshot) return undefined;
  return { identity: lines.join("\n"), newestChangeMs, files, snapshot, ...(csv ? { leads: csv } : {}) };
}

/**
 * The identity of the regular file at `file`, every symlink resolved, and that resolved path — to be
 * read from, so a link re-pointed and back meanwhile cannot put another file's content under this
 * identity. Undefined when it is not a regular file or cannot be examined.
 */
export async function fileIdentity(file: string): Promise<(FileIdentity & { real: string }) | undefined> {
  try {
    const real = realpathSync(file);
    const st = openedStat(real, false);
    return st.isFile() && onChangeTimeFs(real) ? { ...identityOf(real, st), real } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `file`'s stat through a descriptor opened to read it, as the pass would: an NFS client then asks the
 * server afresh (close-to-open) where stat(2) may answer from attributes cached for up to a minute,
 * and a file this user can no longer read (a group left: no ctime moves) fails here as the pass would.
 * Non-blocking, so a FIFO in a file's place does not hang it.
 *
 * The checks of a kept status are synchronous calls: a handful of open/fstat/close, where the
 * promise API would start libuv's thread pool for them (~7 ms of CPU and ~20 ms of wall time, measured,
 * in a command that takes ~200 ms).
 */
function openedStat(file: string, follow: boolean): BigIntStats {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (follow ? 0 : constants.O_NOFOLLOW));
  try {
    return fstatSync(fd, { bigint: true });
  } finally {
    closeSync(fd);
  }
}

/** Whether `file` lies on a filesystem whose ctime moves on every change (false when that cannot be told). */
function onChangeTimeFs(file: string): boolean {
  try {
    return keepsChangeTime(Number(statfsSync(file).type));
  } catch {
    return false;
  }
}


/** `file`'s identity from its stat (see the header). */
export function identityOf(file: string, st: BigIntStats): FileIdentity {
  return { identity: `${file} ${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`, changedMs: Number(st.ctimeNs / 1_000_000n) };
}

/** Keeps `entry` for its campaign file (atomic: a temp file of this process renamed over the old one). Best effort: never throws. */
export async function writeStatusCache(entry: Omit<StatusCacheEntry, "format" | "node" | "code">): Promise<void> {
  const file = statusCachePath(entry.campaignFile);
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const code = codeIdentity();
    if (code === undefined) return;
    const body = JSON.stringify({ format: FORMAT, node: process.version, code, ...entry });
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await createPrivateFile(tmp, `${checksum(body)}\n${body}`, { sync: false });
    await rename(tmp, file);
  } catch {
    await unlinkIfPresent(tmp).catch(() => undefined);
  }
}

let code: string | undefined | null = null;

/**
 * This build of outreach: the identity of this module's own file. Installing or building outreach
 * writes every module anew (a new ctime), so an entry kept by another version or build — whose
 * loader, defaults or counts may differ — is not used. Not the version alone: a clone rebuilt after
 * a pull keeps its version. Undefined when it cannot be examined: nothing is then kept or used.
 */
export function codeIdentity(): string | undefined {
  if (code === null) {
    const st = statSync(fileURLToPath(import.meta.url), { bigint: true, throwIfNoEntry: false });
    code = st ? `${st.dev} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}` : undefined;
  }
  return code;
}

/** FNV-1a, 32 bits, over UTF-16 code units, as 8 hex digits: catches an entry damaged or edited by hand (not an adversary: it is the user's own file). */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** FNV-1a, 64 bits, as 16 hex digits: a file name per path (a collision only costs a recomputation: the entry names its path). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, "utf8")) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}
