/** Instants and spans for people: "Mon 2026-11-30 09:00:00 EST", "3d 4h". */
import { localParts, zoneShortName } from "../../schedule/windows.js";

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/**
 * `at` (epoch ms) as the zone reads it, "Mon 2026-11-30 09:00:00 EST". The calendar fields come from the
 * schedule's cached zone offsets (windows.ts); Intl is asked only for the zone's name, once per offset:
 * formatting every log line with Intl was ~2% of a rehearsal's CPU. Throws RangeError on an unknown zone.
 */
export function formatInstant(at: number, timezone: string): string {
  const p = localParts(timezone, at);
  // Offsets are whole minutes, so the local second is the UTC one.
  const second = Math.floor((((at % 60_000) + 60_000) % 60_000) / 1000);
  return `${WEEKDAY_NAMES[p.weekday]} ${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(second)} ${zoneShortName(timezone, p.offsetMs, at)}`;
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
