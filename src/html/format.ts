/** Words for the pages: pacing rules ("Mon–Fri 09:00–17:00 Europe/Berlin") and instants ("Tue, 1 Dec 2026, 09:00 GMT-5"). */
import type { Campaign, SendingWindow } from "../config/types.js";

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

export function describeWindow(w: SendingWindow): string {
  const days = [...w.days].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    runs.push(j > i ? `${DAY_NAMES[days[i]!]}–${DAY_NAMES[days[j]!]}` : DAY_NAMES[days[i]!]!);
    i = j + 1;
  }
  return `${runs.join(", ")} ${clock(w.startMinute)}–${clock(w.endMinute)} ${w.timezone}`;
}

export function describeCaps(pacing: Campaign["pacing"]): string {
  const p = pacing.perAccount;
  return `${p.perHour} an hour and ${p.perDay} a day per account, ${seconds(p.gapMinMs)}–${seconds(p.gapMaxMs)} between two sends`;
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant for a person, in `zone`: "Tue, 1 Dec 2026, 09:00 GMT-5". */
export function formatWhen(at: number, zone: string): string {
  let f = instantFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    instantFormats.set(zone, f);
  }
  return f.format(new Date(at));
}
