/**
 * Per-lead time-zone validation. Intl is the authority (it knows the zones this Node build can
 * schedule in), but constructing a DateTimeFormat costs microseconds and a 1M-row file repeats a
 * handful of zones, so each distinct string is checked once.
 */
const verdicts = new Map<string, boolean>();

/** True when `zone` is an IANA zone name Intl accepts, e.g. "Europe/Berlin" or "UTC". */
export function isValidTimeZone(zone: string): boolean {
  let verdict = verdicts.get(zone);
  if (verdict === undefined) {
    // Offsets such as "+05:00" are accepted by newer Intl builds but are not IANA names and do not
    // follow daylight saving, so only names starting with a letter count.
    verdict = /^[A-Za-z]/.test(zone) && accepts(zone);
    // A malicious file could hold a million distinct junk zones; stop caching long before that hurts.
    if (verdicts.size < 10_000) verdicts.set(zone, verdict);
  }
  return verdict;
}

function accepts(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
