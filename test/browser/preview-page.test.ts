/**
 * The dry run's HTML preview, opened in headless Chromium as a person would: the figures, a lead's
 * messages exactly as the JSON preview renders them, problems with their file:line, the calendar's
 * bars per day, filters and search, the keyboard, and hostile CSV values that must stay text.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCampaign } from "../support/campaign-fixture.js";
import { runCli } from "../support/cli.js";
import { launchChromium, openPage } from "../support/browser.js";

const START = "2026-12-01T08:00:00Z";
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "outreach-preview-"));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface JsonItem {
  leadId: string;
  line: number;
  step: string;
  ok: boolean;
  text?: string;
}

describe("the example campaign's preview page", () => {
  let file: string;
  let items: JsonItem[];

  beforeAll(async () => {
    file = join(dir, "example.html");
    const html = await runCli(["run", "campaigns/example.yaml", "--dry-run", "--out", file, "--start", START]);
    expect(html.code, html.stderr).toBe(0);
    expect(html.stdout).toContain(`full preview written to ${file}`);
    const json = await runCli(["run", "campaigns/example.yaml", "--dry-run", "--format", "json", "--start", START]);
    items = json.stdout.trim().split("\n").map((l) => JSON.parse(l) as JsonItem);
  }, 60_000);

  it("shows the figures without JavaScript", async () => {
    const page = await browser.newPage({ javaScriptEnabled: false });
    await page.goto(`file://${file}`);
    const figures = await page.locator("#figures .stat").allInnerTexts();
    expect(figures.map((f) => f.replace(/\s+/g, " ").trim())).toEqual([
      "30 rows in the CSV",
      "30 ready to send",
      "0 blocked by a problem",
      "0 skipped",
      "60 messages if nobody replies",
      "2 sender accounts",
    ]);
    expect(await page.locator("#browser").isHidden()).toBe(true);
    expect(await page.locator("noscript").count()).toBe(1);
    await page.close();
  });

  it("shows each lead's messages exactly as they will be sent, with no error and no network request", async () => {
    const { page, problems } = await openPage(browser, file);
    await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 1–25 of 30 (page 1 of 2)");
    const first = items.filter((i) => i.leadId === items[0]!.leadId);
    const card = page.locator(`article[data-lead="${first[0]!.leadId}"]`);
    const texts = await card.locator(".dm-text").allTextContents();
    expect(texts).toEqual(first.map((i) => i.text));
    expect(await card.locator(".dm-meta").first().innerText()).toMatch(/^intro · \w{3}, \d+ Dec 2026, \d\d:\d\d \(/);
    expect(problems).toEqual({ errors: [], dialogs: [], requests: [] });
    await page.close();
  });

  it("finds a lead by search and pages with the keyboard", async () => {
    const { page, problems } = await openPage(browser, file);
    const target = items.find((i) => i.step === "intro" && i.line === 17)!;
    await page.locator('input[name="q"]').fill(target.leadId);
    await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 1–1 of 1 (page 1 of 1)");
    expect(await page.locator(".dm-text").first().textContent()).toBe(target.text);
    await page.locator('input[name="q"]').fill("");
    await expect.poll(() => page.locator("#count").innerText()).toContain("of 30");
    await page.locator("#next").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 26–30 of 30 (page 2 of 2)");
    // The first Tab stop is the skip link to the content.
    await page.keyboard.press("Tab");
    expect(problems.errors).toEqual([]);
    await page.close();
  });

  it("draws one bar a day per account that adds up to every projected message, under the cap", async () => {
    const { page } = await openPage(browser, file);
    const bars = await page.locator("#h-schedule ~ .chart rect.bar, section[aria-labelledby=h-schedule] rect.bar").evaluateAll((els) =>
      els.map((e) => ({ date: e.getAttribute("data-date"), value: Number(e.getAttribute("data-value")) })),
    );
    expect(bars.reduce((a, b) => a + b.value, 0)).toBe(60);
    expect(Math.max(...bars.map((b) => b.value))).toBeLessThanOrEqual(80);
    expect(bars.filter((b) => b.value > 0).length).toBeGreaterThan(1);
    await page.close();
  });
});

describe("problems in the preview", () => {
  it("lists each problem with its file:line and the fix, and filters to the blocked leads", async () => {
    const file = join(dir, "errors.html");
    const run = await runCli(["run", "campaigns/example-with-errors.yaml", "--dry-run", "--out", file, "--start", START]);
    expect(run.code).toBe(1);
    const { page, problems } = await openPage(browser, file);
    const listed = await page.locator("section[aria-labelledby=h-problems] .problem").allInnerTexts();
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.join("\n")).toMatch(/leads\/[\w-]+\.csv:\d+/);
    await page.selectOption('select[name="status"]', "blocked");
    const blocked = page.locator("article.lead.blocked");
    await expect.poll(() => blocked.count()).toBeGreaterThan(0);
    expect(await blocked.first().locator(".problem .fix").first().innerText()).not.toBe("");
    expect(problems.errors).toEqual([]);
    await page.close();
  });
});

describe("a preview larger than one data block", () => {
  it("takes in every block: no lead lost or doubled at a boundary, and the last one found by search", async () => {
    const fx = makeCampaign({ accounts: ["acct1", "acct2"], leads: 2_345 });
    try {
      const file = join(dir, "blocks.html");
      const run = await runCli(["run", fx.yamlPath, "--dry-run", "--out", file, "--start", START, "--preview", "0"], { timeoutMs: 60_000 });
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(file, "utf8").match(/OutreachPreview\.more\(\)/g)?.length).toBe(3);
      const { page, problems } = await openPage(browser, file);
      await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 1–25 of 2345 (page 1 of 94)");
      const last = fx.leads[fx.leads.length - 1]!;
      await page.locator('input[name="q"]').fill(last.id);
      await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 1–1 of 1 (page 1 of 1)");
      expect(await page.locator(".dm-text").first().textContent()).toContain(`(${last.id})`);
      // Its planned time comes from the schedule, matched across blocks by its place among the ready leads.
      expect(await page.locator(".dm-meta").first().innerText()).toMatch(/^intro · .+ 2026, \d\d:\d\d \(UTC\)$/);
      await page.selectOption('select[name="account"]', "1");
      await page.locator('input[name="q"]').fill("");
      await expect.poll(() => page.locator("#count").innerText()).toMatch(/ of 11\d\d /);
      expect(problems).toEqual({ errors: [], dialogs: [], requests: [] });
      await page.close();
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe("hostile CSV values", () => {
  it("renders <script>, <img onerror> and javascript: links as text and runs none of them", async () => {
    const hostile = [
      { id: "4100000000000000001", first_name: "<script>window.__pwned='script';alert(1)</script>", company: "Acme" },
      { id: "4100000000000000002", first_name: '<img src=x onerror="window.__pwned=\'img\';alert(2)">', company: "Globex" },
      { id: "4100000000000000003", first_name: "Eve", company: '<a href="javascript:window.__pwned=\'link\'">click</a>' },
      { id: "4100000000000000004", first_name: "</script><script>window.__pwned='breakout'</script>", company: "<!--" },
    ];
    const fx = makeCampaign({ accounts: ["acct1"], leads: hostile });
    try {
      const file = join(dir, "hostile.html");
      const run = await runCli(["run", fx.yamlPath, "--dry-run", "--out", file, "--start", START]);
      expect(run.code, run.stderr).toBe(0);
      expect(statSync(file).size).toBeGreaterThan(0);
      expect(readFileSync(file, "utf8")).not.toContain("<script>window.__pwned");
      const { page, problems } = await openPage(browser, file);
      await expect.poll(() => page.locator("#count").innerText()).toBe("Leads 1–4 of 4 (page 1 of 1)");
      const texts = await page.locator(".dm-text").allTextContents();
      expect(texts.join("\n")).toContain(hostile[0]!.first_name);
      expect(texts.join("\n")).toContain(hostile[1]!.first_name);
      expect(texts.join("\n")).toContain(hostile[2]!.company);
      expect(await page.locator("#list img, #list script, #list a").count()).toBe(0);
      await page.locator("#list .dm-text").first().click();
      expect(await page.evaluate(() => (globalThis as { __pwned?: string }).__pwned)).toBeUndefined();
      expect(problems).toEqual({ errors: [], dialogs: [], requests: [] });
      await page.close();
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  });
});

