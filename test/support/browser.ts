/**
 * Debian's Chromium, headless, driven by playwright-core (which downloads no browser of its own),
 * for tests that look at the HTML pages as a person would. `.ci/run` installs the `chromium`
 * package when it is missing; a machine without it fails these tests with that instruction.
 *
 * Flags: as root Chromium needs --no-sandbox; the background-networking flags stop it from
 * calling out at start-up, which this machine's closed network would refuse.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** What went wrong in a page: uncaught errors, console errors (CSP violations among them) and dialogs (alert from injected script). */
export interface PageProblems {
  errors: string[];
  dialogs: string[];
  /** Requests the page tried to make other than its own file (it must make none). */
  requests: string[];
}

/** Opens a local HTML file in a fresh page, collecting every problem while it loads and runs. */
export async function openPage(browser: Browser, file: string, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage({ viewport });
  const problems: PageProblems = { errors: [], dialogs: [], requests: [] };
  const url = pathToFileURL(file).href;
  page.on("pageerror", (e) => problems.errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") problems.errors.push(m.text());
  });
  page.on("dialog", (d) => {
    problems.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("request", (r) => {
    if (r.url() !== url) problems.requests.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, problems };
}
