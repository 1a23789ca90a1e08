/**
 * Lead lists and safety lists as users bring them, through the built CLI: the dry run states the
 * fix, and a live run against the sandbox sends exactly the right text to exactly the right ids —
 * checked from the sandbox's own record. Covers the kinds of shared/cases csv-excel-semicolon,
 * csv-windows-1252, csv-rounded-ids and csv-invisible-name with the project's own export corpus
 * (test/fixtures/exports/), plus suppression-file rules and terminal safety.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { apiEnv, killAllChildren, runCli } from "../support/cli.js";

const EXPORTS = resolve(import.meta.dirname, "../fixtures/exports");
const ACCOUNT = "acctinpute2e";

let sandbox: Sandbox | undefined;
let dir: string | undefined;
afterEach(async () => {
  await killAllChildren();
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sandbox = undefined;
  dir = undefined;
});

/** A campaign over `csv` (a corpus file, or text) with `leads` options and extra YAML lines. */
function campaign(csv: string, leads = "", extra: string[] = [], template = "Hi {{first_name}}, a question about {{company}}."): string {
  dir = mkdtempSync(join(tmpdir(), "outreach-input-"));
  if (csv.includes("\n")) writeFileSync(join(dir, "leads.csv"), csv);
  else copyFileSync(join(EXPORTS, csv), join(dir, "leads.csv"));
  writeFileSync(join(dir, "intro.hbs"), `${template}\n`);
  const yaml = [
    "name: Input e2e",
    `leads: { file: leads.csv, idColumn: x_user_id${leads} }`,
    `accounts: [${ACCOUNT}]`,
    "steps:",
    "  - { id: intro, template: intro.hbs }",
    "pacing: { timezone: UTC, days: Mon-Sun, hours: \"00:00-24:00\", perAccount: { perHour: 100000, perDay: 1000000, gap: 0s } }",
    "replies: { pollEvery: 1s, keepOpenFor: 1s }",
    ...extra,
  ];
  writeFileSync(join(dir, "campaign.yaml"), `${yaml.join("\n")}\n`);
  return join(dir, "campaign.yaml");
}

async function live(yamlPath: string, flags: string[] = []): Promise<Awaited<ReturnType<typeof runCli>>> {
  sandbox = await startSandbox({ accountLinks: [ACCOUNT], replyRate: 0, rateLimit: "off" });
  return runCli(["run", yamlPath, "--json", ...flags], { env: apiEnv(sandbox) });
}

/** What the sandbox received: "id: text", in send order. */
function sent(): string[] {
  return (sandbox?.messages() ?? []).filter((m) => m.direction === "outbound").map((m) => `${m.externalPlatformId}: ${m.content}`);
}

describe("lead files as exported", () => {
  it("Excel's semicolon CSV: the dry run says it detected \";\" and renders every lead; a live run sends them", async () => {
    const yamlPath = campaign("excel-csv-utf8-semicolon.csv");
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('leads.csv: read as UTF-8 (byte-order mark), ";"-separated (detected from the header line; set leads.delimiter to override)');
    expect(dry.stdout).toContain("Hi Jörg, a question about Müller & Söhne GmbH.");
    const run = await live(yamlPath);
    expect(run.code).toBe(0);
    expect(sent().sort()).toEqual([
      "1720000000000000101: Hi Jörg, a question about Müller & Söhne GmbH.",
      "1720000000000000102: Hi Françoise, a question about Crème, Brûlée; Co.",
      '1720000000000000103: Hi José, a question about Café "El Niño".',
      "1720000000000000104: Hi Zoë, a question about Northwind Test.",
    ]);
  });

  it("a Windows-1252 CSV: refused with line, byte and the fix (nothing sent); with leads.encoding the right letters are sent", async () => {
    const yamlPath = campaign("excel-csv-windows-1252.csv");
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain("leads.csv:2: byte 0xF6 at byte offset 60 is not valid UTF-8");
    expect(dry.stderr).toContain('Re-save it as "CSV UTF-8"');
    const refused = await live(yamlPath);
    expect(refused.code).toBe(1);
    expect(sent()).toEqual([]);
    await sandbox?.close();

    const fixed = campaign("excel-csv-windows-1252.csv", ", encoding: windows-1252");
    const run = await live(fixed);
    expect(run.code).toBe(0);
    expect(sent()).toContain('1720000000000000103: Hi José, a question about Café "El Niño".');
    expect(sent().join("\n")).not.toContain("\uFFFD");
  });

  it("ids a spreadsheet rounded: the dry run names the fix; a live run never sends to them", async () => {
    const yamlPath = campaign("excel-number-ids.csv");
    const dry = await runCli(["run", yamlPath, "--dry-run", "--allow-partial"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("format the id column as Text in the spreadsheet and export again");
    expect(dry.stdout).toContain("(line 3 has the same rounded id: two rows collapsed into one)");
    const run = await live(yamlPath, ["--allow-partial"]);
    expect(run.code).toBe(0);
    expect(sent()).toEqual(["1876543210987654321: Hi Priya, a question about Litware Test."]);
  });

  it("two different rows sharing an id a float64 printed: neither is sent, and both are reported", async () => {
    // JavaScript prints 1876543210987654321 and 1876543210987654399 both as 1876543210987654400.
    const yamlPath = campaign("x_user_id,first_name,company\n1876543210987654400,Ann,A\n1876543210987654400,Bo,B\n1720000000000000999,Cy,C\n");
    const run = await live(yamlPath, ["--allow-partial"]);
    expect(run.code).toBe(0);
    expect(sent()).toEqual(["1720000000000000999: Hi Cy, a question about C."]);
    const problems = run.events.flatMap((e) => (e.type === "leads.problem" ? [`${e.line} ${e.reason}`] : []));
    expect(problems.sort()).toEqual(["2 spreadsheet-id", "3 spreadsheet-id"]);
  });

  it("names made of invisible characters: blocked as empty, never sent as \"Hi ​,\"", async () => {
    const yamlPath = campaign("invisible-names.csv", "", [], "Hi {{first_name}}, a question about {{company}}.");
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain('"first_name" is empty for this lead; fill it in the CSV or give a fallback');
    const run = await live(yamlPath, ["--allow-partial", "--max-consecutive-failures", "10"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(sent()).toEqual(["1720000000000000207: Hi Ana, a question about Fourth Coffee."]);
  });
});

describe("the suppression file", () => {
  const LEADS = "x_user_id,first_name,company\n1720000000000000401,Ann,A\n1720000000000000402,Bo,B\n";

  it("a misspelt path is an error in the dry run and live, and nothing is sent", async () => {
    const yamlPath = campaign(LEADS, "", ["suppression: supression.txt"]);
    writeFileSync(join(dir!, "suppression.txt"), "1720000000000000401\n");
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain("supression.txt does not exist; nothing was sent");
    expect(dry.stderr).toContain("suppression: { file: …, create: true }");
    const run = await live(yamlPath);
    expect(run.code).toBe(1);
    expect(sent()).toEqual([]);
  });

  it("invalid lines are listed with their line numbers, in the dry run and live", async () => {
    const yamlPath = campaign(LEADS, "", ["suppression: dnc.txt"]);
    writeFileSync(join(dir!, "dnc.txt"), "# do not contact\n1720000000000000401\n@bo_handle\n");
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(1);
    expect(dry.stderr).toContain('dnc.txt:3: "@bo_handle" is not an X user id; use the numeric X user id, not the @handle');
    const run = await live(yamlPath);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("dnc.txt:3:");
    expect(sent()).toEqual([]);
  });

  it("{file, create: true} starts without a list, and the listed lead is skipped once it exists", async () => {
    const yamlPath = campaign(LEADS, "", ["suppression: { file: dnc.txt, create: true }"]);
    const dry = await runCli(["run", yamlPath, "--dry-run"]);
    expect(dry.code).toBe(0);
    writeFileSync(join(dir!, "dnc.txt"), "1720000000000000401  # asked\n");
    const run = await live(yamlPath);
    expect(run.code).toBe(0);
    expect(sent()).toEqual(["1720000000000000402: Hi Bo, a question about B."]);
  });
});

describe("terminal safety", () => {
  const HOSTILE = 'x_user_id,first_name,company\n1720000000000000501,"Eve\u001b[2J\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\","Acme\u202egnp.exe\u009b31m"\n';

  it("escape sequences in values are made visible in the dry-run text and --out, and kept exact in JSON", async () => {
    const yamlPath = campaign(HOSTILE);
    const out = join(dir!, "preview.txt");
    const dry = await runCli(["run", yamlPath, "--dry-run", "--out", out]);
    expect(dry.code).toBe(0);
    const shown = "Hi Eve\\x1b[2J\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\, a question about Acme\\u202egnp.exe\\x9b31m.";
    for (const text of [dry.stdout, readFileSync(out, "utf8")]) {
      expect(text).toContain(shown);
      expect(text).not.toMatch(/[\u001b\u009b\u202e]/);
    }
    const json = await runCli(["run", yamlPath, "--dry-run", "--format", "json"]);
    const item = JSON.parse(json.stdout.trim()) as { text: string };
    expect(item.text).toBe("Hi Eve\u001b[2J\u001b]8;;https://evil.example\u001b\\click\u001b]8;;\u001b\\, a question about Acme\u202egnp.exe\u009b31m.");
  });

  it("a value quoted in the live display's problem lines is made visible; --json keeps it exact", async () => {
    const yamlPath = campaign('x_user_id,first_name,company\n"@eve\u001b[2J\u001b[1Asent",Eve,A\n1720000000000000502,Bo,B\n');
    const run = await live(yamlPath, ["--allow-partial"]);
    const plain = await runCli(["run", yamlPath, "--allow-partial"], { env: apiEnv(sandbox!) });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('"@eve\\x1b[2J\\x1b[1Asent" is not an X user id');
    expect(plain.stdout + plain.stderr).not.toMatch(/[\u001b\u009b]/);
    const problem = run.events.find((e) => e.type === "leads.problem");
    expect(problem).toMatchObject({ message: expect.stringContaining('"@eve\u001b[2J\u001b[1Asent"') });
    expect(sent()).toEqual(["1720000000000000502: Hi Bo, a question about B."]);
  });
});
