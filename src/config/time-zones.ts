/**
 * Which time-zone names a campaign (pacing.timezone) and a lead's time-zone column accept: IANA
 * names such as "America/New_York", plus "UTC" and "GMT". Abbreviations are refused even where Intl
 * knows them: "EST", "MST" and "HST" are fixed offsets that never change for daylight saving (a
 * window set in "EST" is an hour off all summer), and ICU resolves others to surprising places
 * ("BST" is Bangladesh, "IST" India). Offsets like "+05:00" are refused for the same reason.
 */
import { parseOffset, zonesWithOffset } from "./offset-zones.js";

/** Abbreviation (upper case) → the IANA zone it usually means, for the message. */
const LIKELY_ZONE: Readonly<Record<string, string>> = {
  EST: "America/New_York", EDT: "America/New_York", ET: "America/New_York", EST5EDT: "America/New_York",
  CST: "America/Chicago", CDT: "America/Chicago", CT: "America/Chicago", CST6CDT: "America/Chicago",
  MST: "America/Denver", MDT: "America/Denver", MT: "America/Denver", MST7MDT: "America/Denver",
  PST: "America/Los_Angeles", PDT: "America/Los_Angeles", PT: "America/Los_Angeles", PST8PDT: "America/Los_Angeles",
  AKST: "America/Anchorage", AKDT: "America/Anchorage",
  HST: "Pacific/Honolulu", HDT: "Pacific/Honolulu",
  AST: "America/Halifax", ADT: "America/Halifax",
  NST: "America/St_Johns", NDT: "America/St_Johns",
  BST: "Europe/London", IST: "Asia/Kolkata",
  WET: "Europe/Lisbon", WEST: "Europe/Lisbon",
  CET: "Europe/Paris", CEST: "Europe/Paris", MET: "Europe/Paris", MEST: "Europe/Paris",
  EET: "Europe/Athens", EEST: "Europe/Athens",
  MSK: "Europe/Moscow", GST: "Asia/Dubai", SGT: "Asia/Singapore", HKT: "Asia/Hong_Kong",
  JST: "Asia/Tokyo", KST: "Asia/Seoul",
  AEST: "Australia/Sydney", AEDT: "Australia/Sydney", ACST: "Australia/Adelaide", ACDT: "Australia/Adelaide",
  AWST: "Australia/Perth", NZST: "Pacific/Auckland", NZDT: "Pacific/Auckland",
};

/** Plain names that are real zones and need no region. */
const PLAIN_ZONES = new Set(["UTC", "GMT", "ETC/UTC", "ETC/GMT"]);

/** Why a zone name is refused: `unknown` to Intl, or known but an `abbreviation`/fixed `offset`. */
export interface ZoneProblem {
  kind: "unknown" | "abbreviation" | "offset";
  /** What is wrong and what to write instead, e.g. `"EST" is a time-zone abbreviation … use "America/New_York"`. */
  message: string;
}

/** Undefined when `zone` is acceptable; otherwise why not and what to write instead. */
export function zoneProblem(zone: string): ZoneProblem | undefined {
  const upper = zone.toUpperCase();
  if (PLAIN_ZONES.has(upper)) return undefined;
  const likely = LIKELY_ZONE[upper];
  if (likely !== undefined) {
    const arizona = upper.startsWith("M") && upper.endsWith("ST") ? ' (or "America/Phoenix" for Arizona, which has no daylight saving)' : "";
    return {
      kind: "abbreviation",
      message: `"${zone}" is a time-zone abbreviation, not an IANA zone: it does not follow daylight saving the way the place does, so windows would be an hour off part of the year; use "${likely}"${arizona}`,
    };
  }
  const offset = parseOffset(zone);
  if (offset !== undefined || /^(?:Etc\/)?(?:UTC|GMT)?[+-]\d/i.test(zone)) {
    const zones = offset === undefined ? [] : zonesWithOffset(offset, new Date().getUTCFullYear());
    const example = zones.length > 0 ? `, e.g. ${zones.map((z) => `"${z}"`).join(" or ")}` : "";
    return { kind: "offset", message: `"${zone}" is a fixed offset, which does not follow daylight saving; use the place's IANA zone${example}` };
  }
  if (/^[A-Z]{2,5}$/i.test(zone) && zone === upper) {
    return { kind: "abbreviation", message: `"${zone}" is an abbreviation, not an IANA time zone; use the place's zone, like "Europe/Berlin" or "America/New_York"` };
  }
  if (!isKnownToIntl(zone)) return { kind: "unknown", message: `"${zone}" is not an IANA time zone; use a name like "Europe/Berlin" or "America/New_York"` };
  return undefined;
}

function isKnownToIntl(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
