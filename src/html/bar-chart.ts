/**
 * Bar charts as plain SVG: one bar a day, drawn on the server side so they need no script, no
 * library and no network. A cap line shows the per-day limit; days outside the sending window are
 * shaded. Every bar carries a <title> (tooltip and screen-reader text), and the chart a summary label.
 */
import { escapeHtml } from "./escape.js";

export interface DayBar {
  /** "YYYY-MM-DD" in the chart's zone. */
  date: string;
  value: number;
  /** True when no message may be sent that day (outside the sending window's days). */
  closed?: boolean;
}

export interface BarChartInput {
  /** Accessible name of the chart, e.g. "Messages per day from account abc". */
  label: string;
  days: readonly DayBar[];
  /** Dashed line at this value (a per-day cap), when given. */
  cap?: number;
  /** Word for one unit in tooltips: "message", "reply". */
  unit: string;
  /** Bar colour (CSS). */
  color?: string;
}

/** Bar width, px: wide for a few days, narrow for a long campaign (the container scrolls). */
const barWidth = (days: number): number => Math.max(6, Math.min(28, Math.floor(900 / Math.max(1, days)) - GAP));
const GAP = 3;
const HEIGHT = 120;
const AXIS = 30;
const LEFT = 36;

/** An `<svg>` element; width grows with the number of days (the container scrolls). */
export function barChart(input: BarChartInput): string {
  const { days, cap } = input;
  const BAR = barWidth(days.length);
  const max = Math.max(1, cap ?? 0, ...days.map((d) => d.value));
  const width = LEFT + days.length * (BAR + GAP) + 8;
  const y = (v: number): number => Math.round(HEIGHT - (v / max) * HEIGHT) + 6;
  const parts: string[] = [];
  const total = days.reduce((a, d) => a + d.value, 0);
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT + AXIS + 6}" role="img" aria-label="${escapeHtml(
      `${input.label}: ${total} over ${days.length} day${days.length === 1 ? "" : "s"}${cap !== undefined ? `, cap ${cap} a day` : ""}`,
    )}">`,
  );
  parts.push(`<text x="${LEFT - 4}" y="${y(max) + 4}" text-anchor="end" font-size="10" fill="#5f6670">${max}</text>`);
  parts.push(`<text x="${LEFT - 4}" y="${y(0)}" text-anchor="end" font-size="10" fill="#5f6670">0</text>`);
  parts.push(`<line x1="${LEFT}" x2="${width - 4}" y1="${y(0)}" y2="${y(0)}" stroke="#d8dce1"/>`);
  days.forEach((d, i) => {
    const x = LEFT + i * (BAR + GAP);
    if (d.closed) parts.push(`<rect class="closed" x="${x - 1}" y="6" width="${BAR + 2}" height="${HEIGHT}" fill="#eceef1"/>`);
    const top = y(d.value);
    const text = `${d.date}: ${d.value} ${input.unit}${d.value === 1 ? "" : "s"}${d.closed ? " (not a sending day in the campaign's zone)" : ""}`;
    parts.push(
      `<rect class="bar" data-date="${d.date}" data-value="${d.value}" x="${x}" y="${top}" width="${BAR}" height="${Math.max(0, y(0) - top)}" fill="${input.color ?? "#1d6fd8"}"><title>${escapeHtml(text)}</title></rect>`,
    );
    // A date label every 7 days (and the first), so a long campaign stays legible.
    if (i % 7 === 0) parts.push(`<text x="${x}" y="${HEIGHT + 22}" font-size="10" fill="#5f6670">${d.date.slice(5)}</text>`);
  });
  if (cap !== undefined) {
    parts.push(
      `<line class="cap" x1="${LEFT}" x2="${width - 4}" y1="${y(cap)}" y2="${y(cap)}" stroke="#c62828" stroke-dasharray="4 3"><title>cap: ${cap} a day</title></line>`,
    );
  }
  parts.push("</svg>");
  return `<div class="chart">${parts.join("")}</div>`;
}

/** The key under the per-account charts: what a bar is, the shaded days, the cap line. */
export function chartLegend(bar: string, zone: string, cap: number): string {
  return `<p class="legend"><span class="sw" style="background:#1d6fd8"></span>${escapeHtml(bar)}
<span class="sw" style="background:#eceef1"></span>not a sending day in ${escapeHtml(zone)} (leads with a zone of their own follow their local days)
<span class="sw" style="border-top:2px dashed #c62828;height:0"></span>per-account cap (${cap} a day)</p>`;
}

/** "YYYY-MM-DD" of an instant in a zone. */
export function dayKey(at: number, timezone: string): string {
  return dayFormatter(timezone).format(new Date(at));
}

/** Every day from `first` to `last` inclusive ("YYYY-MM-DD"), at most `limit` of them. */
export function daysBetween(first: string, last: string, limit: number): string[] {
  const out: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end && out.length < limit; t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Day of the week (0 = Sunday) of a "YYYY-MM-DD" date. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    // en-CA formats dates as YYYY-MM-DD.
    f = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
    formatters.set(timezone, f);
  }
  return f;
}
