/**
 * The preview's flags say what they do: `--dry-run --json` is `--format json`, `--out` picks the
 * format from the extension (an unknown one is a usage error, nothing written), and the dry
 * run of a started campaign previews what remains (`--from-scratch` for every lead).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acct1words"];
const { setUp } = useSandboxCampaign(ACCOUNTS);

function jsonLines(text: string): { leadId: string; step: string; ok: boolean }[] {
  return text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { leadId: string; step: string; ok: boolean });
}

describe("outreach run --dry-run: flags in words", () => {
  it("--json is --format json; --out picks the format by extension; an unknown extension is a usage error", async () => {
    const { fixture } = await setUp(3, {}, { followUps: 0 });
    const json = await runCli(["run", fixture.yamlPath, "--dry-run", "--json"]);
    expect(json.code).toBe(0);
    expect(jsonLines(json.stdout)).toHaveLength(3);

    const out = join(fixture.dir, "preview.json");
    const file = await runCli(["run", fixture.yamlPath, "--dry-run", "--out", out]);
    expect(file.code).toBe(0);
    expect(jsonLines(readFileSync(out, "utf8"))).toHaveLength(3);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    // The HTML page holds every lead's name and message: owner-only, whatever the umask.
    const html = join(fixture.dir, "preview.html");
    expect((await runCli(["run", fixture.yamlPath, "--dry-run", "--out", html])).code).toBe(0);
    expect(readFileSync(html, "utf8")).toMatch(/^<!doctype html>/i);
    expect(statSync(html).mode & 0o777).toBe(0o600);

    const pdf = join(fixture.dir, "preview.pdf");
    const page = await runCli(["run", fixture.yamlPath, "--dry-run", "--out", pdf]);
    expect(page.code).toBe(1);
    expect(page.stderr).toContain('unknown preview format ".pdf"');
    expect(existsSync(pdf)).toBe(false);
  }, 60_000);

  it("a started campaign previews what remains; --from-scratch previews every lead", async () => {
    const { fixture, env } = await setUp(4, {}, { followUpAfter: "1h" });
    const sent = await runCli(["run", fixture.yamlPath, "--limit", "2", "--json"], { env });
    expect(sent.code).toBe(0);
    const contacted = sent.events.filter((e) => e.type === "lead.sent").map((e) => (e as { leadId: string }).leadId);
    expect(contacted).toHaveLength(2);

    const remaining = await runCli(["run", fixture.yamlPath, "--dry-run", "--format", "json"]);
    expect(remaining.code).toBe(0);
    const items = jsonLines(remaining.stdout);
    expect(items.filter((i) => i.step === "intro").map((i) => i.leadId).sort()).toEqual(fixture.leadIds.filter((id) => !contacted.includes(id)).sort());
    expect(items.filter((i) => i.step === "follow-up-1")).toHaveLength(4);
    expect(remaining.stderr).toContain("previewing what remains — 2 leads not contacted yet, 2 waiting for a follow-up");

    const all = await runCli(["run", fixture.yamlPath, "--dry-run", "--format", "json", "--from-scratch"]);
    expect(jsonLines(all.stdout).filter((i) => i.step === "intro")).toHaveLength(4);
  }, 60_000);
});
