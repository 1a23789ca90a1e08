import { lstat, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openThrowawayJournal } from "../../../src/platform/throwaway-journal.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "outreach-throwaway-journal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the rehearsal's throwaway journal", () => {
  it("keeps every line in order: buffered, written in 64 KB batches, the rest at datasync and close", async () => {
    const path = join(dir, "state.json.journal");
    await writeFile(path, "header\n", { mode: 0o600 });
    const journal = await openThrowawayJournal(path);
    const line = (i: number): string => `{"seq":${i},"pad":"${"p".repeat(200)}"}\n`;
    let expected = "header\n";
    for (let i = 0; i < 10; i++) {
      await journal.write(Buffer.from(line(i)));
      expected += line(i);
    }
    expect(await readFile(path, "utf8")).toBe("header\n"); // under 64 KB: still in memory
    await journal.datasync();
    expect(await readFile(path, "utf8")).toBe(expected);
    for (let i = 10; i < 400; i++) {
      await journal.write(Buffer.from(line(i)));
      expected += line(i);
    }
    expect((await readFile(path, "utf8")).length).toBeGreaterThanOrEqual(65_536); // a full batch went out
    await journal.close();
    expect(await readFile(path, "utf8")).toBe(expected);
  });

  it("creates the file owner-only and refuses to follow a symlink", async () => {
    const path = join(dir, "new.journal");
    await (await openThrowawayJournal(path)).close();
    expect((await lstat(path)).mode & 0o777).toBe(0o600);
    const link = join(dir, "link.journal");
    await symlink(path, link);
    await expect(openThrowawayJournal(link)).rejects.toMatchObject({ code: "ELOOP" });
  });
});
