import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deriveCounters, readSnapshotFile, writeSnapshotFile } from "../../../src/state/snapshot.js";
import type { LeadState, StateMeta } from "../../../src/state/types.js";
import { T0, fingerprint, sent, tempDir } from "./helpers.js";

const meta: StateMeta = { version: 1, campaign: "c", createdAt: T0, updatedAt: T0, fingerprint, eventsSeq: null, tagIds: {}, statusIds: {} };

function leads(n: number): LeadState[] {
  return Array.from({ length: n }, (_, i) => ({
    id: String(1_000_000 + i),
    account: "acc-1",
    threadId: `t${i}`,
    // A quote and a non-ASCII character: the stream must escape and encode exactly as JSON.stringify.
    steps: { first: i % 7 === 0 ? { ...sent(T0 + i, `m${i}`), reason: 'said "no" — ok' } : sent(T0 + i, `m${i}`) },
  }));
}

describe("snapshot file", () => {
  it("streams thousands of leads (many write chunks) and reads them back unchanged", async () => {
    const file = join(await tempDir(), "state.json");
    const all = leads(5_000);
    await writeSnapshotFile(file, { meta, leads: all, counters: deriveCounters(all) }, { keepBackup: false });
    const back = await readSnapshotFile(file);
    expect(back?.meta).toEqual(meta);
    expect(back?.counters).toEqual({ leads: 5000, replied: 0, optedOut: 0, finished: 0, "step.first.sent": 5000 });
    expect(Object.keys(back?.leads ?? {})).toHaveLength(5000);
    expect(back?.leads["1004999"]).toEqual(all[4999]);
    expect(back?.leads["1004998"]?.steps.first?.reason).toBe('said "no" — ok');
    // Compact: one line, no indentation — about a third smaller than the pretty-printed form.
    const text = await readFile(file, "utf8");
    expect(text.trimEnd().includes("\n")).toBe(false);
    expect(text.length).toBeLessThan(JSON.stringify(back, null, 2).length * 0.7);
  });

  it("keeps the previous snapshot as .bak and leaves no temp file behind", async () => {
    const dir = await tempDir();
    const file = join(dir, "state.json");
    await writeSnapshotFile(file, { meta, leads: leads(1), counters: {} }, { keepBackup: false });
    await writeSnapshotFile(file, { meta, leads: leads(2), counters: {} }, { keepBackup: true });
    expect(Object.keys((await readSnapshotFile(`${file}.bak`))?.leads ?? {})).toHaveLength(1);
    expect(Object.keys((await readSnapshotFile(file))?.leads ?? {})).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual(["state.json", "state.json.bak"]);
  });

  it("reads a pretty-printed snapshot written by earlier versions", async () => {
    const file = join(await tempDir(), "state.json");
    const old = { meta, leads: Object.fromEntries(leads(3).map((l) => [l.id, l])) };
    await writeFile(file, JSON.stringify(old, null, 2));
    expect(Object.keys((await readSnapshotFile(file))?.leads ?? {})).toEqual(["1000000", "1000001", "1000002"]);
  });

  it("a failed write leaves the old snapshot in place", async () => {
    const dir = await tempDir();
    const file = join(dir, "state.json");
    await writeSnapshotFile(file, { meta, leads: leads(2), counters: {} }, { keepBackup: false });
    function* broken(): Generator<LeadState> {
      yield leads(1)[0]!;
      throw new Error("disk went away");
    }
    await expect(writeSnapshotFile(file, { meta, leads: broken(), counters: {} }, { keepBackup: false })).rejects.toThrow("disk went away");
    expect(Object.keys((await readSnapshotFile(file))?.leads ?? {})).toHaveLength(2);
    expect(await readdir(dir)).toEqual(["state.json"]);
  });
});
