/**
 * The export corpus (test/fixtures/exports/, made by its make.sh): CSVs byte for byte as Excel,
 * Google Sheets, Numbers, LibreOffice and others save them. Each case reads one file as a campaign
 * would, renders the intro for every lead and asserts the exact messages, row problems and format
 * line — or the exact error when the file cannot be read as configured.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { UserError, formatProblem } from "../../../src/errors.js";
import { describeFormat, type CsvFormat } from "../../../src/leads/csv-source.js";
import { readLeads } from "../../../src/leads/read-leads.js";
import { createRenderer, type Renderer } from "../../../src/render/renderer.js";

const EXPORTS = resolve(import.meta.dirname, "../../fixtures/exports");

let dir: string;
let renderer: Renderer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "exports-"));
  const template = join(dir, "intro.hbs");
  await writeFile(template, "Hi {{first_name}}, a question about {{company}}.\n");
  renderer = await createRenderer({ name: "T", sequence: [{ kind: "sequence", id: "intro", template, afterMs: 0, index: 0 }], replySteps: [] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  format: string;
  /** "id: rendered intro", or "id: ✗ problem" when it does not render. */
  messages: string[];
  /** Row problems as "line: message". */
  problems: string[];
}

async function readExport(file: string, leads: Partial<Campaign["leads"]>): Promise<Outcome> {
  let format: CsvFormat | undefined;
  const outcome: Outcome = { format: "", messages: [], problems: [] };
  const source = { leads: { file: join(EXPORTS, file), idColumn: "x_user_id", ...leads } };
  for await (const rec of readLeads(source, { suppressed: new Set(), onFormat: (f) => (format = f) })) {
    if (rec.kind === "problem") {
      outcome.problems.push(`${rec.problem.line}: ${rec.problem.message}`);
      continue;
    }
    const r = renderer.render("intro", rec.lead);
    outcome.messages.push(`${rec.lead.id}: ${r.ok ? r.text : `✗ ${r.errors.map((e) => e.message.replace(/^.*intro\.hbs:/, "")).join("; ")}`}`);
  }
  outcome.format = format ? describeFormat(format) : "";
  return outcome;
}

/** What every faithful reading of the four-lead corpus file renders. */
const FOUR_LEADS = [
  "1720000000000000101: Hi Jörg, a question about Müller & Söhne GmbH.",
  "1720000000000000102: Hi Françoise, a question about Crème, Brûlée; Co.",
  '1720000000000000103: Hi José, a question about Café "El Niño".',
  "1720000000000000104: Hi Zoë, a question about Northwind Test.",
];

const DETECTED = "detected from the header line; set leads.delimiter to override";

describe("the export corpus: each file read as its program wrote it", () => {
  it.each([
    ["Excel CSV UTF-8, German locale", "excel-csv-utf8-semicolon.csv", {}, `UTF-8 (byte-order mark), ";"-separated (${DETECTED})`],
    ["Excel CSV, Windows-1252 named in the campaign", "excel-csv-windows-1252.csv", { encoding: "windows-1252" }, `windows-1252 (leads.encoding), ","-separated (${DETECTED})`],
    ["Excel Unicode Text (UTF-16 LE, tabs)", "excel-unicode-text.txt", {}, `UTF-16 LE (byte-order mark), tab-separated (${DETECTED})`],
    ["Excel for Mac CSV (Mac OS Roman, CR line ends)", "excel-mac-csv-macroman.csv", { encoding: "macintosh" }, `macintosh (leads.encoding), ","-separated (${DETECTED})`],
    ["Google Sheets", "google-sheets.csv", {}, `UTF-8, ","-separated (${DETECTED})`],
    ["Numbers, decimal-comma locale", "numbers-semicolon.csv", {}, `UTF-8, ";"-separated (${DETECTED})`],
    ["Numbers with the delimiter set", "numbers-semicolon.csv", { delimiter: ";" }, 'UTF-8, ";"-separated (leads.delimiter)'],
    ["LibreOffice, all text quoted", "libreoffice-quoted.csv", {}, `UTF-8, ","-separated (${DETECTED})`],
    ["UTF-16 BE with BOM", "utf16be-bom.csv", {}, `UTF-16 BE (byte-order mark), ","-separated (${DETECTED})`],
    ["CRM export with pipes", "crm-pipe.csv", {}, `UTF-8, "|"-separated (${DETECTED})`],
  ])("%s", async (_name, file, leads, format) => {
    expect(await readExport(file, leads)).toEqual({ format, messages: FOUR_LEADS, problems: [] });
  });

  it("blocks every id a spreadsheet turned into a number, with the fix; a genuine id still goes", async () => {
    const fix = "format the id column as Text in the spreadsheet and export again (or copy the ids from the source)";
    expect(await readExport("excel-number-ids.csv", {})).toEqual({
      format: `UTF-8, ","-separated (${DETECTED})`,
      messages: ["1876543210987654321: Hi Priya, a question about Litware Test."],
      problems: [
        `2: "1.87654E+18" is an id a spreadsheet wrote in scientific notation; its last digits are lost; ${fix}`,
        `3: 1876543210987650000 has only 15 significant digits followed by zeros: a spreadsheet rounded it, so it is probably someone else's id; ${fix}`,
        `4: 1876543210987650000 has only 15 significant digits followed by zeros: a spreadsheet rounded it, so it is probably someone else's id (line 3 has the same rounded id: two rows collapsed into one); ${fix}`,
        "6: row has 6 cells but the header has 3; quote values that contain the delimiter, or add the missing cells",
      ],
    });
  });

  it("counts a name made only of invisible characters as empty, and trims them from a real one", async () => {
    const empty = (id: string): string =>
      `${id}: ✗ 1:4: "first_name" is empty for this lead; fill it in the CSV or give a fallback: {{default first_name "…"}}`;
    const outcome = await readExport("invisible-names.csv", {});
    expect(outcome.messages).toEqual([
      ...["201", "202", "203", "204", "205", "206"].map((n) => empty(`1720000000000000${n}`)),
      "1720000000000000207: Hi Ana, a question about Fourth Coffee.",
    ]);
  });

  it("reports abbreviations and offsets in the lead time-zone column per row, with the IANA name to use", async () => {
    const outcome = await readExport("lead-zones.csv", { timezoneColumn: "timezone" });
    const tail = "; fix it or leave the cell empty to use the campaign's zone";
    const abbreviation = (zone: string, iana: string): string =>
      `"${zone}" is a time-zone abbreviation, not an IANA zone: it does not follow daylight saving the way the place does, so windows would be an hour off part of the year; use "${iana}"${tail}`;
    expect(outcome.problems).toEqual([
      `2: ${abbreviation("EST", "America/New_York")}`,
      `3: ${abbreviation("PST", "America/Los_Angeles")}`,
      `4: "+05:00" is a fixed offset, which does not follow daylight saving; use the place's IANA zone, e.g. "Asia/Karachi" or "Asia/Tashkent"${tail}`,
    ]);
    expect(outcome.messages.map((m) => m.slice(0, 19))).toEqual(["1720000000000000304", "1720000000000000305"]);
  });
});

describe("the export corpus: files that cannot be read as configured", () => {
  async function failure(file: string, leads: Partial<Campaign["leads"]>): Promise<string[]> {
    const error = await readExport(file, leads).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    const { message, details } = error as UserError;
    const relative = (text: string): string => text.replaceAll(`${EXPORTS}/`, "");
    return [relative(message), ...(details.problems ?? []).map((p) => relative(formatProblem(p))), `→ ${details.hint}`];
  }

  const notUtf8 = (line: number, byte: string, offset: number): string[] => [
    "the leads file is not UTF-8; nothing was sent",
    `excel-csv-windows-1252.csv:${line}: byte ${byte} at byte offset ${offset} is not valid UTF-8; the file is probably in a legacy encoding such as Windows-1252 (what Excel's plain "CSV" uses on Windows)`,
    '→ Re-save it as "CSV UTF-8" (Excel: File → Save As → CSV UTF-8 (Comma delimited); Numbers and Google Sheets export UTF-8 already), or name its encoding in the campaign: leads: { encoding: windows-1252 }.',
  ];

  it("Windows-1252 read as UTF-8: the first bad byte's line and offset, and how to fix it", async () => {
    // Line 2 is "1720000000000000101,J\xF6rg,…": the header is 39 bytes with its CRLF, then 21 more (offsets count from 0).
    expect(await failure("excel-csv-windows-1252.csv", {})).toEqual(notUtf8(2, "0xF6", 60));
  });

  it("a legacy byte deep in an otherwise UTF-8 file is found on its own line", async () => {
    const lines = await failure("mixed-encoding.csv", {});
    expect(lines[1]).toBe(
      'mixed-encoding.csv:4: byte 0xE9 at byte offset 190 is not valid UTF-8; the file is probably in a legacy encoding such as Windows-1252 (what Excel\'s plain "CSV" uses on Windows)',
    );
  });

  it("a header split with the wrong delimiter names leads.delimiter instead of a missing column", async () => {
    expect(await failure("numbers-semicolon.csv", { delimiter: "," })).toEqual([
      'numbers-semicolon.csv:1 leads.delimiter: the header cell "x_user_id;first_name;company;timezone" contains ";", so the file looks ";"-separated but leads.delimiter is ","; set leads.delimiter: ";" in the campaign',
      'numbers-semicolon.csv:1 leads.delimiter: the header cell "x_user_id;first_name;company;timezone" contains ";", so the file looks ";"-separated but leads.delimiter is ","; set leads.delimiter: ";" in the campaign',
      "→ Set leads.delimiter to the file's separator (or remove it to let outreach detect it from the header line).",
    ]);
  });

  it("the same when the rows parse: the header cell, not a missing column, is the message", async () => {
    const lines = await failure("lead-zones.csv", { delimiter: ";" });
    expect(lines[1]).toBe(
      'lead-zones.csv:1 leads.delimiter: the header cell "x_user_id,first_name,timezone" contains ",", so the file looks ","-separated but leads.delimiter is ";"; set leads.delimiter: "," in the campaign',
    );
  });
});
