import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    expect([...(await loadSuppression(file))]).toEqual(ids);
  });

  it("treats a missing or unset file as an empty list", async () => {
    expect((await loadSuppression(join(dir, "missing.txt"))).size).toBe(0);
    expect((await loadSuppression()).size).toBe(0);
  });
});

describe("appendSuppression", () => {
  it("creates the file and appends one line per call, readable by loadSuppression", async () => {
    const file = join(dir, "new", "suppression.txt");
    await appendSuppression(file, "111", "replied STOP");
    await appendSuppression(file, "222", "said\nnot interested");
    expect(await readFile(file, "utf8")).toBe("111  # replied STOP\n222  # said not interested\n");
    expect([...(await loadSuppression(file))]).toEqual(["111", "222"]);
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
