import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import type { LeadLines } from "../../../src/state/lead-lines.js";
import { readSnapshotFile, writeSnapshotFile } from "../../../src/state/snapshot.js";
import type { StateModel } from "../../../src/state/journal-records.js";
import type { LeadState, StateMeta } from "../../../src/state/types.js";
import { T0, fingerprint, sending, sent, tempDir } from "./helpers.js";

const meta: StateMeta = {
  version: 3, campaign: "launch", stateId: "s-1", generation: 4, createdAt: T0, updatedAt: T0 + 5,
  fingerprint, eventsSeq: 12, eventsPolledAt: T0 + 3, tagIds: { hot: "tag1" }, statusIds: {},
};

/** Every field a lead and a step can carry, and the defaults left out. */
const LEADS: LeadState[] = [
  { id: "1", steps: {} },
  { id: "2", account: "acc-1", threadId: "th2", prospectId: "p2", steps: { first: sent(T0 + 1000, "m2") } },
  {
    id: "3",
    account: "acc-2",
    steps: {
      first: { ...sent(T0 - 60_000, "m3"), serverSendingAt: T0 - 59_000, attempts: 2 },
      follow: { status: "failed", updatedAt: T0 + 2 * 86_400_000, attempts: 3, reason: "the account was suspended" },
    },
    reply: { at: T0 + 10, messageId: "r3", text: "stop \"now\"\n😀", afterStep: "first", via: "events" },
    optedOut: true,
    review: { at: T0 + 11, reason: "may be an opt-out" },
    finishedAt: T0 + 12,
    finishReason: "opted-out",
  },
  { id: "4", steps: { first: sending(T0 + 5) } },
];

function model(leads: LeadState[] = LEADS): StateModel {
  return { meta: { ...meta }, leads: new Map(leads.map((l) => [l.id, structuredClone(l)])) };
}

describe("snapshot file (format 3)", () => {
  it("reads back exactly what was written, every field", async () => {
    const file = join(await tempDir(), "state.json");
    await writeSnapshotFile(file, model(), { keepBackup: false });
    const read = await readSnapshotFile(file);
    expect(read?.legacy).toBe(false);
    expect(read?.model.meta).toEqual(meta);
    expect([...read!.model.leads.values()]).toEqual(LEADS);
  });

  it("is one JSON document, a lead a line, with counters in its header (for people and other tools)", async () => {
    const file = join(await tempDir(), "state.json");
    await writeSnapshotFile(file, model(), { keepBackup: false });
    const text = await readFile(file, "utf8");
    const doc = JSON.parse(text) as { meta: StateMeta; counters: Record<string, number>; leads: { i: string }[] };
    expect(doc.meta.version).toBe(3);
    expect(doc.counters).toMatchObject({ leads: 4, replied: 1, optedOut: 1, "step.first.sent": 2 });
    expect(doc.leads.map((l) => l.i)).toEqual(["1", "2", "3", "4"]);
    expect(text.split("\n").filter((l) => l.startsWith('{"i":'))).toHaveLength(4);
  });

  it("keeps a field it does not know (written by a newer version) instead of dropping it", async () => {
    const file = join(await tempDir(), "state.json");
    const lead = { id: "9", steps: { first: { ...sent(T0), future: 1 } }, tier: "gold" } as unknown as LeadState;
    await writeSnapshotFile(file, model([lead]), { keepBackup: false });
    expect((await readSnapshotFile(file))?.model.leads.get("9")).toEqual(lead);
  });

  it("a lead changed while the write is under way keeps its new account and step (not in the header's tables)", async () => {
    const file = join(await tempDir(), "state.json");
    const m = model(Array.from({ length: 3000 }, (_, i) => ({ id: String(i), account: "acc-1", steps: { first: sent(T0 + i) } })));
    const writing = writeSnapshotFile(file, m, { keepBackup: false });
    // The write yields between chunks: change the last lead once it has begun.
    await new Promise((resolve) => setImmediate(resolve));
    m.leads.set("2999", { id: "2999", account: "acc-new", steps: { first: sent(T0), "brand-new": sending(T0 + 1) } });
    await writing;
    const back = (await readSnapshotFile(file))!.model.leads.get("2999")!;
    expect(back.account).toBe("acc-new");
    expect(Object.keys(back.steps).sort()).toEqual(["brand-new", "first"]);
  });

  it("takes about half the bytes a lead of format 2 took", async () => {
    const dir = await tempDir();
    const leads = Array.from({ length: 1000 }, (_, i) => ({
      id: String(1_000_000_000_000_000_003n + BigInt(i) * 79_190n),
      account: "acc-1",
      threadId: `thread${String(i).padStart(20, "0")}`,
      steps: { first: { ...sent(T0 + i * 1000, `msg${String(i).padStart(21, "0")}`), sendingAt: T0 + i * 1000 - 300, contentHash: "f".repeat(32) } },
    }));
    await writeSnapshotFile(join(dir, "v3.json"), model(leads), { keepBackup: false });
    await writeFile(join(dir, "v2.json"), JSON.stringify({ meta: { ...meta, version: 2 }, leads: Object.fromEntries(leads.map((l) => [l.id, l])) }));
    const v3 = (await stat(join(dir, "v3.json"))).size / 1000;
    const v2 = (await stat(join(dir, "v2.json"))).size / 1000;
    expect(v3).toBeLessThan(v2 * 0.6);
  });

  it("reads a format 2 file (leads as one object) as is; the next write is format 3 and the old file is the .bak", async () => {
    const file = join(await tempDir(), "state.json");
    await writeFile(file, JSON.stringify({ meta: { ...meta, version: 2 }, leads: Object.fromEntries(LEADS.map((l) => [l.id, l])) }));
    const read = (await readSnapshotFile(file))!;
    expect(read.legacy).toBe(false);
    expect(read.model.meta.version).toBe(3);
    expect([...read.model.leads.values()]).toEqual(LEADS);
    await writeSnapshotFile(file, read.model, { keepBackup: true });
    expect((JSON.parse(await readFile(file, "utf8")) as { meta: StateMeta }).meta.version).toBe(3);
    expect((JSON.parse(await readFile(`${file}.bak`, "utf8")) as { meta: { version: number } }).meta.version).toBe(2);
    expect([...(await readSnapshotFile(file))!.model.leads.values()]).toEqual(LEADS);
  });

  it.each([
    { what: "a damaged lead line", edit: (t: string) => t.replace('{"i":"3"', '{"i":3'), line: /line 4/ },
    { what: "a step index outside the table", edit: (t: string) => t.replace('"s":{"0":', '"s":{"7":'), line: /line 3: step #7/ },
    { what: "the end cut off", edit: (t: string) => t.slice(0, t.indexOf('{"i":"4"')), line: /ends before the end of the leads/ },
    { what: "text after the end", edit: (t: string) => `${t}{"i":"5"}\n`, line: /text after the end/ },
  ])("$what: one clear error naming the line, and the way back", async ({ edit, line }) => {
    const file = join(await tempDir(), "state.json");
    await writeSnapshotFile(file, model(), { keepBackup: false });
    await writeFile(file, edit(await readFile(file, "utf8")));
    const err = await readSnapshotFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/state file is not valid JSON/);
    expect((err as UserError).message).toMatch(line);
    expect((err as UserError).details.hint).toMatch(/\.bak/);
    // Read lazily (outreach status: each line decoded when read, the rest checked at the end): the same error.
    const lazyErr = await readSnapshotFile(file, { lazy: true })
      .then((read) => (read!.model.leads as LeadLines).checkUnread())
      .catch((e: unknown) => e);
    expect(lazyErr).toBeInstanceOf(UserError);
    expect((lazyErr as UserError).message).toBe((err as UserError).message);
  });

  it("reads a snapshot lazily as it reads it whole: CRLF line ends, a lead line of non-ASCII text, no newline at the end", async () => {
    const file = join(await tempDir(), "state.json");
    const withText: LeadState = { ...LEADS[0]!, reply: { at: T0, text: "¡Sí! 😀 — ça va", messageId: "in1", via: "events" } };
    await writeSnapshotFile(file, model([withText, ...LEADS.slice(1)]), { keepBackup: false });
    const plain = await readFile(file, "utf8");
    for (const text of [plain, plain.replace(/\n/g, "\r\n"), plain.replace(/\n$/, "")]) {
      await writeFile(file, text);
      const whole = (await readSnapshotFile(file))!.model;
      const lazy = (await readSnapshotFile(file, { lazy: true }))!.model;
      expect(lazy.meta).toEqual(whole.meta);
      expect([...lazy.leads.values()]).toEqual([...whole.leads.values()]);
      expect(lazy.leads.get(withText.id)?.reply?.text).toBe("¡Sí! 😀 — ça va");
    }
  });
});
