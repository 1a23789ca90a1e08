/**
 * A temp folder for a test file, with XDG_CACHE_HOME pointed inside it for the file's tests (status
 * keeps its files there: platform/status-cache.ts), and both put back after. Call at the top level.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** Returns the folder (valid inside tests); the cache is `<folder>/cache`. */
export function useTempCacheHome(prefix: string): () => string {
  let dir = "";
  let saved: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, "cache");
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  return () => dir;
}
