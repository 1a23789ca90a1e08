/**
 * The shell shared by the preview page and the campaign report: one self-contained HTML document
 * (inline CSS, no network, no CDN), readable without JavaScript, with a skip link and landmarks so
 * it can be used from the keyboard and a screen reader.
 */
import { createHash } from "node:crypto";
import { escapeHtml } from "./escape.js";

/**
 * CSP source for one inline script. The page allows its own scripts by hash instead of
 * 'unsafe-inline', so even markup that slipped through escaping could not run an inline handler
 * (`<img onerror>`) or a `<script>`: defence in depth behind `escapeHtml`.
 */
function scriptHash(script: string): string {
  return `'sha256-${createHash("sha256").update(script, "utf8").digest("base64")}'`;
}

export interface DocumentParts {
  /** Plain text; escaped here. */
  title: string;
  /** Page-specific CSS, appended to the shared rules. */
  css?: string;
  /** Exact text of each inline `<script>` the page will run; only these may run (see `scriptHash`). */
  scripts?: readonly string[];
}

/** Everything up to and including `<main>`; the caller writes the body, then `documentEnd()`. */
export function documentStart(parts: DocumentParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src ${(parts.scripts ?? []).map(scriptHash).join(" ") || "'none'"}; img-src data:">
<meta name="generator" content="inbox-outreach">
<title>${escapeHtml(parts.title)}</title>
<style>${SHARED_CSS}${parts.css ?? ""}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<main id="main">
`;
}

/** `<script>` for one of the scripts named in `DocumentParts.scripts` (the text must match exactly). */
export function inlineScript(script: string): string {
  return `<script>${script}</script>\n`;
}

/** Closes what `documentStart` opened; `tail` (data blocks, scripts) goes after `<main>`, so the summary paints first. */
export function documentEnd(tail = ""): string {
  return `</main>\n${tail}</body>\n</html>\n`;
}

/** A figure for the summary: a big number with its label. */
export function stat(label: string, value: string | number, tone: "ok" | "warn" | "bad" | "" = ""): string {
  return `<div class="stat ${tone}"><span class="value">${escapeHtml(String(value))}</span><span class="label">${escapeHtml(label)}</span></div>`;
}

const SHARED_CSS = `
:root { color-scheme: light; --fg:#1c1e21; --muted:#5f6670; --line:#d8dce1; --bg:#f5f6f8; --card:#fff;
  --accent:#1d6fd8; --ok:#1a7f37; --warn:#9a6700; --bad:#c62828; --closed:#eceef1; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
main { max-width: 1100px; margin: 0 auto; padding: 16px 20px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; } h3 { font-size: 15px; margin: 16px 0 6px; }
p.sub { color: var(--muted); margin: 0 0 12px; }
a { color: var(--accent); }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:6px 10px; }
.skip:focus { left: 8px; z-index: 10; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.stats { display:flex; flex-wrap:wrap; gap:10px; margin: 12px 0; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:10px 14px; min-width:120px; }
.stat .value { display:block; font-size:22px; font-weight:600; } .stat .label { color:var(--muted); font-size:12px; }
.stat.ok .value { color:var(--ok); } .stat.warn .value { color:var(--warn); } .stat.bad .value { color:var(--bad); }
table { border-collapse: collapse; background:var(--card); border:1px solid var(--line); margin: 6px 0 12px; }
th, td { text-align:left; padding:5px 10px; border-bottom:1px solid var(--line); vertical-align: top; }
th { background:#fafbfc; font-weight:600; } td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.problem { border-left: 4px solid var(--bad); background:var(--card); padding:8px 12px; margin:6px 0; border-radius: 0 6px 6px 0; }
.problem.warn { border-left-color: var(--warn); }
.where { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; color: var(--muted); }
.fix { color: var(--fg); } .fix::before { content: "Fix: "; font-weight: 600; }
.chart { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:8px; overflow-x:auto; margin: 6px 0 12px; }
.chart svg { display:block; }
.legend { color:var(--muted); font-size:12px; margin: 4px 0; }
.legend .sw { display:inline-block; width:10px; height:10px; vertical-align:middle; margin: 0 4px 0 10px; border:1px solid var(--line); }
details > summary { cursor: pointer; color: var(--accent); margin: 4px 0; }
.muted { color: var(--muted); }
@media (prefers-reduced-motion: reduce) { * { transition: none !important; } }
`;
