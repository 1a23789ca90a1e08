/**
 * IANA zones that have a given UTC offset, for the message refusing a fixed offset ("+05:00" →
 * "Asia/Karachi" or "Asia/Tashkent"): a suggestion must be a zone that really has that offset.
 */

/** Well-known zones, tried first so a suggestion names a place people recognise. */
const WELL_KNOWN = [
  "Pacific/Honolulu", "America/Anchorage", "America/Los_Angeles", "America/Denver", "America/Chicago", "America/Mexico_City",
  "America/New_York", "America/Bogota", "America/Halifax", "America/St_Johns", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
  "Atlantic/Azores", "Europe/London", "Africa/Lagos", "Europe/Berlin", "Europe/Athens", "Africa/Johannesburg", "Europe/Istanbul",
  "Europe/Moscow", "Asia/Tehran", "Asia/Dubai", "Asia/Kabul", "Asia/Karachi", "Asia/Tashkent", "Asia/Kolkata", "Asia/Kathmandu",
  "Asia/Dhaka", "Asia/Yangon", "Asia/Bangkok", "Asia/Jakarta", "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Seoul",
  "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Pacific/Noumea", "Pacific/Auckland",
];

/**
 * The offset written in `zone` in minutes east of UTC ("+05:00" → 300, "UTC-3:30" → -210), or
 * undefined when it is no offset. "Etc/GMT+5" is POSIX-style and means UTC−5, so its sign flips.
 */
export function parseOffset(zone: string): number | undefined {
  const m = /^(etc\/)?(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone.trim());
  if (!m) return undefined;
  const minutes = Number(m[3]) * 60 + Number(m[4] ?? 0);
  const east = (m[2] === "+") !== (m[1] !== undefined);
  return east ? minutes : -minutes;
}

/** Answers by offset and year: a CSV column may hold the same offset on every row, and a full scan of Intl's zones takes ~1 s. */
const answered = new Map<string, string[]>();

/** Up to `max` IANA zones whose offset is `offsetMin` (minutes east of UTC) in January or July of `year`. */
export function zonesWithOffset(offsetMin: number, year: number, max = 2): string[] {
  const key = `${offsetMin}:${year}:${max}`;
  let zones = answered.get(key);
  if (!zones) {
    zones = findZones(offsetMin, year, max);
    answered.set(key, zones);
  }
  return zones;
}

function findZones(offsetMin: number, year: number, max: number): string[] {
  const instants = [Date.UTC(year, 0, 15), Date.UTC(year, 6, 15)];
  const matches = (zone: string): boolean => instants.some((t) => offsetOf(zone, t) === offsetMin);
  const found = WELL_KNOWN.filter(matches).slice(0, max);
  if (found.length > 0) return found;
  // Any zone with that offset, by name; region-less legacy names (Etc/…, EST) are what we refuse.
  return Intl.supportedValuesOf("timeZone").filter((z) => z.includes("/") && !z.startsWith("Etc/") && matches(z)).slice(0, max);
}

/** `zone`'s offset at `at` (epoch ms), in minutes east of UTC; undefined when Intl does not know it. */
function offsetOf(zone: string, at: number): number | undefined {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
    if (name === "GMT") return 0;
    const m = name ? /^GMT([+-])(\d{2}):(\d{2})$/.exec(name) : null;
    if (!m) return undefined;
    const minutes = Number(m[2]) * 60 + Number(m[3]);
    return m[1] === "+" ? minutes : -minutes;
  } catch {
    return undefined;
  }
}
