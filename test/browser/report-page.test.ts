/**
 * The campaign report, opened in headless Chromium: the funnel agrees with the run's own summary,
 * replies per day add up, and a prospect's reply containing markup is shown as text, never run.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunSummary } from "../../src/engine/events.js";
import { runCli } from "../support/cli.js";
import { launchChromium, openPage } from "../support/browser.js";

const HOSTILE_REPLY = `Sounds good <img src=x onerror="window.__pwned=1;alert(1)"> <script>window.__pwned=2</script>`;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), "outreach-report-"));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the report written at the end of a rehearsal", () => {
  it("shows the funnel of the run, replies per day, and hostile reply text as text", async () => {
    const file = join(dir, "report.html");
    const run = await runCli(
      ["run", "campaigns/example.yaml", "--sandbox", "--seed", "report", "--reply-rate", "0.5", "--reply-text", HOSTILE_REPLY, "--json", "--html", file],
      { timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    // It quotes replies and names prospects: owner-only, like the state.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const finished = run.events.find((e) => e.type === "run.finished") as { summary: RunSummary } | undefined;
    expect(finished).toBeDefined();
    const summary = finished!.summary;

    const { page, problems } = await openPage(browser, file);
    for (const step of summary.steps) {
      const row = page.locator(`#funnel tr[data-step="${step.stepId}"]`);
      expect(await row.locator("td.sent").innerText()).toBe(String(step.sent));
    }
    const replyBars = await page.locator("section[aria-labelledby=h-activity] .chart").first().locator("rect.bar").evaluateAll((els) =>
      els.reduce((a, e) => a + Number(e.getAttribute("data-value")), 0),
    );
    expect(replyBars).toBe(summary.replied);
    expect(summary.replied).toBeGreaterThan(0);
    const replyTexts = await page.locator("#latest-replies .reply-text").allTextContents();
    expect(replyTexts.length).toBe(summary.replied);
    expect(replyTexts[0]).toBe(HOSTILE_REPLY);
    expect(await page.locator("#latest-replies img, #latest-replies script").count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual({ errors: [], dialogs: [], requests: [] });
    await page.close();
  }, 150_000);
});
