/**
 * The journal's first line binds it to one state file and one generation of it:
 *   {"k":"head","state":"<state id>","campaign":"<campaign name>","gen":<n>,"t":<epoch ms>}
 * The state id is random, made when the state file is created; `gen` counts compactions. The snapshot
 * records both (meta.stateId, meta.generation). A compaction writes snapshot gen n+1 and only then
 * swaps in a journal headed gen n+1, so the only legitimate pairs are journal gen = snapshot gen, or
 * gen − 1 (a crash between the two writes; replaying that journal is harmless, every line is a set).
 *
 * Anything else means the files were separated, replaced or joined, and replaying would either lose
 * records (a lead messaged since the last compaction looks pending → messaged again) or import
 * another campaign's: the run is refused with the file, what is wrong and the way out.
 */
import { UserError } from "../errors.js";
import type { StateMeta } from "./types.js";

export interface JournalHeader {
  k: "head";
  state: string;
  campaign: string;
  gen: number;
  t: number;
}

export function encodeHeader(h: Omit<JournalHeader, "k">): string {
  return JSON.stringify({ k: "head", state: h.state, campaign: h.campaign, gen: h.gen, t: h.t });
}

/** The header, if `line` is one. */
export function decodeHeader(line: string): JournalHeader | undefined {
  if (!line.startsWith('{"k":"head"')) return undefined;
  try {
    const v = JSON.parse(line) as Partial<JournalHeader>;
    if (v.k === "head" && typeof v.state === "string" && typeof v.campaign === "string" && Number.isInteger(v.gen) && typeof v.t === "number") {
      return v as JournalHeader;
    }
  } catch {
    // not a header
  }
  return undefined;
}

/** What the journal on disk looked like, as far as the binding goes. */
export interface JournalFound {
  /** false: there is no journal file. */
  exists: boolean;
  header: JournalHeader | undefined;
  /** Records after the header (0 for an empty or header-only journal). */
  records: number;
}

export type JournalProblem = "missing" | "replaced" | "foreign" | "older" | "newer";

/**
 * Whether the journal belongs to the snapshot. `legacy` is a snapshot written before journals had
 * headers (state format 1): its journal has no header, or a gen-0 header from an interrupted migration.
 * Returns undefined when they belong together, else what is wrong.
 */
export function journalProblem(meta: StateMeta, legacy: boolean, j: JournalFound): JournalProblem | undefined {
  if (!j.exists) return "missing";
  if (legacy) {
    if (!j.header) return undefined;
    return j.header.gen === 0 ? undefined : "replaced";
  }
  if (!j.header) return "replaced";
  if (j.header.state !== meta.stateId) return "foreign";
  if (j.header.gen > meta.generation) return "newer";
  if (j.header.gen < meta.generation - 1) return "older";
  return undefined;
}

/**
 * The refusal for `problem`: which file, what is wrong, what may be lost, and how to recover —
 * put the right file back, or `--repair-state` to continue from the state file alone.
 */
export function journalRefusal(problem: JournalProblem, file: string, meta: StateMeta, j: JournalFound): UserError {
  const journal = `${file}.journal`;
  const since = new Date(meta.updatedAt).toISOString();
  const risk = `leads messaged since the state file was last saved (${since}) could be messaged again`;
  const aside = problem === "missing" ? "" : `the journal is set aside as ${journal}.rejected and `;
  const repair = `If it is lost for good, run again with --repair-state: ${aside}the run continues from ${file} alone; ${risk}.`;
  const what: Record<JournalProblem, string> = {
    missing: `the state journal ${journal} is missing, but its state file ${file} is there; without the journal, ${risk}`,
    replaced: `the state journal ${journal} does not belong to ${file} (it has no header naming this state file): it was replaced or truncated`,
    foreign: `the state journal ${journal} belongs to another state file (campaign "${j.header?.campaign ?? "?"}", state ${j.header?.state ?? "?"}), not to ${file} (campaign "${meta.campaign}", state ${meta.stateId})`,
    older: `the state journal ${journal} (generation ${j.header?.gen ?? "?"}) is older than its state file ${file} (generation ${meta.generation}): an old copy was put back`,
    newer: `the state file ${file} (generation ${meta.generation}) is older than its journal ${journal} (generation ${j.header?.gen ?? "?"}): an old copy of the state file (a backup or ${file}.bak) was put back`,
  };
  const fix: Record<JournalProblem, string> = {
    missing: `put the journal back (from a backup, or wherever it was moved). ${repair}`,
    replaced: `put the right journal back. ${repair}`,
    foreign: `give each campaign its own state file (the \`state:\` key) and put this state file's own journal back. ${repair}`,
    older: `put the current journal back. ${repair}`,
    newer: `put the current state file back. Or run again with --repair-state: the journal is replayed over this state file (records between the two are lost; ${risk}).`,
  };
  return new UserError(`${what[problem]}; nothing was sent`, { hint: fix[problem] });
}
