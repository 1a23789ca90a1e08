/**
 * Benchmark: the HTML preview of 100,000 leads × 3 steps.
 *  1. Writing it: `--dry-run --out preview.html` against `--out preview.txt` (the text preview of
 *     the same messages), interleaved pairs, wall and CPU time (min and median of the ratios).
 *  2. Its size on disk, against the text preview.
 *  3. Opening it in Debian's headless Chromium: first contentful paint (the static summary), the
 *     moment the message list shows its first page, and the moment every lead is read, against a
 *     100-lead preview opened in the same browser, interleaved pairs.
 * No target is asserted; the figures are printed for the README.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium } from "../support/browser.js";
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture } from "./support/fixture.js";
import { fixed, int, mb, note, printTable, secs } from "./support/table.js";

const LEADS = 100_000;
const SMALL = 100;
const STEPS = 3;
const PAIRS = 3;

interface Timed extends PhaseResult {
  ms: number;
  cpuMs: number;
}

const min = (xs: number[]): number => Math.min(...xs);
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const big = await createFixture("html-preview", { leads: LEADS, steps: STEPS });
const small = await createFixture("html-preview-small", { leads: SMALL, steps: STEPS });
try {
  const html = join(big.dir, "preview.html");
  const txt = join(big.dir, "preview.txt");
  const runs: { html: Timed; txt: Timed }[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const t = (await runPhase<Timed>("phases/dry-run-out.js", { campaignFile: big.campaignFile, out: txt })).result;
    const h = (await runPhase<Timed>("phases/dry-run-out.js", { campaignFile: big.campaignFile, out: html })).result;
    runs.push({ html: h, txt: t });
  }
  const wallRatios = runs.map((r) => r.html.ms / r.txt.ms);
  const cpuRatios = runs.map((r) => r.html.cpuMs / r.txt.cpuMs);
  const [htmlBytes, txtBytes] = [(await stat(html)).size, (await stat(txt)).size];
  printTable(
    `HTML preview: writing ${int(LEADS)} leads × ${STEPS} steps (${PAIRS} interleaved pairs; median)`,
    ["output", "wall", "CPU", "peak RSS", "file size"],
    [
      ["--out preview.txt (baseline)", secs(median(runs.map((r) => r.txt.ms))), secs(median(runs.map((r) => r.txt.cpuMs))), mb(median(runs.map((r) => r.txt.maxRssKb))), mb(txtBytes / 1024)],
      ["--out preview.html", secs(median(runs.map((r) => r.html.ms))), secs(median(runs.map((r) => r.html.cpuMs))), mb(median(runs.map((r) => r.html.maxRssKb))), mb(htmlBytes / 1024)],
    ],
  );
  note(`html / txt: wall min ${fixed(min(wallRatios))}× median ${fixed(median(wallRatios))}× · CPU min ${fixed(min(cpuRatios))}× median ${fixed(median(cpuRatios))}× · size ${fixed(htmlBytes / txtBytes)}×`);

  const smallHtml = join(small.dir, "preview.html");
  await runPhase<Timed>("phases/dry-run-out.js", { campaignFile: small.campaignFile, out: smallHtml });
  const browser = await launchChromium();
  try {
    const pages: { big: Opened; small: Opened }[] = [];
    for (let i = 0; i < PAIRS; i++) pages.push({ small: await open(browser, smallHtml), big: await open(browser, html) });
    const fmt = (xs: number[]): string => `${int(min(xs))} / ${int(median(xs))} ms`;
    printTable(
      `HTML preview in headless Chromium (${PAIRS} interleaved pairs; min / median)`,
      ["page", "first contentful paint", "first page of messages shown", "every lead searchable"],
      [
        [`${SMALL} leads (baseline)`, fmt(pages.map((p) => p.small.fcp)), fmt(pages.map((p) => p.small.listed)), fmt(pages.map((p) => p.small.loaded))],
        [`${int(LEADS)} leads`, fmt(pages.map((p) => p.big.fcp)), fmt(pages.map((p) => p.big.listed)), fmt(pages.map((p) => p.big.loaded))],
      ],
    );
    const fcp = pages.map((p) => p.big.fcp / p.small.fcp);
    const listed = pages.map((p) => p.big.listed / p.small.listed);
    note(`${int(LEADS)} / ${SMALL} leads: first paint min ${fixed(min(fcp))}× median ${fixed(median(fcp))}× · messages shown min ${fixed(min(listed))}× median ${fixed(median(listed))}×`);
  } finally {
    await browser.close();
  }
} finally {
  await big.cleanup();
  await small.cleanup();
}

interface Opened {
  /** ms from navigation start to the first contentful paint. */
  fcp: number;
  /** ms from navigation start until the message list shows its first page. */
  listed: number;
  /** ms from navigation start until every lead is read (filters and search cover the whole file). */
  loaded: number;
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage();
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "commit", timeout: 120_000 });
    // Functions, not strings: the page's CSP forbids eval. This file is compiled without the DOM's types.
    type PageGlobal = { document: { getElementById(id: string): { textContent: string | null } | null } };
    await page.waitForFunction(() => ((globalThis as unknown as PageGlobal).document.getElementById("count")?.textContent ?? "") !== "", undefined, { timeout: 120_000, polling: 20 });
    const listed = await page.evaluate(() => performance.now());
    await page.waitForFunction(() => !((globalThis as unknown as PageGlobal).document.getElementById("count")?.textContent ?? "").includes("still reading"), undefined, { timeout: 120_000, polling: 20 });
    const loaded = await page.evaluate(() => performance.now());
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN);
    return { fcp, listed, loaded };
  } finally {
    await page.close();
  }
}
