import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { appendSuppression, loadSuppression } from "../../../src/leads/suppression.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "suppression-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadSuppression", () => {
  it.each([
    ["ids, comments and blank lines", "# do not contact\n111\n\n222  # opted out 2026-01-02\n   333   \n#444\n", ["111", "222", "333"]],
    ["CRLF and a BOM", "\uFEFF111\r\n222\r\n", ["111", "222"]],
    ["only the first word counts", "555 asked nicely\n", ["555"]],
    ["empty file", "", []],
  ])("%s", async (_name, text, ids) => {
    const file = join(dir, `${ids.join("-") || "empty"}.txt`);
    await writeFile(file, text);
    expect([...(await loadSuppression({ file }))]).toEqual(ids);
  });

  it("treats an unset file, or a missing one the campaign allows (create: true), as an empty list", async () => {
    expect((await loadSuppression({ file: join(dir, "missing.txt"), mayBeMissing: true })).size).toBe(0);
    expect((await loadSuppression({ file: undefined })).size).toBe(0);
  });

  it("refuses a missing file otherwise: a misspelt path must not mean an empty do-not-contact list", async () => {
    const file = join(dir, "supression.txt");
    const error = (await loadSuppression({ file }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`suppression file ${file} does not exist; nothing was sent`);
    expect(error.details.hint).toMatch(/suppression: \{ file: …, create: true \}/);
  });

  it("reports every line it cannot honour, with its line number", async () => {
    const file = join(dir, "invalid.txt");
    await writeFile(file, "# list\n111\n@jane_doe  # asked to stop\n1.87654E+18\n1876543210987650000\n222 fine\nhttps://x.com/someone\n");
    const error = (await loadSuppression({ file }).catch((e: unknown) => e)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe("4 lines of the suppression file cannot be honoured; nothing was sent");
    expect(error.details.problems?.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '3: "@jane_doe" is not an X user id; use the numeric X user id, not the @handle',
      '4: "1.87654E+18" is an id a spreadsheet wrote in scientific notation; its last digits are lost; format the id column as Text in the spreadsheet and export again (or copy the ids from the source)',
      "5: 1876543210987650000 has only 15 significant digits followed by zeros: a spreadsheet rounded it, so it is probably someone else's id; format the id column as Text in the spreadsheet and export again (or copy the ids from the source)",
      '7: "https://x.com/someone" is not an X user id; use the numeric X user id, not a profile URL',
    ]);
  });
});

describe("appendSuppression", () => {
  it("creates the file and appends one line per call, readable by loadSuppression", async () => {
    const file = join(dir, "new", "suppression.txt");
    await appendSuppression(file, "111", "replied STOP");
    await appendSuppression(file, "222", "said\nnot interested");
    expect(await readFile(file, "utf8")).toBe("111  # replied STOP\n222  # said not interested\n");
    expect([...(await loadSuppression({ file }))]).toEqual(["111", "222"]);
  });

  it("starts a new line when the file's last line has no newline", async () => {
    const file = join(dir, "no-newline.txt");
    await writeFile(file, "# list\n111");
    await appendSuppression(file, "222", "");
    expect(await readFile(file, "utf8")).toBe("# list\n111\n222\n");
  });

  it("rejects an id that would corrupt the file", async () => {
    await expect(appendSuppression(join(dir, "x.txt"), "1 2", "n")).rejects.toThrow(/invalid id/);
  });
});
