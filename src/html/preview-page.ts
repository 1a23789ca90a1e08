/**
 * The dry run's HTML preview (`outreach run campaign.yaml --dry-run --out preview.html`): one
 * self-contained file showing every lead × every message step as it will appear in the DM thread,
 * every problem with its file:line and the fix, and the projected sending calendar.
 *
 * Layout of the file, top to bottom — the part a person needs first paints first:
 *   1. static HTML, complete without JavaScript: figures, schedule, calendar, problems;
 *   2. the message browser's controls (hidden until the script runs; a <noscript> says why);
 *   3. data blocks (`<script type="application/json">`): meta, then the schedule;
 *   4. the script (preview-client.ts), allowed by its hash in the page's CSP;
 *   5. the leads, in blocks of LEADS_PER_BLOCK, each followed by a one-line script that hands it to
 *      the browser: the first page of messages shows as soon as the first block is parsed, while
 *      the browser is still reading the rest of a 100,000-lead file.
 */
import { displayPath } from "../config/load.js";
import type { Campaign } from "../config/types.js";
import type { PreviewSummary } from "../engine/preview.js";
import type { Projection } from "../schedule/projection.js";
import { documentEnd, documentStart, inlineScript, stat } from "./document.js";
import { escapeHtml, jsonForScript } from "./escape.js";
import { PREVIEW_CLIENT } from "./preview-client.js";
import { describeCaps, describeWindow, formatWhen } from "./format.js";

export interface PreviewPageHead {
  campaign: Campaign;
  summary: PreviewSummary;
  /** Absent when no lead is ready. */
  projection?: Projection;
  /** The calendar section's HTML (calendar.ts). */
  calendarHtml: string;
  /** When the preview was made (epoch ms). */
  generatedAt: number;
}

/** Leads per data block: ~700 KB of JSON, parsed in a few ms, so the first page shows at once. */
export const LEADS_PER_BLOCK = 1_000;

/** Runs after each block of leads: hands it to the script (its text is allowed by hash too). */
const NEXT_BLOCK_SCRIPT = "OutreachPreview.more()";
const NEXT_BLOCK = inlineScript(NEXT_BLOCK_SCRIPT);
const OPEN_BLOCK = `<script type="application/json" class="leads">[`;

/** Written between two blocks of lead entries (instead of the comma between two entries). */
export const LEADS_BLOCK_BREAK = `]</script>\n${NEXT_BLOCK}${OPEN_BLOCK}`;

/** Everything before the schedule data (figures, calendar, problems, the controls, the meta block). */
export function previewPageHead(h: PreviewPageHead): string {
  const { campaign, summary } = h;
  const zone = campaign.pacing.window.timezone;
  const skipped = summary.skipped.reduce((a, k) => a + k.count, 0);
  const sequenceSteps = campaign.sequence.length;
  const steps = [
    ...campaign.sequence.map((s) => ({ id: s.id, kind: "sequence" as const, template: displayPath(s.template) })),
    ...campaign.replySteps.flatMap((s) => (s.template ? [{ id: s.id, kind: "reply" as const, template: displayPath(s.template) }] : [])),
  ];
  const leadsFile = displayPath(campaign.leads.file);
  const meta = { campaign: campaign.name, zone, accounts: campaign.accounts, steps, leadsFile };
  const problems = summary.withErrors + summary.skipped.filter((k) => k.reason !== "suppressed").reduce((a, k) => a + k.count, 0);
  return `${documentStart({ title: `Preview: ${campaign.name}`, css: PREVIEW_CSS, scripts: [PREVIEW_CLIENT, NEXT_BLOCK_SCRIPT] })}
<h1>Preview: ${escapeHtml(campaign.name)}</h1>
<p class="sub">Dry run of <code>${escapeHtml(displayPath(campaign.file))}</code>, made ${escapeHtml(new Date(h.generatedAt).toISOString())}. Nothing was sent.
Each message below is exactly what will be sent to that lead: spin choices and fallbacks are resolved.</p>
<section aria-labelledby="h-figures"><h2 id="h-figures">Figures</h2>
<div class="stats" id="figures">
${stat("rows in the CSV", summary.rows)}
${stat("ready to send", summary.ready, "ok")}
${stat("blocked by a problem", summary.withErrors, summary.withErrors ? "bad" : "")}
${stat("skipped", skipped, skipped ? "warn" : "")}
${stat("messages if nobody replies", summary.ready * sequenceSteps)}
${stat("sender accounts", campaign.accounts.length)}
</div>
<p>${problems === 0 ? "Every lead can be sent as it is." : `<strong>${problems} lead${problems === 1 ? "" : "s"} cannot be sent as ${problems === 1 ? "it is" : "they are"}</strong> — see <a href="#h-problems">Problems</a>.`}</p>
</section>
${scheduleSection(h)}
${problemsSection(campaign, summary, leadsFile)}
<section aria-labelledby="h-messages"><h2 id="h-messages">Messages</h2>
<noscript><p>The message browser needs JavaScript. Everything above is complete without it; the same messages are
in <code>outreach run ${escapeHtml(displayPath(campaign.file))} --dry-run --out preview.txt</code>.</p></noscript>
<div id="browser" hidden>
<form id="filters" role="search" aria-label="Filter leads">
<label>Show <select name="status"><option value="">all leads</option><option value="ready">ready</option><option value="blocked">blocked</option><option value="skipped">skipped</option></select></label>
<label>Step <select name="step"><option value="">every step</option>${steps.map((s, i) => `<option value="${i}">${escapeHtml(s.id)}${s.kind === "reply" ? " (on reply)" : ""}</option>`).join("")}</select></label>
<label>Account <select name="account"><option value="">every account</option>${campaign.accounts.map((a, i) => `<option value="${i}">${escapeHtml(a)}</option>`).join("")}</select></label>
<label>Search <input name="q" type="search" placeholder="name, @username, id or text" autocomplete="off"></label>
</form>
<p id="count" role="status" aria-live="polite"></p>
<div id="list" tabindex="-1"></div>
<nav class="pager" aria-label="Pages"><button type="button" id="prev">← Previous</button> <button type="button" id="next">Next →</button></nav>
</div>
</section>
<script type="application/json" id="meta">${jsonForScript(meta)}</script>
`;
}

/** The schedule block and the script; ends inside the first leads block's opening `[`. */
export function* previewPageData(scheduleJson: Iterable<string>): Generator<string> {
  yield `<script type="application/json" id="schedule">`;
  yield* scheduleJson;
  yield `</script>\n${inlineScript(PREVIEW_CLIENT)}${OPEN_BLOCK}`;
}

/** Everything after the last lead entry: closes the last block, hands it over, ends the document. */
export function previewPageTail(): string {
  return `]</script>\n${NEXT_BLOCK}${documentEnd()}`;
}

function scheduleSection(h: PreviewPageHead): string {
  const { campaign, projection: p } = h;
  const zone = campaign.pacing.window.timezone;
  const when = (t: number): string => escapeHtml(formatWhen(t, zone));
  const rules = `<p>Sending window <strong>${escapeHtml(describeWindow(campaign.pacing.window))}</strong> (leads with their own zone get the same hours in it);
caps <strong>${escapeHtml(describeCaps(campaign.pacing))}</strong>.</p>`;
  if (!p) return `<section aria-labelledby="h-schedule"><h2 id="h-schedule">Projected schedule</h2>${rules}<p class="muted">No lead is ready, so nothing is scheduled.</p></section>`;
  return `<section aria-labelledby="h-schedule"><h2 id="h-schedule">Projected schedule</h2>
<p class="sub">If nobody replies (replies end sequences early); pacing, windows and caps applied; times in ${escapeHtml(zone)}.</p>
${rules}
<table><tbody>
<tr><th>first message</th><td>${when(p.firstSendAt)}</td></tr>
<tr><th>last ${escapeHtml(campaign.sequence[0]?.id ?? "first step")}</th><td>${when(p.lastFirstStepAt)}</td></tr>
<tr><th>last message</th><td>${when(p.lastSendAt)}</td></tr>
<tr><th>busiest account day</th><td>${p.sendsPerDayPerAccount} messages in 24 h (cap ${campaign.pacing.perAccount.perDay})</td></tr>
</tbody></table>
<h3>Messages per day per account</h3>
${h.calendarHtml}
</section>`;
}

function problemsSection(campaign: Campaign, summary: PreviewSummary, leadsFile: string): string {
  const items: string[] = [];
  for (const g of summary.templateErrors) {
    const step = [...campaign.sequence, ...campaign.replySteps].find((s) => s.id === g.step);
    const where = g.examples.map((e) => e.replace(/^line (\d+)/, `${leadsFile}:$1`)).join(", ");
    items.push(`<div class="problem" role="listitem"><div class="where">step ${escapeHtml(g.step)}${step?.template ? ` · ${escapeHtml(displayPath(step.template))}` : ""} · ${g.count} lead${g.count === 1 ? "" : "s"}: ${escapeHtml(where)}${g.count > g.examples.length ? ", …" : ""}</div>
<div class="fix">${escapeHtml(g.message)}</div></div>`);
  }
  for (const k of summary.skipped) {
    const rows = k.rows.map((r) => `<li><span class="where">${escapeHtml(leadsFile)}:${r.line}</span> ${escapeHtml(r.message)}</li>`).join("");
    items.push(`<div class="problem warn" role="listitem"><div class="where">${k.count} row${k.count === 1 ? "" : "s"} skipped: ${escapeHtml(k.reason)}${k.reason === "suppressed" ? " (on the do-not-contact list: intended)" : ""}</div>
<ul>${rows}</ul>${k.count > k.rows.length ? `<p class="muted">… and ${k.count - k.rows.length} more: choose “skipped” under Messages to see them all.</p>` : ""}</div>`);
  }
  return `<section aria-labelledby="h-problems"><h2 id="h-problems">Problems</h2>
${items.length === 0 ? `<p>None: every row and every template renders.</p>` : `<div role="list">${items.join("\n")}</div>`}
</section>`;
}


const PREVIEW_CSS = `
#filters { display:flex; flex-wrap:wrap; gap:12px; align-items:end; background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
#filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); gap:2px; }
#filters select, #filters input { font:inherit; padding:4px 6px; min-width: 150px; }
.lead { background:var(--card); border:1px solid var(--line); border-radius:10px; margin:10px 0; padding:10px 12px; }
.lead-head { display:flex; flex-wrap:wrap; gap:10px; align-items:baseline; margin-bottom:6px; }
.lead-head .name { color:var(--fg); } .lead-head .acct, .lead-head .where { color:var(--muted); font-size:12px; }
.badge { margin-left:auto; font-size:11px; text-transform:uppercase; letter-spacing:.04em; padding:1px 6px; border-radius:10px; background:#e8f3ea; color:var(--ok); }
.badge.blocked { background:#fdecea; color:var(--bad); } .badge.skipped { background:#fff4dc; color:var(--warn); }
.thread { display:flex; flex-direction:column; align-items:flex-end; gap:8px; }
.dm { max-width: 75%; }
.dm-text { background:#1d9bf0; color:#fff; border-radius:16px 16px 4px 16px; padding:8px 12px; white-space:pre-wrap; overflow-wrap:anywhere; }
.dm.on-reply .dm-text { background:#e8f5fd; color:var(--fg); border:1px dashed #1d9bf0; }
.dm-meta { font-size:11.5px; color:var(--muted); text-align:right; margin: 0 4px 2px; }
.thread .problem { align-self: stretch; }
.pager { display:flex; gap:8px; margin: 8px 0; } .pager button { font:inherit; padding:4px 12px; }
`;
