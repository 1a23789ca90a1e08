import { appendFile, copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { UserError } from "../../../src/errors.js";
import { encodeHeader } from "../../../src/state/journal-header.js";
import { openJournalFile, type OpenJournalFile } from "../../../src/state/journal-writer.js";
import { readStateSnapshot } from "../../../src/state/load.js";
import { openState, type OpenStateOptions, type StateStore } from "../../../src/state/store.js";
import type { StateSnapshot } from "../../../src/state/types.js";
import { T0, clock, fingerprint, sending, sent, tempDir } from "./helpers.js";

function options(file: string, extra: Partial<OpenStateOptions> = {}): OpenStateOptions {
  return { file, campaign: "launch", fingerprint, clock: clock(), ...extra };
}

/** The files as a crash (kill -9) would leave them: copied while the store is still open. */
async function crashCopy(file: string): Promise<string> {
  const dir = await tempDir();
  const copy = join(dir, "state.json");
  await copyFile(file, copy);
  await copyFile(`${file}.journal`, `${copy}.journal`).catch(() => undefined);
  return copy;
}

async function sendOne(store: StateStore, lead: string, step = "first"): Promise<void> {
  await store.setStep(lead, step, sending(T0));
  await store.setStep(lead, step, sent(T0, `m-${lead}`));
}

/** The journal's lines after its header (which every journal has: journal-header.ts). */
async function journalRecordLines(file: string): Promise<string[]> {
  const [head, ...rest] = (await readFile(`${file}.journal`, "utf8")).split("\n").filter(Boolean);
  expect(head).toMatch(/^\{"k":"head"/);
  return rest;
}

/** Counts the journal writes, syncs and bytes; `log` keeps their order. */
function spyJournal(delaySyncMs = 0): { open: OpenJournalFile; log: string[]; bytes: number[] } {
  const log: string[] = [];
  const bytes: number[] = [];
  const open: OpenJournalFile = async (path) => {
    const real = await openJournalFile(path);
    return {
      write: async (data) => {
        bytes.push(data.length);
        await real.write(data);
        log.push("write");
      },
      datasync: async () => {
        if (delaySyncMs > 0) await new Promise((r) => setTimeout(r, delaySyncMs));
        await real.datasync();
        log.push("datasync");
      },
      close: () => real.close(),
    };
  };
  return { open, log, bytes };
}

describe("openState: journal replay", () => {
  it("creates a new state, and a crash copy replays every confirmed record over the snapshot", async () => {
    const file = join(await tempDir(), "sub", "state.json");
    const store = await openState(options(file));
    await sendOne(store, "111");
    await store.setStep("222", "first", sending(T0));
    await store.patchLead("111", { account: "acc-1", threadId: "th-1" });
    await store.patchMeta({ eventsSeq: 42 });

    const copy = await crashCopy(file);
    const again = await openState(options(copy));
    expect(again.lead("111")).toMatchObject({ account: "acc-1", threadId: "th-1", steps: { first: { status: "sent", messageId: "m-111" } } });
    expect(again.lead("222")?.steps["first"]?.status).toBe("sending");
    expect(again.meta.eventsSeq).toBe(42);
    expect(again.leadCount).toBe(2);
    expect(again.journalEntries).toBe(5);
    await again.close();
    await store.close();
  });

  it("replaying the same journal twice gives the same state (records are idempotent sets)", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "111");
    await store.patchLead("111", { reply: { at: T0, messageId: "r1", text: "hi", via: "events" } });
    const once = await readStateSnapshot(await crashCopy(file));
    const copy = await crashCopy(file);
    const records = (await readFile(`${copy}.journal`, "utf8")).split("\n").slice(1).join("\n"); // all but the header
    await appendFile(`${copy}.journal`, records);
    const twice = await readStateSnapshot(copy);
    expect(twice?.leads).toEqual(once?.leads);
    await store.close();
  });

  it("refuses a step transition that would send twice", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "111");
    expect(() => store.setStep("111", "first", sending(T0))).toThrow(/sent → sending/);
    await store.close();
  });
});

describe("compaction", () => {
  it("writes the snapshot with counters, empties the journal and keeps the previous snapshot as .bak", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    for (const id of ["1", "2", "3"]) await sendOne(store, id);
    await store.patchLead("2", { optedOut: true, finishedAt: T0, finishReason: "opted-out" });
    await store.compact();
    expect(store.journalEntries).toBe(0);
    expect(await journalRecordLines(file)).toEqual([]);
    // Format 3: one JSON document, a lead a line (snapshot-format.ts).
    const snap = JSON.parse(await readFile(file, "utf8")) as { leads: { i: string }[]; counters: Record<string, number> };
    expect(snap.leads.map((l) => l.i).sort()).toEqual(["1", "2", "3"]);
    expect(snap.counters).toMatchObject({ leads: 3, "step.first.sent": 3, optedOut: 1, finished: 1 });
    const bak = JSON.parse(await readFile(`${file}.bak`, "utf8")) as { leads: unknown[] };
    expect(bak.leads).toEqual([]);
    await store.close();
  });

  it("is crash-safe: snapshot written but journal not yet replaced → same state", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    for (const id of ["1", "2"]) await sendOne(store, id);
    await store.setStep("3", "first", sending(T0));
    const oldJournal = await readFile(`${file}.journal`);
    await store.compact();
    const copy = await crashCopy(file);
    await writeFile(`${copy}.journal`, oldJournal); // the crash happened before the journal swap
    const after = await readStateSnapshot(copy);
    expect(after?.leads).toEqual((await readStateSnapshot(file))?.leads);
    expect(after?.leads["3"]?.steps["first"]?.status).toBe("sending");
    await store.close();
  });

  it("keeps records appended while the snapshot is being written", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "1");
    const compacting = store.compact();
    const during = [sendOne(store, "2"), store.patchLead("3", { account: "acc-1" })];
    await Promise.all([compacting, ...during]);
    const state = await readStateSnapshot(await crashCopy(file));
    expect(state?.leads["2"]?.steps["first"]?.status).toBe("sent");
    expect(state?.leads["3"]?.account).toBe("acc-1");
    await store.close();
    expect((await readStateSnapshot(file))?.leads["2"]?.steps["first"]?.status).toBe("sent");
  });

  it("runs by itself every compactEvery entries, and on close", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file, { compactEvery: 10 }));
    for (let i = 0; i < 6; i++) await sendOne(store, String(i)); // 12 entries
    await vi.waitFor(() => expect(store.journalEntries).toBeLessThan(10));
    await store.setStep("x", "first", sending(T0));
    await store.close();
    expect(await journalRecordLines(file)).toEqual([]);
    const snap = JSON.parse(await readFile(file, "utf8")) as StateSnapshot;
    expect(Object.keys(snap.leads)).toHaveLength(7);
  });
});

describe("damaged files", () => {
  async function stateWithJournal(): Promise<{ file: string; store: StateStore }> {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "111");
    await sendOne(store, "222");
    return { file, store };
  }

  it("ignores a torn last line with a warning, and appends cleanly after it", async () => {
    const { file, store } = await stateWithJournal();
    const copy = await crashCopy(file);
    await appendFile(`${copy}.journal`, '{"k":"step","l":"333","s":"first","r":{"stat');
    const warnings: string[] = [];
    const again = await openState(options(copy, { onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([expect.stringMatching(/state\.json\.journal:6: ignored an incomplete last line/)]);
    expect(again.lead("333")).toBeUndefined();
    await again.setStep("333", "first", sending(T0));
    const third = await readStateSnapshot(await crashCopy(copy));
    expect(third?.leads["333"]?.steps["first"]?.status).toBe("sending");
    await again.close();
    await store.close();
  });

  it("rejects a corrupt line in the middle with its line number", async () => {
    const { file, store } = await stateWithJournal();
    const copy = await crashCopy(file);
    const lines = (await readFile(`${copy}.journal`, "utf8")).split("\n");
    lines.splice(1, 0, "{not json");
    await writeFile(`${copy}.journal`, lines.join("\n"));
    const err = await openState(options(copy)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/state\.json\.journal:2: the state journal is corrupt/);
    expect((err as UserError).details.hint).toMatch(/re-sends to everyone/);
    await store.close();
  });

  it("rejects an unparseable snapshot, pointing at the .bak", async () => {
    const { file, store } = await stateWithJournal();
    const copy = await crashCopy(file);
    await writeFile(copy, "{ half a snap");
    const err = await openState(options(copy)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(copy);
    expect((err as UserError).details.hint).toContain(`${copy}.bak`);
    await store.close();
  });

  it("rejects a state file of another campaign", async () => {
    const { file, store } = await stateWithJournal();
    await store.close();
    const err = await openState({ ...options(file), campaign: "other" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/belongs to campaign "launch"/);
  });

  it("rejects a journal whose state file is gone", async () => {
    const { file, store } = await stateWithJournal();
    const dir = await tempDir();
    await copyFile(`${file}.journal`, join(dir, "state.json.journal"));
    await expect(openState(options(join(dir, "state.json")))).rejects.toThrow(/found the journal/);
    await store.close();
  });
});

describe("durability and cost of a write", () => {
  it("resolves a sending record only after fdatasync; others after write", async () => {
    const file = join(await tempDir(), "state.json");
    const spy = spyJournal();
    const store = await openState(options(file, { openJournal: spy.open }));
    await store.setStep("1", "first", sending(T0)).then(() => spy.log.push("resolved"));
    expect(spy.log).toEqual(["write", "datasync", "resolved"]);
    spy.log.length = 0;
    await store.setStep("1", "first", sent(T0)).then(() => spy.log.push("resolved"));
    expect(spy.log).toEqual(["write", "resolved"]);
    await store.close();
  });

  it("never syncs with fsyncSending: false", async () => {
    const spy = spyJournal();
    const store = await openState(options(join(await tempDir(), "state.json"), { openJournal: spy.open, fsyncSending: false }));
    await store.setStep("1", "first", sending(T0));
    expect(spy.log).toEqual(["write"]);
    await store.close();
  });

  it("group-commits concurrent appends: 100 setStep calls cost a few writes and syncs", async () => {
    const spy = spyJournal(5);
    const store = await openState(options(join(await tempDir(), "state.json"), { openJournal: spy.open }));
    const first = store.setStep("0", "first", sending(T0)); // in flight while the rest queue up
    await new Promise((r) => setImmediate(r));
    await Promise.all([first, ...Array.from({ length: 99 }, (_, i) => store.setStep(String(i + 1), "first", sending(T0)))]);
    const writes = spy.log.filter((e) => e === "write").length;
    expect(writes).toBeLessThanOrEqual(3);
    expect(spy.log.filter((e) => e === "datasync").length).toBe(writes);
    await store.close();
  });

  it("appends the same bytes per setStep with 10 or 100,000 leads, and leaves the snapshot alone", async () => {
    async function bytesForOneSend(leadCount: number): Promise<number> {
      const file = join(await tempDir(), "state.json");
      const leads: StateSnapshot["leads"] = {};
      for (let i = 0; i < leadCount; i++) {
        const id = String(1_000_000 + i);
        leads[id] = { id, steps: { first: sent(T0, `m${i}`) } };
      }
      const meta = { version: 2 as const, campaign: "launch", stateId: "s-1", generation: 3, createdAt: T0, updatedAt: T0, fingerprint, eventsSeq: null, tagIds: {}, statusIds: {} };
      await writeFile(file, JSON.stringify({ meta, leads }));
      await writeFile(`${file}.journal`, `${encodeHeader({ state: "s-1", campaign: "launch", gen: 3, t: T0 })}\n`);
      const before = await stat(file);
      const spy = spyJournal();
      const store = await openState(options(file, { openJournal: spy.open }));
      expect(store.leadCount).toBe(leadCount);
      await store.setStep("1000005", "follow", sending(T0));
      const after = await stat(file);
      expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
      await store.close();
      return spy.bytes.reduce((a, b) => a + b, 0);
    }
    const small = await bytesForOneSend(10);
    const large = await bytesForOneSend(100_000);
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
    // 100,000 leads read, migrated and saved: ~10 s on a quiet machine, over 30 s beside a busy one.
  }, 90_000);
});

describe("readStateSnapshot", () => {
  it("is undefined without a state file", async () => {
    expect(await readStateSnapshot(join(await tempDir(), "none.json"))).toBeUndefined();
  });

  it("replays the journal, derives counters, and writes nothing", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "1");
    await store.setStep("2", "first", sending(T0));
    await appendFile(`${file}.journal`, '{"k":"le');
    const journalBefore = await readFile(`${file}.journal`);
    const warnings: string[] = [];
    const snap = await readStateSnapshot(file, { onWarning: (w) => warnings.push(w) });
    expect(snap?.counters).toMatchObject({ leads: 2, "step.first.sent": 1, "step.first.sending": 1 });
    expect(warnings).toHaveLength(1);
    expect(await readFile(`${file}.journal`)).toEqual(journalBefore);
    await store.close();
  });
});
