/**
 * The projected sending calendar: messages per day per sender account, with the sending window's
 * closed days shaded and the per-day cap drawn, as one SVG bar chart per account.
 */
import type { Campaign } from "../config/types.js";
import { barChart, chartLegend, dayKey, daysBetween, weekday } from "./bar-chart.js";
import { escapeHtml } from "./escape.js";

/** Days drawn at most; a longer campaign says how many more there are. */
export const CALENDAR_DAYS = 400;

/** Counts sends per account and day (in the campaign's zone) as the projection produces them. */
export class SendCalendar {
  private readonly perAccount: Map<string, number>[];

  constructor(private readonly campaign: Pick<Campaign, "accounts" | "pacing">) {
    this.perAccount = campaign.accounts.map(() => new Map());
  }

  record(account: number, at: number): void {
    const days = this.perAccount[account];
    if (!days) return;
    const key = dayKey(at, this.campaign.pacing.window.timezone);
    days.set(key, (days.get(key) ?? 0) + 1);
  }

  /** One chart per account, or a sentence when nothing would be sent. */
  html(): string {
    const all = this.perAccount.flatMap((m) => [...m.keys()]).sort();
    const first = all[0];
    const last = all[all.length - 1];
    if (first === undefined || last === undefined) return `<p class="muted">Nothing would be sent, so there is no calendar.</p>`;
    const days = daysBetween(first, last, CALENDAR_DAYS);
    const open = new Set(this.campaign.pacing.window.days);
    const cap = this.campaign.pacing.perAccount.perDay;
    const charts = this.campaign.accounts.map((account, i) => {
      const counts = this.perAccount[i]!;
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      return `<h3>Account <code>${escapeHtml(account)}</code> <span class="muted">· ${total} messages</span></h3>${barChart({
        label: `Messages per day from account ${account}`,
        days: days.map((date) => ({ date, value: counts.get(date) ?? 0, closed: !open.has(weekday(date)) })),
        cap,
        unit: "message",
      })}`;
    });
    const more = (Date.parse(last) - Date.parse(first)) / 86_400_000 + 1 - days.length;
    return `${chartLegend("messages that day", this.campaign.pacing.window.timezone, cap)}
${charts.join("\n")}${more > 0 ? `<p class="muted">The first ${CALENDAR_DAYS} days are drawn; ${more} more follow.</p>` : ""}`;
  }
}
