import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStateSnapshot } from "../../../src/state/load.js";
import { openState } from "../../../src/state/store.js";
import { T0, clock, fingerprint, tempDir } from "./helpers.js";

describe("patchLead with undefined clears a field", () => {
  it("in memory, after journal replay (crash), and after compaction", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState({ file, campaign: "launch", fingerprint, clock: clock() });
    await store.patchLead("1", { account: "a1", finishedAt: T0, finishReason: "failed" });
    await store.patchLead("1", { finishedAt: undefined, finishReason: undefined });
    expect(store.lead("1")).not.toHaveProperty("finishedAt");
    expect(store.lead("1")).not.toHaveProperty("finishReason");

    // As kill -9 would leave it: the snapshot from open(), everything since in the journal.
    const dir = await tempDir();
    const crashed = join(dir, "state.json");
    await copyFile(file, crashed);
    await copyFile(`${file}.journal`, `${crashed}.journal`);
    const replayed = await readStateSnapshot(crashed);
    expect(replayed?.leads["1"]).toEqual({ id: "1", account: "a1", steps: {} });

    await store.close();
    const compacted = await readStateSnapshot(file);
    expect(compacted?.leads["1"]).toEqual({ id: "1", account: "a1", steps: {} });
  });
});
