/**
 * Sending windows as pure functions of an instant: no Date.now(), no timers. Callers pass the time
 * and a window carrying the zone it should be read in (the campaign's, or a lead's own).
 *
 * Wall-clock rules, across DST:
 * - A window is read in local wall time: "09:00" on a changeover day is 09:00 local, whatever the offset.
 * - A start in the spring-forward gap (02:30 in New York on 2026-03-08) opens at the first instant
 *   after it that exists: the transition itself (03:00 EDT).
 * - A wall time that happens twice (fall-back) means its first occurrence.
 */
import type { SendingWindow } from "../config/types.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
// Offsets are cached per 15-minute slice of UTC. Every zone offset in use today is a multiple of
// 15 minutes and transitions happen on whole or half local hours, so they fall on a slice boundary
// (true of tzdata since the 1970s; older LMT-era transitions at odd seconds are not our concern).
const SLICE = 15 * MINUTE;
// Bounds the per-zone cache; a long projection touches at most a few thousand slices per zone.
const MAX_SLICES_PER_ZONE = 200_000;

/** A zone's local calendar reading of one instant. */
export interface LocalParts {
  year: number;
  /** 1..12 */
  month: number;
  /** 1..31 */
  day: number;
  /** 0 = Sunday … 6 = Saturday, as in SendingWindow.days. */
  weekday: number;
  hour: number;
  minute: number;
  /** Milliseconds since local midnight (fractional minutes included). */
  msOfDay: number;
  /** Local time minus UTC, in ms (e.g. +19_800_000 for Asia/Kolkata). */
  offsetMs: number;
}

interface ZoneCache {
  zone: string;
  /** Made at the first offset not already known (seeded days need none: see seedZoneDays). */
  format: Intl.DateTimeFormat | undefined;
  /** Offset per 15-minute slice of UTC, for the days whose offset changes (and the days' ends). */
  offsets: Map<number, number>;
  /** Offset per UTC day when it holds all day; NaN for a day with a transition in it. */
  days: Map<number, number>;
}

// One formatter per zone: constructing an Intl.DateTimeFormat costs ~10-50 µs, far more than a lookup.
const zones = new Map<string, ZoneCache>();

function zoneCache(timezone: string): ZoneCache {
  let z = zones.get(timezone);
  if (!z) {
    z = { zone: timezone, format: zoneFormat(timezone), offsets: new Map(), days: new Map() };
    zones.set(timezone, z);
  }
  return z;
}

/** @throws RangeError on an unknown zone. */
function zoneFormat(timezone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
}

/** The zone's short name per (zone, offset): "EST", "EDT", "GMT+5:45". */
const shortNames = new Map<string, string>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's short name ("EST", "EDT", "GMT+5:45") for the offset `offsetMs` it has at `at`: Intl is
 * asked once per (zone, offset). @throws RangeError on an unknown zone.
 */
export function zoneShortName(timezone: string, offsetMs: number, at: number): string {
  const key = `${timezone} ${offsetMs}`;
  let name = shortNames.get(key);
  if (name === undefined) {
    let f = nameFormats.get(timezone);
    if (!f) {
      f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "short" });
      nameFormats.set(timezone, f);
    }
    name = f.formatToParts(at).find((x) => x.type === "timeZoneName")?.value ?? "";
    shortNames.set(key, name);
  }
  return name;
}

/**
 * A zone's offsets over whole UTC days, as offsetAt reads them: kept beside `outreach status`'s
 * summary (platform/status-cache.ts) so that a later status needs no Intl at all. Making the first
 * Intl formatter of a process loads the zone data: ~30 ms, an eighth of a kept status.
 */
export interface ZoneDays {
  zone: string;
  /** [UTC day number (epoch ms / 86,400,000), offset ms or null for a day with a transition]. */
  days: [number, number | null][];
  /** [15-minute slice number, offset ms]: every slice of the days with a transition. */
  slices: [number, number][];
  /** [offset ms, the zone's short name at that offset] for every offset above. */
  names: [number, string][];
}

/** `timezone`'s offsets from UTC day `fromDay` to `toDay` (inclusive). @throws RangeError on an unknown zone. */
export function zoneDays(timezone: string, fromDay: number, toDay: number): ZoneDays {
  const out: ZoneDays = { zone: timezone, days: [], slices: [], names: [] };
  const named = new Set<number>();
  const name = (offset: number, at: number): void => {
    if (named.has(offset)) return;
    named.add(offset);
    out.names.push([offset, zoneShortName(timezone, offset, at)]);
  };
  const slicesPerDay = DAY / SLICE;
  const z = zoneCache(timezone);
  for (let day = fromDay; day <= toDay; day++) {
    offsetAt(timezone, day * DAY);
    const whole = z.days.get(day);
    if (whole !== undefined && !Number.isNaN(whole)) {
      out.days.push([day, whole]);
      name(whole, day * DAY);
      continue;
    }
    out.days.push([day, null]);
    for (let i = 0; i <= slicesPerDay; i++) {
      const slice = day * slicesPerDay + i;
      const offset = sliceOffset(z, slice);
      out.slices.push([slice, offset]);
      name(offset, slice * SLICE);
    }
  }
  return out;
}

/**
 * Puts kept offsets (from `zoneDays`, in an earlier process) in this process's cache: offsets on
 * those days are then read without Intl. Offsets outside them are read from Intl as usual.
 */
export function seedZoneDays(table: ZoneDays): void {
  let z = zones.get(table.zone);
  if (!z) {
    z = { zone: table.zone, format: undefined, offsets: new Map(), days: new Map() };
    zones.set(table.zone, z);
  }
  for (const [day, offset] of table.days) z.days.set(day, offset ?? Number.NaN);
  for (const [slice, offset] of table.slices) z.offsets.set(slice, offset);
  for (const [offset, name] of table.names) shortNames.set(`${table.zone} ${offset}`, name);
}

/**
 * Local minus UTC, in ms, for the zone at instant `at`. Throws RangeError on an unknown zone.
 *
 * Read per UTC day: when a day starts and ends with the same offset it holds all day (no zone changes
 * its offset twice within 24 hours and back), so one lookup serves the day; only a day with a
 * transition is read per 15-minute slice. A projection over years of sends (a dry run of 100,000
 * leads at 80 a day spans seven years) thus formats ~2 instants a day instead of 96: reading slices
 * alone was a tenth of the dry run's CPU.
 */
function offsetAt(timezone: string, at: number): number {
  const z = zoneCache(timezone);
  const day = Math.floor(at / DAY);
  let whole = z.days.get(day);
  if (whole === undefined) {
    const start = sliceOffset(z, (day * DAY) / SLICE);
    whole = start === sliceOffset(z, ((day + 1) * DAY) / SLICE) ? start : Number.NaN;
    if (z.days.size >= MAX_SLICES_PER_ZONE) z.days.clear();
    z.days.set(day, whole);
  }
  return Number.isNaN(whole) ? sliceOffset(z, Math.floor(at / SLICE)) : whole;
}

/** The offset during one 15-minute slice of UTC (see SLICE), read from Intl once and cached. */
function sliceOffset(z: ZoneCache, slice: number): number {
  const cached = z.offsets.get(slice);
  if (cached !== undefined) return cached;
  const t = slice * SLICE;
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  z.format ??= zoneFormat(z.zone);
  for (const p of z.format.formatToParts(t)) {
    switch (p.type) {
      case "year": y = Number(p.value); break;
      case "month": mo = Number(p.value); break;
      case "day": d = Number(p.value); break;
      case "hour": h = Number(p.value); break;
      case "minute": mi = Number(p.value); break;
      case "second": s = Number(p.value); break;
    }
  }
  const offset = Date.UTC(y, mo - 1, d, h, mi, s) - t;
  if (z.offsets.size >= MAX_SLICES_PER_ZONE) z.offsets.clear();
  z.offsets.set(slice, offset);
  return offset;
}

/** The zone's reading of `at`: calendar date, weekday, time of day and offset. */
export function localParts(timezone: string, at: number): LocalParts {
  const offsetMs = offsetAt(timezone, at);
  const wall = new Date(at + offsetMs);
  const msOfDay = mod(at + offsetMs, DAY);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    weekday: wall.getUTCDay(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    msOfDay,
    offsetMs,
  };
}

/** True when `at` falls on an allowed local weekday, in [startMinute, endMinute) local time. */
export function isInsideWindow(w: SendingWindow, at: number): boolean {
  const wall = at + offsetAt(w.timezone, at);
  return isWallInside(w, wall);
}

/** `at` when the window is open then; otherwise the next instant it opens. */
export function nextWindowStart(w: SendingWindow, at: number): number {
  const wall = at + offsetAt(w.timezone, at);
  if (isWallInside(w, wall)) return at;
  const midnight = wall - mod(wall, DAY);
  const weekday = weekdayOf(midnight);
  let opens = Number.POSITIVE_INFINITY;
  // 8 days reach the same weekday next week; the extra week covers a start that falls in a DST gap
  // on its only allowed weekday (the window is then empty that day and we try the next week).
  for (let i = 0; i < 15; i++) {
    if (!w.days.includes((weekday + i) % 7)) continue;
    const t = wallToInstant(w.timezone, midnight + i * DAY + w.startMinute * MINUTE, at);
    if (t > at && isInsideWindow(w, t)) {
      opens = t;
      break;
    }
  }
  // A fall-back can reopen a window without passing its start: with 00:00-01:30, the clock goes
  // 01:59 EDT → 01:00 EST, back inside. Catch that by checking the transition between here and `opens`.
  const end = Number.isFinite(opens) ? opens : at + 15 * DAY;
  if (offsetAt(w.timezone, end) !== offsetAt(w.timezone, at)) {
    const tr = transitionBetween(w.timezone, at, end);
    if (tr > at && tr < opens && isInsideWindow(w, tr)) return tr;
  }
  if (!Number.isFinite(opens)) {
    throw new RangeError(`Sending window in ${w.timezone} never opens (days ${w.days.join(",")}, minutes ${w.startMinute}-${w.endMinute})`);
  }
  return opens;
}

/** When the window open at `at` closes; `at` itself when the window is closed at `at`. */
export function windowCloseAfter(w: SendingWindow, at: number): number {
  const wall = at + offsetAt(w.timezone, at);
  if (!isWallInside(w, wall)) return at;
  const midnight = wall - mod(wall, DAY);
  const close = wallToInstant(w.timezone, midnight + w.endMinute * MINUTE, at);
  // A spring-forward inside the window can jump past the end wall time (00:00-02:30 closes at 03:00 EDT,
  // i.e. at the transition); wallToInstant already resolves such an end to the transition.
  return close > at ? close : at;
}

function isWallInside(w: SendingWindow, wall: number): boolean {
  const msOfDay = mod(wall, DAY);
  return (
    msOfDay >= w.startMinute * MINUTE &&
    msOfDay < w.endMinute * MINUTE &&
    w.days.includes(weekdayOf(wall - msOfDay))
  );
}

/**
 * The instant the zone's clocks read `wall` (a local time expressed as if it were UTC), choosing the
 * first occurrence after `after` when it happens twice, and the transition when it never happens.
 */
function wallToInstant(timezone: string, wall: number, after: number): number {
  // Offsets a day either side: at most one transition lies between them in every real zone.
  const before = offsetAt(timezone, wall - DAY);
  const later = offsetAt(timezone, wall + DAY);
  const a = wall - before;
  const b = wall - later;
  const aValid = offsetAt(timezone, a) === before;
  const bValid = offsetAt(timezone, b) === later;
  if (aValid && bValid && a !== b) {
    // Ambiguous (fall-back): the earlier occurrence unless it is already behind us.
    const [first, second] = a < b ? [a, b] : [b, a];
    return first > after ? first : second;
  }
  if (aValid) return a;
  if (bValid) return b;
  // In the gap: the clocks jump over `wall`; the first instant after it is the transition.
  return transitionBetween(timezone, Math.min(a, b), Math.max(a, b));
}

/** The first instant in (from, to] whose offset differs from the offset at `from` (to when none). */
function transitionBetween(timezone: string, from: number, to: number): number {
  const base = offsetAt(timezone, from);
  // Binary search over 15-minute slices; transitions fall on slice boundaries (see SLICE).
  let lo = Math.floor(from / SLICE); // offset here is `base`
  let hi = Math.floor(to / SLICE); // offset here differs (caller's precondition)
  if (offsetAt(timezone, hi * SLICE) === base) return to;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetAt(timezone, mid * SLICE) === base) lo = mid;
    else hi = mid;
  }
  return hi * SLICE;
}

/** Weekday (0 = Sunday) of a wall time given as ms since the epoch; 1970-01-01 was a Thursday. */
function weekdayOf(wall: number): number {
  return mod(Math.floor(wall / DAY) + 4, 7);
}

function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}
