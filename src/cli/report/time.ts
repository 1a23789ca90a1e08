/** Instants and spans for people: "Mon 2026-11-30 09:00:00 EST", "3d 4h". */
import { localParts } from "../../schedule/windows.js";

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/** The zone's short name per (zone, offset): "EST", "EDT", "GMT+5:45". */
const zoneNames = new Map<string, string>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `at` (epoch ms) as the zone reads it, "Mon 2026-11-30 09:00:00 EST". The calendar fields come from the
 * schedule's cached zone offsets (windows.ts); Intl is asked only for the zone's name, once per offset:
 * formatting every log line with Intl was ~2% of a rehearsal's CPU. Throws RangeError on an unknown zone.
 */
export function formatInstant(at: number, timezone: string): string {
  const p = localParts(timezone, at);
  // Offsets are whole minutes, so the local second is the UTC one.
  const second = Math.floor((((at % 60_000) + 60_000) % 60_000) / 1000);
  return `${WEEKDAY_NAMES[p.weekday]} ${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(second)} ${zoneName(timezone, p.offsetMs, at)}`;
}

function zoneName(timezone: string, offsetMs: number, at: number): string {
  const key = `${timezone} ${offsetMs}`;
  let name = zoneNames.get(key);
  if (name === undefined) {
    let f = nameFormats.get(timezone);
    if (!f) {
      f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "short" });
      nameFormats.set(timezone, f);
    }
    name = f.formatToParts(at).find((x) => x.type === "timeZoneName")?.value ?? "";
    zoneNames.set(key, name);
  }
  return name;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms)) return "∞";
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = d ? [`${d}d`, h ? `${h}h` : ""] : h ? [`${h}h`, m ? `${m}m` : ""] : m ? [`${m}m`, sec ? `${sec}s` : ""] : [`${sec}s`];
  return parts.filter(Boolean).join(" ");
}
