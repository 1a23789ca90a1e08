/**
 * The campaign report (`outreach status campaign.yaml --html report.html`, or `run --sandbox --html`):
 * one self-contained page with no script at all — the funnel per step, replies over time, opt-outs
 * and the latest replies to read, failures by reason, sends per day per account against the cap,
 * and the next due work. Reply texts are the prospects' own words: untrusted, always escaped.
 */
import type { Campaign } from "../config/types.js";
import { barChart, chartLegend, daysBetween, weekday } from "./bar-chart.js";
import { CALENDAR_DAYS } from "./calendar.js";
import { documentEnd, documentStart, stat } from "./document.js";
import { escapeHtml } from "./escape.js";
import type { ReplyRow, ReportModel } from "./report-model.js";
import { describeCaps, describeWindow, formatWhen } from "./format.js";

export function reportPage(campaign: Campaign, m: ReportModel): string {
  const when = (t: number): string => escapeHtml(formatWhen(t, m.timezone));
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return `${documentStart({ title: `Report: ${m.campaign}`, css: REPORT_CSS })}
<h1>Campaign report: ${escapeHtml(m.campaign)}</h1>
<p class="sub">As of ${when(m.at)} · from the state file alone (no API call) · times in ${escapeHtml(m.timezone)}</p>
<section aria-labelledby="h-figures"><h2 id="h-figures">Figures</h2>
<div class="stats" id="figures">
${stat("leads started", m.leadsInState)}
${stat("contacted", m.contacted)}
${stat(`replied (${pct(m.replyRate)})`, m.replied, "ok")}
${stat("opted out", m.optedOut, m.optedOut ? "warn" : "")}
${stat("failed leads", m.failedLeads, m.failedLeads ? "bad" : "")}
${stat("finished", m.finished)}
</div>
<p>Next due follow-up: <strong>${m.nextDueAt === undefined ? "none" : when(m.nextDueAt)}</strong> · ${m.open} lead${m.open === 1 ? "" : "s"} still in their sequence.</p>
</section>
${funnel(m)}
${activity(campaign, m)}
${repliesSection(m, when)}
${failuresSection(m)}
${documentEnd()}`;
}

function funnel(m: ReportModel): string {
  const max = Math.max(1, ...m.steps.map((s) => s.sent));
  const rows = m.steps.map((s) => {
    const label = s.kind === "reply" ? `${s.stepId} (on reply)` : s.stepId;
    const width = Math.round((s.sent / max) * 100);
    return `<tr data-step="${escapeHtml(s.stepId)}"><th scope="row">${escapeHtml(label)}</th>
<td class="num sent">${s.sent}</td><td class="bar-cell"><span class="hbar" style="width:${width}%"></span></td>
<td class="num">${s.kind === "sequence" ? s.replies : "–"}</td><td class="num">${s.failed}</td><td class="num">${s.skipped}</td><td class="num">${s.pending}</td></tr>`;
  });
  return `<section aria-labelledby="h-funnel"><h2 id="h-funnel">Funnel per step</h2>
<table id="funnel"><thead><tr><th scope="col">step</th><th scope="col" class="num">sent</th><th scope="col"><span class="muted">share of the top step</span></th>
<th scope="col" class="num">replies after it</th><th scope="col" class="num">failed</th><th scope="col" class="num">skipped</th><th scope="col" class="num">pending</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table></section>`;
}

function activity(campaign: Campaign, m: ReportModel): string {
  const keys = [...m.repliesPerDay.keys(), ...m.sendsPerDay.flatMap((a) => [...a.days.keys()])].sort();
  const first = keys[0];
  const last = keys[keys.length - 1];
  const rules = `<p class="muted">Sending window ${escapeHtml(describeWindow(campaign.pacing.window))}; caps ${escapeHtml(describeCaps(campaign.pacing))}.</p>`;
  if (first === undefined || last === undefined) {
    return `<section aria-labelledby="h-activity"><h2 id="h-activity">Activity per day</h2>${rules}<p>Nothing has been sent yet.</p></section>`;
  }
  const days = daysBetween(first, last, CALENDAR_DAYS);
  const open = new Set(campaign.pacing.window.days);
  const replies = barChart({
    label: "Replies per day",
    days: days.map((date) => ({ date, value: m.repliesPerDay.get(date) ?? 0 })),
    unit: "reply",
    color: "#1a7f37",
  });
  const accounts = m.sendsPerDay.map(({ account, days: counts }) => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return `<h3>Account <code>${escapeHtml(account)}</code> <span class="muted">· ${total} sent</span></h3>${barChart({
      label: `Messages sent per day from account ${account}`,
      days: days.map((date) => ({ date, value: counts.get(date) ?? 0, closed: !open.has(weekday(date)) })),
      cap: campaign.pacing.perAccount.perDay,
      unit: "message",
    })}`;
  });
  return `<section aria-labelledby="h-activity"><h2 id="h-activity">Activity per day</h2>${rules}
<h3>Replies per day</h3>${replies}
<h3>Messages sent per day, per account, against the cap</h3>
${chartLegend("sent that day", campaign.pacing.window.timezone, campaign.pacing.perAccount.perDay)}
${accounts.join("\n")}</section>`;
}

function repliesSection(m: ReportModel, when: (t: number) => string): string {
  const table = (rows: ReplyRow[], id: string): string =>
    `<table id="${id}"><thead><tr><th scope="col">when</th><th scope="col">lead</th><th scope="col">after step</th><th scope="col">reply</th></tr></thead><tbody>${rows
      .map(
        (r) =>
          `<tr${r.optedOut ? ' class="opted-out"' : ""}><td>${when(r.at)}</td><td><code>${escapeHtml(r.leadId)}</code></td><td>${escapeHtml(r.afterStep ?? "–")}</td><td class="reply-text">${escapeHtml(r.text)}</td></tr>`,
      )
      .join("")}</tbody></table>`;
  return `<section aria-labelledby="h-replies"><h2 id="h-replies">Replies to read</h2>
<h3>Opt-outs (${m.optOuts.length})</h3>
${m.optOuts.length === 0 ? "<p>None.</p>" : `<p class="muted">Suppressed for good: nothing more is sent to these leads, from any campaign that uses the same suppression list.</p>${table(m.optOuts, "opt-outs")}`}
<h3>Latest replies (${m.latestReplies.length}${m.replied > m.latestReplies.length ? ` of ${m.replied}` : ""})</h3>
${m.latestReplies.length === 0 ? "<p>No reply yet.</p>" : table(m.latestReplies, "latest-replies")}
</section>`;
}

function failuresSection(m: ReportModel): string {
  const body =
    m.failures.length === 0
      ? "<p>None.</p>"
      : `<table id="failures"><thead><tr><th scope="col" class="num">leads</th><th scope="col">step: reason</th><th scope="col">lead ids</th></tr></thead><tbody>${m.failures
          .map((f) => `<tr><td class="num">${f.count}</td><td>${escapeHtml(f.reason)}</td><td><code>${escapeHtml(f.leads.join(", "))}${f.count > f.leads.length ? ", …" : ""}</code></td></tr>`)
          .join("")}</tbody></table><p class="muted">Once the cause is fixed, <code>outreach run … --retry-failed</code> gives these leads another attempt; nothing already sent is sent again.</p>`;
  return `<section aria-labelledby="h-failures"><h2 id="h-failures">Failures by reason</h2>${body}</section>`;
}


const REPORT_CSS = `
.bar-cell { width: 260px; } .hbar { display:block; height: 12px; background: var(--accent); border-radius: 3px; min-width: 1px; }
.reply-text { white-space: pre-wrap; overflow-wrap: anywhere; max-width: 520px; }
tr.opted-out td { background: #fff8e6; }
`;
