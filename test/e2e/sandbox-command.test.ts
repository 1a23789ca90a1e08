/**
 * `outreach sandbox` as a foreground server: each request is logged (method, path, status, ms) and
 * Ctrl-C prints a tally and exits 0.
 */
import { afterEach, describe, expect, it } from "vitest";
import { killAllChildren, spawnCli } from "../support/cli.js";

afterEach(killAllChildren);

describe("outreach sandbox", () => {
  it("logs every request and prints a summary on Ctrl-C", async () => {
    const cli = spawnCli(["sandbox", "--port", "0", "--rate-limit", "off"]);
    const banner = await cli.waitForOutput(/export INBOX_API_URL=(\S+) INBOX_API_TOKEN=(\S+)/);
    const [, url, token] = /export INBOX_API_URL=(\S+) INBOX_API_TOKEN=(\S+)/.exec(banner)!;
    expect((await fetch(`${url}/team`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${url}/account-links`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
    await cli.waitForOutput(/GET +\/api\/v1\/account-links +401 +\d+\.\d ms/);
    expect(cli.stdout).toMatch(/\d\d:\d\d:\d\d\.\d{3} +GET +\/api\/v1\/team +200 +\d+\.\d ms/);

    cli.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sandbox stopped after \d+s: 2 requests \(GET 2\)/);
    expect(r.stdout).toMatch(/statuses +(200 1, 401 1|401 1, 200 1)/);
    expect(r.stdout).toContain("DMs sent 0 · replies 0 · 429s 0 · 5xx 0");
    // The sandbox's own token is printed on purpose (banner); nothing else about secrets.
    expect(r.stderr).toBe("");
  });
});
