import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { UserError, formatProblem } from "../../../src/errors.js";
import { readLeads, summarizeProblems } from "../../../src/leads/read-leads.js";
import type { LeadRecord } from "../../../src/leads/types.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "read-leads-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let fileCount = 0;
async function read(
  csv: string,
  leads: Partial<Campaign["leads"]> = {},
  suppressed: string[] = [],
  fromPosition?: number,
  compact = false,
): Promise<LeadRecord[]> {
  const file = join(dir, `leads-${fileCount++}.csv`);
  await writeFile(file, csv);
  const records: LeadRecord[] = [];
  const options = { suppressed: new Set(suppressed), compact, ...(fromPosition === undefined ? {} : { fromPosition }) };
  for await (const r of readLeads({ leads: { file, delimiter: ",", idColumn: "id", ...leads } }, options)) records.push(r);
  return records;
}

/** Compact view: "lead 12@2" / "duplicate 12@5" (id or reason, then the line). */
function brief(records: LeadRecord[]): string[] {
  return records.map((r) => (r.kind === "lead" ? `lead ${r.lead.id}@${r.lead.line}` : `${r.problem.reason} ${r.problem.id ?? "-"}@${r.problem.line}`));
}

describe("readLeads: CSV dialects", () => {
  it.each([
    ["plain LF", "id,name\n1,Ann\n2,Bo\n", ["lead 1@2", "lead 2@3"]],
    ["BOM", "\uFEFFid,name\n1,Ann\n", ["lead 1@2"]],
    ["CRLF", "id,name\r\n1,Ann\r\n2,Bo\r\n", ["lead 1@2", "lead 2@3"]],
    ["no trailing newline", "id,name\n1,Ann", ["lead 1@2"]],
    ["blank lines are not rows", "id,name\n\n1,Ann\n   \n2,Bo\n\n", ["lead 1@3", "lead 2@5"]],
    ["quoted comma", 'id,name\n1,"Doe, Jane"\n2,Bo\n', ["lead 1@2", "lead 2@3"]],
    ["multi-line quoted value (LF)", 'id,name\n1,"two\nlines"\n2,Bo\n', ["lead 1@2", "lead 2@4"]],
    ["multi-line quoted value (CRLF)", 'id,name\r\n1,"two\r\nlines\r\nthree"\r\n2,Bo\r\n3,Cy\r\n', ["lead 1@2", "lead 2@5", "lead 3@6"]],
    ["mixed line endings", "id,name\r\n1,Ann\n2,Bo\r3,Cy\n", ["lead 1@2", "lead 2@3", "lead 3@4"]],
    ["escaped quotes", 'id,name\n1,"Jane ""JJ"" Doe"\n', ["lead 1@2"]],
  ])("%s", async (_name, csv, expected) => {
    expect(brief(await read(csv))).toEqual(expected);
  });

  it("keeps values trimmed, quoted commas, newlines and escaped quotes in fields", async () => {
    const [first, second] = await read('id , name ,note\n 1 ,"Doe, Jane","a ""b""\nc"\n2,Bo,\n');
    expect(first).toEqual({ kind: "lead", lead: { id: "1", position: 1, line: 2, fields: { id: "1", name: "Doe, Jane", note: 'a "b"\nc' } } });
    expect(second).toMatchObject({ kind: "lead", lead: { position: 2, line: 4, fields: { note: "" } } });
  });

  it("uses the configured delimiter", async () => {
    const records = await read('id;name\n1;"a;b"\n', { delimiter: ";" });
    expect(records).toMatchObject([{ kind: "lead", lead: { fields: { name: "a;b" } } }]);
  });

  it.each([
    ["empty file", ""],
    ["header only", "id,name\n"],
    ["header only, no newline", "id,name"],
  ])("%s yields nothing", async (_name, csv) => {
    expect(await read(csv)).toEqual([]);
  });
});

describe("readLeads: row problems", () => {
  it.each([
    ["ragged (short)", "id,name\n1\n2,Bo\n", ["ragged-row 1@2", "lead 2@3"]],
    ["ragged (long)", "id,name\n1,Ann,extra\n", ["ragged-row 1@2"]],
    ["missing id", "id,name\n,Ann\n", ["missing-id -@2"]],
    ["@handle as id", "id,name\n@ann,Ann\n", ["malformed-id @ann@2"]],
    ["too many digits", "id,name\n123456789012345678901,Ann\n", ["malformed-id 123456789012345678901@2"]],
    ["20 digits is fine", "id,name\n12345678901234567890,Ann\n", ["lead 12345678901234567890@2"]],
    ["duplicate keeps the first", "id,name\n1,Ann\n2,Bo\n1,Ann again\n", ["lead 1@2", "lead 2@3", "duplicate 1@4"]],
    ["a problem row does not stop later rows", "id,name\nx,Ann\n2,Bo\n", ["malformed-id x@2", "lead 2@3"]],
  ])("%s", async (_name, csv, expected) => {
    expect(brief(await read(csv))).toEqual(expected);
  });

  it("a duplicate's message names the first row's line", async () => {
    const records = await read("id\n7\n8\n7\n");
    expect(records[2]).toMatchObject({ kind: "problem", problem: { reason: "duplicate", line: 4, position: 3, id: "7" } });
    expect(records[2]?.kind === "problem" && records[2].problem.message).toContain("line 2");
  });

  it("skips and reports suppressed ids", async () => {
    expect(brief(await read("id\n1\n2\n", {}, ["2"]))).toEqual(["lead 1@2", "suppressed 2@3"]);
  });

  it("checks per-lead time zones only when the column is configured", async () => {
    const csv = "id,tz\n1,Europe/Berlin\n2,\n3,Mars/Olympus\n4,+05:00\n";
    expect(brief(await read(csv, { timezoneColumn: "tz" }))).toEqual(["lead 1@2", "lead 2@3", "bad-timezone 3@4", "bad-timezone 4@5"]);
    expect(brief(await read(csv))).toEqual(["lead 1@2", "lead 2@3", "lead 3@4", "lead 4@5"]);
  });

  it("a username written as @handle is kept without its @ (displays add their own)", async () => {
    const records = await read("id,user\n1,@janedoe\n2,@\n", { usernameColumn: "user" });
    expect(records[0]).toMatchObject({ lead: { username: "janedoe" } });
    expect(records[1]?.kind === "lead" && records[1].lead).not.toHaveProperty("username");
  });

  it("a row of delimiters or whitespace only is a blank row, skipped like an empty line, not an empty id", async () => {
    const records = await read("id,name,company\n1,Ann,Acme\n,,\n , ,\n2,Bo,Beta\n");
    expect(brief(records)).toEqual(["lead 1@2", "lead 2@5"]);
  });

  it("sets username and timezone from their columns when non-empty", async () => {
    const records = await read("id,user,tz\n1,ann,Asia/Singapore\n2,,\n", { usernameColumn: "user", timezoneColumn: "tz" });
    expect(records[0]).toMatchObject({ lead: { username: "ann", timezone: "Asia/Singapore" } });
    expect(records[1]?.kind === "lead" && records[1].lead).not.toHaveProperty("username");
    expect(records[1]?.kind === "lead" && records[1].lead).not.toHaveProperty("timezone");
  });

  it("fromPosition yields only later rows but still sees earlier ids", async () => {
    expect(brief(await read("id\n1\n2\n1\n3\n", {}, [], 3))).toEqual(["duplicate 1@4", "lead 3@5"]);
  });

  it("summarizes problems by reason with their lines", async () => {
    const records = await read("id,name\n1,a\n1,b\n@x,c\n1,d\n,e\n5\n", {}, []);
    const problems = records.flatMap((r) => (r.kind === "problem" ? [r.problem] : []));
    expect(summarizeProblems(problems).map((g) => g.text)).toEqual([
      "1 row with the wrong number of cells (line 7): not messaged",
      "1 row without an id (line 6): not messaged",
      "1 row whose id is not an X user id (line 4): not messaged",
      "2 duplicate ids (lines 3, 5): only the first row of each is used",
    ]);
    expect(summarizeProblems(problems, 1)[3]).toMatchObject({ count: 2, lines: [3], text: expect.stringContaining("lines 3 and 1 more") });
  });
});

describe("readLeads: file-level errors", () => {
  async function failure(csv: string, leads: Partial<Campaign["leads"]> = {}): Promise<UserError> {
    const error = await read(csv, leads).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }

  it("names the missing id column, the columns that exist and a guess", async () => {
    const error = await failure("x_userid,name\n1,Ann\n", { idColumn: "x_user_id" });
    expect(error.message).toMatch(/leads-\d+\.csv:1 leads\.idColumn: column "x_user_id" is not in the header/);
    expect(error.message).toContain('the columns are "x_userid", "name"');
    expect(error.message).toContain('Did you mean "x_userid"?');
    expect(error.details.problems?.[0]).toMatchObject({ line: 1, path: "leads.idColumn" });
  });

  it("reports a missing username or timezone column too, without a guess when nothing is close", async () => {
    const error = await failure("id,name\n1,Ann\n", { usernameColumn: "handle", timezoneColumn: "tz" });
    expect(error.details.problems?.map((p) => p.path)).toEqual(["leads.usernameColumn", "leads.timezoneColumn"]);
    expect(error.message).not.toContain("Did you mean");
  });

  it("rejects a header that names one column twice", async () => {
    expect((await failure("id,name,name\n1,a,b\n")).message).toContain('column "name" appears more than once');
  });

  it.each([
    ["unclosed quote", 'id,name\n1,Ann\n2,"Bo\n3,Cy\n', 3],
    ["quote inside an unquoted value", 'id,name\n1,Ann\n2,B"o"\n', 3],
    ["text after a closing quote", 'id,name\n1,"Ann"x\n', 2],
    ["after a multi-line CRLF value and a blank line", 'id,name\r\n1,"a\r\nb"\r\n\r\n2,B"o"\r\n', 5],
  ])("%s is a UserError with file:line", async (_name, csv, line) => {
    const error = await failure(csv);
    // What the user reads: main.ts prints each problem as file:line: message.
    expect(error.details.problems?.map(formatProblem).join("\n")).toMatch(new RegExp(`leads-\\d+\\.csv:${line}: CSV syntax error`));
    expect(error.details.problems?.[0]?.line).toBe(line);
  });

  it("a missing file is a UserError", async () => {
    const records = readLeads({ leads: { file: join(dir, "nope.csv"), delimiter: ",", idColumn: "id" } }, { suppressed: new Set() });
    await expect(records.next()).rejects.toThrow(/nope\.csv does not exist/);
  });

  it("a directory is a UserError", async () => {
    const records = readLeads({ leads: { file: dir, delimiter: ",", idColumn: "id" } }, { suppressed: new Set() });
    await expect(records.next()).rejects.toThrow(/is a directory/);
  });
});

describe("readLeads: a lead's fields", () => {
  it("are own keys only: a __proto__, constructor or toString column is an ordinary column, and nothing is inherited", async () => {
    const records = await read("id,__proto__,constructor,toString,name\n1,a,b,c,Ann\n2,d,e,f,Bo\n");
    const [first, second] = records.map((r) => (r.kind === "lead" ? r.lead.fields : undefined));
    expect(Object.entries(first!)).toEqual([["id", "1"], ["__proto__", "a"], ["constructor", "b"], ["toString", "c"], ["name", "Ann"]]);
    expect(Object.keys(second!)).toEqual(["id", "__proto__", "constructor", "toString", "name"]);
    expect(Object.getOwnPropertyDescriptor(second, "__proto__")?.value).toBe("d");
    expect((first as Record<string, unknown>).hasOwnProperty).toBeUndefined();
    expect("valueOf" in first!).toBe(false);
  });
});

describe("readLeads: compact leads (a live run keeps every lead)", () => {
  const csv =
    "id,username,__proto__,name,note,tz\n" +
    '1000000000000000001,@ann_x,a,Ann,"Doe, ""JJ""\nsecond line",Europe/Berlin\n' +
    "1000000000000000002,,b,Bø 👋,\u2028 \\ \u0000,\n" +
    "1000000000000000003,@@cy,c,Cy,,Europe/Berlin\n";

  it("read the same fields, username, zone, line and position as plain leads", async () => {
    const columns = { usernameColumn: "username", timezoneColumn: "tz" };
    const plain = await read(csv, columns);
    const compact = await read(csv, columns, [], undefined, true);
    expect(compact).toHaveLength(3);
    compact.forEach((record, i) => {
      const a = plain[i]!;
      if (record.kind !== "lead" || a.kind !== "lead") throw new Error("expected leads");
      const { lead } = record;
      expect(lead).not.toBe(a.lead);
      expect({ id: lead.id, line: lead.line, position: lead.position, username: lead.username, timezone: lead.timezone }).toEqual({
        id: a.lead.id,
        line: a.lead.line,
        position: a.lead.position,
        username: a.lead.username,
        timezone: a.lead.timezone,
      });
      expect(Object.entries(lead.fields)).toEqual(Object.entries(a.lead.fields));
      expect(Object.getPrototypeOf(Object.getPrototypeOf(lead.fields))).toBeNull();
    });
    const [first, second, third] = compact.map((r) => (r.kind === "lead" ? r.lead : undefined));
    expect(first?.username).toBe("ann_x");
    expect(first?.fields.note).toBe('Doe, "JJ"\nsecond line');
    expect(second?.username).toBeUndefined();
    expect(third?.username).toBe("cy");
    // One zone string for every lead in it, not one per row.
    expect(first?.timezone).toBe(third?.timezone);
  });

  it("keep each lead's cells as one string, not a row object", async () => {
    const [record] = await read(csv, { usernameColumn: "username" }, [], undefined, true);
    if (record?.kind !== "lead") throw new Error("expected a lead");
    const strings = Object.values(record.lead).filter((v) => typeof v === "string");
    expect(Object.values(record.lead).some((v) => typeof v === "object" && v !== null && !Array.isArray(v) && !("names" in v))).toBe(false);
    // The id once (its cell is left empty in the packed cells), the cells once.
    expect(strings.filter((s) => s.includes("1000000000000000001"))).toEqual(["1000000000000000001"]);
  });
});

