/**
 * makeDirs is `mkdir -p` that ends: Node 20's `mkdir(…, { recursive: true })` retried for ever under
 * /proc (a parent that exists but refuses children with ENOENT), so `outreach init /proc/x` spun a core.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDirs } from "../../../src/files/private-files.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), "outreach-mkdirs-"));
  dirs.push(d);
  return d;
}

describe("makeDirs", () => {
  it("creates the missing folders and returns the topmost it created", async () => {
    const root = scratch();
    expect(await makeDirs(join(root, "a", "b", "c"))).toBe(join(root, "a"));
    expect(existsSync(join(root, "a", "b", "c"))).toBe(true);
    expect(await makeDirs(join(root, "a", "b", "d"))).toBe(join(root, "a", "b", "d"));
  });

  it("returns undefined for a folder that exists, and refuses a file in the way", async () => {
    const root = scratch();
    expect(await makeDirs(root)).toBeUndefined();
    writeFileSync(join(root, "file"), "x");
    await expect(makeDirs(join(root, "file"))).rejects.toMatchObject({ code: "EEXIST" });
    await expect(makeDirs(join(root, "file", "below"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });

  it.runIf(existsSync("/proc/self"))("fails at once where the parent cannot hold folders (/proc)", async () => {
    await expect(makeDirs("/proc/outreach-test/templates")).rejects.toMatchObject({ code: "ENOENT" });
  });
});
