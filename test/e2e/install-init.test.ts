/**
 * The README's install step, then a fresh folder: `npm install -g <clone>` into a throwaway prefix
 * (offline: a local folder installs as a link, no registry involved), then `outreach init demo && cd
 * demo && outreach run campaign.yaml --sandbox` with only that prefix's bin on PATH — no npx, so no
 * registry lookup for an unrelated `outreach` package. Slow (npm itself takes 10–40 s on a busy
 * 2-core machine), which is why this is one test that walks the whole first-use path.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "outreach-install-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("install once, use from any folder", () => {
  it("npm install -g, then outreach init demo && cd demo && outreach run campaign.yaml --sandbox", async () => {
    const prefix = join(dir, "prefix");
    await run("npm", ["install", "-g", REPO_ROOT, "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
      env: { PATH: process.env.PATH ?? "", HOME: dir, npm_config_cache: join(dir, "npm-cache") },
      timeout: 180_000,
    });
    const bin = join(prefix, "bin");
    expect(existsSync(join(bin, "outreach"))).toBe(true);
    // Only node and the installed binary on PATH: no npm, no npx.
    const env = { PATH: [bin, dirname(process.execPath)].join(delimiter), HOME: dir, NO_COLOR: "1" };
    const work = join(dir, "work");
    await run("mkdir", ["-p", work]);

    const init = await run("outreach", ["init", "demo"], { cwd: work, env });
    expect(init.stdout).toContain("cd demo && outreach run campaign.yaml --sandbox");
    const demo = join(work, "demo");
    // The lead list and the suppression file will hold people's data: owner-only, like the state.
    for (const f of ["leads.csv", "suppression.txt"]) expect(statSync(join(demo, f)).mode & 0o777).toBe(0o600);
    const yaml = readFileSync(join(demo, "campaign.yaml"), "utf8");
    // The schema line points at the installed package's schema, which exists outside the clone's layout too.
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(yaml)?.[1];
    expect(schema && existsSync(schema)).toBe(true);

    const rehearsal = await run("outreach", ["run", "campaign.yaml", "--sandbox", "--seed", "init"], { cwd: demo, env, timeout: 60_000 });
    expect(rehearsal.stdout).toContain("Rehearsal funnel");
    expect(rehearsal.stdout).toMatch(/intro +sent +5/);
    expect(rehearsal.stdout).toContain("Preview with: outreach run campaign.yaml --dry-run");

    const preview = await run("outreach", ["run", "campaign.yaml", "--dry-run"], { cwd: demo, env });
    expect(preview.stdout).toContain("rows read 5 · ready 5 · with template errors 0 · skipped 0");

    // A second init into the same folder refuses to overwrite anything.
    const again = await run("outreach", ["init", "demo"], { cwd: work, env }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already has campaign.yaml");
  }, 240_000);
});
