import type { LeadProblem, LeadProblemReason } from "./types.js";

/** Every row problem of one kind, for the end-of-run (or dry-run) summary. */
export interface ProblemGroup {
  reason: LeadProblemReason;
  /** How many rows had this problem. */
  count: number;
  /** Their line numbers in file order, at most `maxLines` of them (the rest are counted in `count`). */
  lines: number[];
  /** One sentence for the terminal, e.g. "3 duplicate ids (lines 4, 9, 12): only the first row of each is used". */
  text: string;
}

/** Reasons in the order a reader should fix them: structural first, deliberate skips last. */
const ORDER: readonly LeadProblemReason[] = ["ragged-row", "missing-id", "malformed-id", "spreadsheet-id", "duplicate", "bad-timezone", "suppressed"];

const DESCRIPTION: Record<LeadProblemReason, [singular: string, plural: string, consequence: string]> = {
  "ragged-row": ["row with the wrong number of cells", "rows with the wrong number of cells", "not messaged"],
  "missing-id": ["row without an id", "rows without an id", "not messaged"],
  "malformed-id": ["row whose id is not an X user id", "rows whose id is not an X user id", "not messaged"],
  "spreadsheet-id": ["row whose id a spreadsheet damaged", "rows whose id a spreadsheet damaged", "not messaged (format the id column as Text and export again)"],
  duplicate: ["duplicate id", "duplicate ids", "only the first row of each is used"],
  "bad-timezone": ["row with an unknown time zone", "rows with an unknown time zone", "not messaged"],
  suppressed: ["suppressed lead", "suppressed leads", "skipped (do-not-contact list)"],
};

/**
 * Groups row problems by reason. `maxLines` (default 20) bounds the line list per group so a file
 * with 100,000 bad rows still prints a readable summary.
 */
export function summarizeProblems(problems: Iterable<LeadProblem>, maxLines = 20): ProblemGroup[] {
  const byReason = new Map<LeadProblemReason, { count: number; lines: number[] }>();
  for (const p of problems) {
    let group = byReason.get(p.reason);
    if (group === undefined) byReason.set(p.reason, (group = { count: 0, lines: [] }));
    group.count++;
    if (group.lines.length < maxLines) group.lines.push(p.line);
  }
  const groups: ProblemGroup[] = [];
  for (const reason of ORDER) {
    const group = byReason.get(reason);
    if (group === undefined) continue;
    const [singular, plural, consequence] = DESCRIPTION[reason];
    const more = group.count - group.lines.length;
    const where = `line${group.count === 1 ? "" : "s"} ${group.lines.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
    groups.push({
      reason,
      count: group.count,
      lines: group.lines,
      text: `${group.count} ${group.count === 1 ? singular : plural} (${where}): ${consequence}`,
    });
  }
  return groups;
}
