/**
 * The journal knows its state file: a missing, replaced, foreign, older or newer journal is refused
 * (nothing written), `repair` continues with a warning, and format-1 files are migrated.
 */
import { appendFile, copyFile, readFile, readdir, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PausedError, UserError } from "../../../src/errors.js";
import { encodeHeader } from "../../../src/state/journal-header.js";
import { openJournalFile } from "../../../src/state/journal-writer.js";
import { openState, type OpenStateOptions, type StateStore } from "../../../src/state/store.js";
import type { StateSnapshot } from "../../../src/state/types.js";
import { T0, clock, fingerprint, sending, sent, tempDir } from "./helpers.js";

function options(file: string, extra: Partial<OpenStateOptions> = {}): OpenStateOptions {
  return { file, campaign: "launch", fingerprint, clock: clock(), ...extra };
}

async function sendOne(store: StateStore, lead: string): Promise<void> {
  await store.setStep(lead, "first", sending(T0));
  await store.setStep(lead, "first", sent(T0, `m-${lead}`));
}

/** A state with two leads sent in its journal (not compacted), closed as by a crash: files only. */
async function crashedState(campaign = "launch"): Promise<string> {
  const file = join(await tempDir(), "state.json");
  const store = await openState({ ...options(file), campaign });
  await sendOne(store, "111");
  await sendOne(store, "222");
  return file;
}

/** Every file in the state's folder with its bytes, to prove a refusal wrote nothing. */
async function folderBytes(file: string): Promise<Record<string, string>> {
  const dir = join(file, "..");
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) out[name] = (await readFile(join(dir, name))).toString("base64");
  return out;
}

async function refusal(file: string, extra: Partial<OpenStateOptions> = {}): Promise<UserError> {
  const before = await folderBytes(file);
  const err = await openState(options(file, extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect(await folderBytes(file)).toEqual(before);
  return err as UserError;
}

describe("a journal that does not belong to its state file is refused, nothing written", () => {
  it("missing (deleted after a crash): names both files, the risk and --repair-state", async () => {
    const file = await crashedState();
    await rm(`${file}.journal`);
    const err = await refusal(file);
    expect(err.message).toContain(`the state journal ${file}.journal is missing`);
    expect(err.message).toContain("could be messaged again");
    expect(err.details.hint).toContain("--repair-state");
  });

  it("foreign (another campaign's journal put in its place): names the campaign it belongs to", async () => {
    const file = await crashedState();
    const other = await crashedState("someone else");
    await copyFile(`${other}.journal`, `${file}.journal`);
    const err = await refusal(file);
    expect(err.message).toMatch(/belongs to another state file \(campaign "someone else"/);
  });

  it("replaced by a file without a header (empty, or a format-1 journal)", async () => {
    const file = await crashedState();
    await writeFile(`${file}.journal`, "");
    expect((await refusal(file)).message).toMatch(/does not belong to .*it has no header/);
  });

  it("two journals joined into one: the line of the second header", async () => {
    const file = await crashedState();
    const other = await crashedState("someone else");
    await appendFile(`${file}.journal`, await readFile(`${other}.journal`));
    expect((await refusal(file)).message).toMatch(/state\.json\.journal:6: a second journal header .*"someone else".*two journals were joined/);
  });

  it("older (an old copy of the journal put back) and newer (the .bak snapshot put back)", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "1");
    await store.compact(); // gen 1
    const gen1Journal = await readFile(`${file}.journal`);
    await sendOne(store, "2");
    await store.compact(); // gen 2
    await sendOne(store, "3");
    await store.compact(); // gen 3 (the .bak is gen 2)
    await sendOne(store, "4");
    const current = await readFile(`${file}.journal`);
    const snapshot = await readFile(file);

    await writeFile(`${file}.journal`, gen1Journal);
    expect((await refusal(file)).message).toMatch(/\(generation 1\) is older than its state file .*\(generation 3\)/);

    await writeFile(`${file}.journal`, current);
    await copyFile(`${file}.bak`, file);
    const err = await refusal(file);
    expect(err.message).toMatch(/state file .* \(generation 2\) is older than its journal .*\(generation 3\)/);

    // --repair-state replays the journal over the older snapshot: what the journal holds is kept.
    const warnings: string[] = [];
    const repaired = await openState(options(file, { repair: true, onWarning: (w) => warnings.push(w) }));
    expect(warnings.join("\n")).toMatch(/replayed .* over an older/);
    expect(repaired.lead("4")?.steps["first"]?.status).toBe("sent");
    expect(repaired.lead("3")).toBeUndefined(); // sent between the two generations: lost, as the message said
    await repaired.close();
    await writeFile(file, snapshot);
    await store.close();
  });

  it("interrupted compaction (journal one generation behind its snapshot) is accepted and replayed", async () => {
    const file = join(await tempDir(), "state.json");
    const store = await openState(options(file));
    await sendOne(store, "1");
    const gen0 = await readFile(`${file}.journal`);
    await store.setStep("2", "first", sending(T0));
    const gen0WithSending = await readFile(`${file}.journal`);
    expect(gen0WithSending.length).toBeGreaterThan(gen0.length);
    await store.compact();
    await writeFile(`${file}.journal`, gen0WithSending);
    const again = await openState(options(file));
    expect(again.lead("2")?.steps["first"]?.status).toBe("sending");
    await again.close();
    await store.close();
  });
});

describe("--repair-state", () => {
  it("a missing journal: continues from the state file with a warning; the next open is clean", async () => {
    const file = await crashedState();
    const store = await openState(options(file));
    await store.close(); // compacted: leads 111 and 222 are in the snapshot
    await rm(`${file}.journal`);
    const warnings: string[] = [];
    const repaired = await openState(options(file, { repair: true, onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([expect.stringMatching(/--repair-state: continued from .*state\.json alone/)]);
    expect(repaired.lead("111")?.steps["first"]?.status).toBe("sent");
    await repaired.close();
    const again = await openState(options(file));
    expect(again.leadCount).toBe(2);
    await again.close();
  });

  it("a foreign journal is set aside as .rejected, not replayed", async () => {
    const file = await crashedState();
    const other = await crashedState("someone else");
    await copyFile(`${other}.journal`, `${file}.journal`);
    const repaired = await openState(options(file, { repair: true }));
    expect(repaired.leadCount).toBe(0);
    await repaired.close();
    expect(await readFile(`${file}.journal.rejected`)).toEqual(await readFile(`${other}.journal`));
  });
});

describe("format 1 (before journal headers)", () => {
  async function formatOne(): Promise<string> {
    const file = join(await tempDir(), "state.json");
    const meta = { version: 1, campaign: "launch", createdAt: T0, updatedAt: T0, fingerprint, eventsSeq: 7, tagIds: {}, statusIds: {} };
    await writeFile(file, JSON.stringify({ meta, leads: { "111": { id: "111", steps: { first: sent(T0) } } } }));
    await writeFile(`${file}.journal`, `${JSON.stringify({ k: "step", l: "222", s: "first", r: sending(T0), t: T0 })}\n`);
    return file;
  }

  it("is read and migrated: snapshot format 3, journal with a header, the old snapshot kept as .bak", async () => {
    const file = await formatOne();
    const warnings: string[] = [];
    const store = await openState(options(file, { onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([expect.stringMatching(/upgraded the state files to format 3/)]);
    expect(store.lead("111")?.steps["first"]?.status).toBe("sent");
    expect(store.lead("222")?.steps["first"]?.status).toBe("sending");
    expect(store.meta.eventsSeq).toBe(7);
    const snap = JSON.parse(await readFile(file, "utf8")) as StateSnapshot;
    expect(snap.meta).toMatchObject({ version: 3, generation: 0, stateId: store.meta.stateId });
    expect((await readFile(`${file}.journal`, "utf8")).split("\n")[0]).toContain(store.meta.stateId);
    expect((JSON.parse(await readFile(`${file}.bak`, "utf8")) as { meta: { version: number } }).meta.version).toBe(1);
    await store.close();
  });

  it("a migration interrupted after the journal was rewritten is finished with the identity the journal names", async () => {
    const file = await formatOne();
    const records = await readFile(`${file}.journal`, "utf8");
    await writeFile(`${file}.journal`, `${encodeHeader({ state: "chosen-id", campaign: "launch", gen: 0, t: T0 })}\n${records}`);
    const store = await openState(options(file));
    expect(store.meta.stateId).toBe("chosen-id");
    expect(store.lead("222")?.steps["first"]?.status).toBe("sending");
    await store.close();
  });

  it("a format-1 snapshot whose journal is gone is refused like any other", async () => {
    const file = await formatOne();
    await rm(`${file}.journal`);
    expect((await refusal(file)).message).toMatch(/is missing/);
  });
});

describe("files are owner-only and never followed through a symlink", () => {
  it("creates the folder 0700 and the state, journal and .bak 0600 under a permissive umask", async () => {
    const old = process.umask(0);
    try {
      const file = join(await tempDir(), "new", "state.json");
      const store = await openState(options(file));
      await sendOne(store, "1");
      await store.close();
      expect((await stat(join(file, ".."))).mode & 0o777).toBe(0o700);
      for (const f of [file, `${file}.journal`, `${file}.bak`]) expect([f, (await stat(f)).mode & 0o777]).toEqual([f, 0o600]);
    } finally {
      process.umask(old);
    }
  });

  it.each(["state.json", "state.json.journal", "state.json.tmp", "state.json.journal.tmp"])("refuses a symlink at %s; its target is untouched", async (name) => {
    const file = await crashedState();
    const dir = join(file, "..");
    const victim = join(await tempDir(), "victim.txt");
    await writeFile(victim, "precious");
    const path = join(dir, name);
    await rm(path, { force: true });
    await symlink(victim, path);
    const result = await openState(options(file)).then(
      async (s) => {
        await sendOne(s, "333");
        await s.close();
        return "opened";
      },
      (e: NodeJS.ErrnoException) => e.code,
    );
    if (name.endsWith(".tmp")) expect(result).toBe("opened"); // a stale temp link is removed, never written through
    else expect(result).toBe("ELOOP");
    expect(await readFile(victim, "utf8")).toBe("precious");
  });
});

describe("filesystem faults during a write and at compaction (injected: EMFILE and ENOSPC are hard to make for real)", () => {
  const fault = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: injected`), { code });

  it("a journal write failing with ENOSPC pauses with the path and the fix; what was written before survives", async () => {
    const file = join(await tempDir(), "state.json");
    let full = false;
    const openJournal: OpenStateOptions["openJournal"] = async (path) => {
      const real = await openJournalFile(path);
      return { ...real, write: (data) => (full ? Promise.reject(fault("ENOSPC")) : real.write(data)), close: () => real.close() };
    };
    const store = await openState(options(file, { openJournal }));
    await sendOne(store, "1");
    full = true;
    const err = await store.setStep("2", "first", sending(T0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PausedError);
    expect((err as PausedError).message).toMatch(/could not write the state journal .*state\.json\.journal: no space left/);
    await expect(store.patchMeta({ eventsSeq: 1 })).rejects.toBe(err); // nothing after a gap
    const again = await openState(options(await crashCopy(file)));
    expect(again.lead("1")?.steps["first"]?.status).toBe("sent");
    await again.close();
  });

  it("a compaction failing with EMFILE leaves the state intact and no temp file; later appends still reach the journal", async () => {
    const file = join(await tempDir(), "state.json");
    let opens = 0;
    const openJournal: OpenStateOptions["openJournal"] = async (path) => {
      if (++opens > 1) throw fault("EMFILE");
      return openJournalFile(path);
    };
    const store = await openState(options(file, { openJournal }));
    await sendOne(store, "1");
    await expect(store.compact()).rejects.toMatchObject({ code: "EMFILE" });
    expect((await readdir(join(file, ".."))).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await sendOne(store, "2");
    const again = await openState(options(await crashCopy(file)));
    expect(again.lead("1")?.steps["first"]?.status).toBe("sent");
    expect(again.lead("2")?.steps["first"]?.status).toBe("sent");
    await again.close();
  });
});

async function crashCopy(file: string): Promise<string> {
  const copy = join(await tempDir(), "state.json");
  await copyFile(file, copy);
  await copyFile(`${file}.journal`, `${copy}.journal`);
  return copy;
}
