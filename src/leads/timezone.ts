import { zoneProblem } from "../config/time-zones.js";

/**
 * Per-lead time-zone validation, by the campaign's own rule (config/time-zones.ts). Checking a
 * name costs a DateTimeFormat (microseconds) and a 1M-row file repeats a handful of zones, so each
 * distinct string is judged once.
 */
const verdicts = new Map<string, string | null>();

/** Undefined when `zone` is usable as a lead's zone; otherwise the sentence saying what to write instead. */
export function leadZoneProblem(zone: string): string | undefined {
  let verdict = verdicts.get(zone);
  if (verdict === undefined) {
    verdict = zoneProblem(zone)?.message ?? null;
    // A malicious file could hold a million distinct junk zones; stop caching long before that hurts.
    if (verdicts.size < 10_000) verdicts.set(zone, verdict);
  }
  return verdict ?? undefined;
}
