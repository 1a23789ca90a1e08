/**
 * `outreach run <yaml> --dry-run` end to end: the built CLI on the shipped examples and on broken
 * inputs. INBOX_API_URL points at a live sandbox throughout, and the sandbox's inspection endpoint
 * proves the dry run never sent (nor even asked) anything.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { makeCampaign, type CampaignFixture } from "../support/campaign-fixture.js";
import { apiEnv, killAllChildren, REPO_ROOT, runCli, type CliResult } from "../support/cli.js";

const EXAMPLE = join(REPO_ROOT, "campaigns/example.yaml");
const WITH_ERRORS = join(REPO_ROOT, "campaigns/example-with-errors.yaml");
const ACCOUNTS = ["acct1dry"];

let sandbox: Sandbox;
let fixture: CampaignFixture | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ accountLinks: ["df6jbw4h36qm5d9iu2sgn7kx", "k3v9q2m8x7p1w5z4n6b0c2d4", ...ACCOUNTS], replyRate: 0 });
});

afterEach(async () => {
  await killAllChildren();
  fixture?.cleanup();
  fixture = undefined;
});

afterAll(async () => {
  await sandbox.close();
});

/** What the sandbox's inspection endpoint says was sent, and how many API requests it saw. */
async function sandboxRecord(): Promise<{ messages: unknown[]; requests: number }> {
  const headers = { Authorization: `Bearer ${sandbox.token}` };
  const messages = (await (await fetch(`${sandbox.origin}/_sandbox/messages`, { headers })).json()) as unknown[];
  const stats = (await (await fetch(`${sandbox.origin}/_sandbox/stats`, { headers })).json()) as { requests: number };
  return { messages, requests: stats.requests };
}

function dryRun(args: string[]): Promise<CliResult> {
  return runCli(["run", ...args, "--dry-run"], { env: apiEnv(sandbox) });
}

async function expectNothingSent(): Promise<void> {
  expect(await sandboxRecord()).toEqual({ messages: [], requests: 0 });
}

/** One clear error: exit 1, an `error` line naming `where`, no stack trace, no "bug" report. */
function expectCleanError(r: CliResult, where: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(/^error /m);
  expect(r.stderr).toMatch(where);
  expect(r.stderr).not.toMatch(/internal error|this is a bug/);
  expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe("dry run of the shipped examples", () => {
  it("example.yaml: previews every message and the schedule, exit 0, nothing sent", async () => {
    const r = await dryRun([EXAMPLE]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Dry run of "Founders intro \(example\)" — nothing was sent/);
    expect(r.stdout).toMatch(/rows read 30 · ready 30 · with template errors 0 · skipped 0/);
    expect(r.stdout).toMatch(/── intro → \d+ \(line 2\)/);
    expect(r.stdout).toMatch(/── thank-you \(on reply\) → \d+/);
    expect(r.stdout).toMatch(/Projected schedule/);
    expect(r.stdout).not.toMatch(/\{\{|\}\}/);
    await expectNothingSent();
  });

  it("example-with-errors.yaml: names every bad row and the template problem, exit 1, nothing sent", async () => {
    const r = await dryRun([WITH_ERRORS]);
    expect(r.code).toBe(1);
    for (const reason of ["missing-id", "malformed-id", "duplicate", "ragged-row", "bad-timezone", "suppressed"]) {
      expect(r.stdout).toMatch(new RegExp(`skipped ${reason} ×1\\n\\s+campaigns/leads/example-with-errors\\.csv:\\d+: \\S`));
    }
    expect(r.stdout).toMatch(/template intro: \{\{company\}\} .*intro\.hbs:\d+:\d+: "company" is empty/);
    expect(r.stderr).toMatch(/error 6 leads cannot be sent as they are \(see above\); nothing was sent/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    await expectNothingSent();

    // --allow-partial accepts the same campaign.
    const partial = await dryRun([WITH_ERRORS, "--allow-partial"]);
    expect(partial.code).toBe(0);
    await expectNothingSent();
  });

  it("--format json prints one parseable line per lead × message step; the summary goes to stderr", async () => {
    const r = await dryRun([EXAMPLE, "--format", "json"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { leadId: string; step: string; ok: boolean; text?: string });
    expect(lines).toHaveLength(30 * 3); // intro, nudge and the thank-you (it has a template)
    expect(new Set(lines.map((l) => `${l.leadId}:${l.step}`)).size).toBe(90);
    expect(lines.every((l) => l.ok && typeof l.text === "string" && l.text.length > 0)).toBe(true);
    expect(r.stderr).toMatch(/nothing was sent/);

    const broken = await dryRun([WITH_ERRORS, "--format", "json"]);
    expect(broken.code).toBe(1);
    const items = broken.stdout.trim().split("\n").map((l) => JSON.parse(l) as { ok: boolean; errors?: unknown[]; line: number });
    expect(items).toHaveLength(5 * 3); // 5 leads pass the row checks
    expect(items.filter((i) => !i.ok)).toMatchObject([{ ok: false, errors: [expect.objectContaining({ variable: "company" })] }]);
    await expectNothingSent();
  });

  it("--out writes the full preview (every lead × step) while the terminal shows a few", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 12, replyStep: {} });
    const out = join(fixture.dir, "preview.txt");
    const r = await dryRun([fixture.yamlPath, "--out", out, "--preview", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const file = readFileSync(out, "utf8");
    for (const id of fixture.leadIds) {
      for (const step of ["intro", "follow-up-1", "thank-you"]) expect(file).toContain(`── ${step}${step === "thank-you" ? " (on reply)" : ""} → ${id} `);
    }
    expect(file.match(/^── /gm)).toHaveLength(36);
    expect(r.stdout.match(/^── /gm)).toHaveLength(2 * 3);
    expect(r.stdout).toContain(`full preview written to ${out}`);

    const jsonOut = join(fixture.dir, "preview.jsonl");
    const j = await dryRun([fixture.yamlPath, "--out", jsonOut, "--format", "json"]);
    expect(j.code).toBe(0);
    expect(readFileSync(jsonOut, "utf8").trim().split("\n").map((l) => JSON.parse(l))).toHaveLength(36);
    expect(j.stdout).toMatch(/nothing was sent/);
    await expectNothingSent();
  });
});

describe("dry run output arrives byte for byte", () => {
  it("multi-byte text across chunk boundaries, to a file and through stdout, and a message longer than a chunk", async () => {
    // 64 KB output chunks are filled with UTF-8 bytes line by line: a "—" or an emoji must never be split.
    const leads = Array.from({ length: 600 }, (_, i) => ({ id: String(4_100_000_000_000_000_001n + BigInt(i)), first_name: `Zoë${i}`, company: `Ünïcode — 🚀 ${i}` }));
    const long = "x\n".repeat(4_900); // 9,800 characters: a valid DM; indented for people it outgrows a 64 KB chunk
    fixture = makeCampaign({ accounts: ACCOUNTS, leads, templates: { intro: "Hi {{first_name}} — {{company}} 🎉", "follow-up-1": `{{first_name}}\n${long}` } });
    const expected = (i: number): string[] => [`[intro] Hi Zoë${i} — Ünïcode — 🚀 ${i} 🎉`, `[follow-up-1] Zoë${i}\n${long}`.trim()];
    const check = (jsonl: string): void => {
      const items = jsonl.trim().split("\n").map((l) => JSON.parse(l) as { leadId: string; step: string; text: string });
      expect(items).toHaveLength(1_200);
      leads.forEach((lead, i) => {
        const mine = items.filter((it) => it.leadId === lead.id);
        expect(mine.map((it) => it.text)).toEqual(expected(i));
      });
    };
    const jsonOut = join(fixture.dir, "preview.jsonl");
    const toFile = await dryRun([fixture.yamlPath, "--out", jsonOut, "--format", "json"]);
    expect(toFile.code, toFile.stderr).toBe(0);
    check(readFileSync(jsonOut, "utf8"));
    const toStdout = await dryRun([fixture.yamlPath, "--format", "json"]);
    expect(toStdout.code, toStdout.stderr).toBe(0);
    check(toStdout.stdout);

    const textOut = join(fixture.dir, "preview.txt");
    const text = await dryRun([fixture.yamlPath, "--out", textOut]);
    expect(text.code, text.stderr).toBe(0);
    const file = readFileSync(textOut, "utf8");
    expect(file.match(/^── /gm)).toHaveLength(1_200);
    expect(file).toContain(`── follow-up-1 → ${leads[599]!.id} (line 601)\n   [follow-up-1] Zoë599\n${"   x\n".repeat(4_900)}`);
    expect(file).toContain("   [intro] Hi Zoë599 — Ünïcode — 🚀 599 🎉\n");
    await expectNothingSent();
  }, 120_000); // three dry runs of 600 leads: ~7 s on a quiet machine
});

describe("dry run: bad input gets one clear message, exit 1, nothing sent", () => {
  it("a missing campaign file", async () => {
    const r = await dryRun([join(REPO_ROOT, "campaigns/does-not-exist.yaml")]);
    expectCleanError(r, /does-not-exist\.yaml/);
    await expectNothingSent();
  });

  it("malformed YAML", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 2 });
    const yaml = readFileSync(fixture.yamlPath, "utf8").replace(/^name: .*$/m, 'name: [unclosed "list');
    writeFileSync(fixture.yamlPath, yaml);
    const r = await dryRun([fixture.yamlPath]);
    expectCleanError(r, /campaign\.yaml:\d+:\d+: invalid YAML/);
    await expectNothingSent();
  });

  it("a CSV that cannot be parsed", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 3 });
    writeFileSync(fixture.leadsPath, 'x_user_id,first_name,company\n4100000000000000001,Ada,Acme\n4100000000000000002,"Grace,Globex\n4100000000000000003,Alan,Initech\n');
    const r = await dryRun([fixture.yamlPath]);
    expectCleanError(r, /leads\.csv:3/);
    await expectNothingSent();
  });

  it("a template with a syntax error", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 2, templates: { "follow-up-1": "Hi {{#if company}}{{company}}, following up." } });
    const r = await dryRun([fixture.yamlPath]);
    expectCleanError(r, /follow-up-1\.hbs:\d+(:\d+)?/);
    await expectNothingSent();
  });

  it("an unknown time zone", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 2, timezone: "Mars/Olympus_Mons" });
    const r = await dryRun([fixture.yamlPath]);
    expectCleanError(r, /campaign\.yaml:\d+:\d+ pacing\.timezone.*Mars\/Olympus_Mons/);
    await expectNothingSent();
  });
});
