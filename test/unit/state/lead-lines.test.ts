/**
 * The read-only view's leads as their lines (state/lead-lines.ts): equal to the leads decoded whole,
 * snapshot and journal replay alike; nothing kept by `peek`; a damaged line still found, by number.
 */
import { copyFile, readFile, rm, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { LeadLines } from "../../../src/state/lead-lines.js";
import { readStateModel } from "../../../src/state/load.js";
import { readSnapshotFile } from "../../../src/state/snapshot.js";
import type { LeadState } from "../../../src/state/types.js";
import { openState } from "../../../src/state/store.js";
import { clock, fingerprint, sending, sent, T0, tempDir } from "./helpers.js";

/** A state of 300 leads: 200 compacted into the snapshot, then journal records over old and new leads (the store left open: not compacted). */
async function stateWithJournal(): Promise<string> {
  const file = `${await tempDir()}/state.json`;
  const store = await openState({ file, campaign: "launch", fingerprint, clock: clock(), fsyncSending: false });
  const id = (i: number): string => String(1_900_000_000_000_000_000n + BigInt(i));
  for (let i = 0; i < 200; i++) {
    void store.patchLead(id(i), { account: "acc-1", threadId: `t${i}` });
    void store.setStep(id(i), "first", sending(T0 + i));
    await store.setStep(id(i), "first", sent(T0 + i, `m${i}`));
  }
  await store.compact();
  for (let i = 150; i < 300; i++) {
    if (i >= 200) {
      void store.patchLead(id(i), { account: "acc-1" });
      await store.setStep(id(i), "first", sending(T0 + 1000 + i));
    } else {
      await store.patchLead(id(i), { reply: { at: T0 + 2000 + i, text: `reply "${i}" ✓`, messageId: `in${i}`, via: "events" } });
    }
  }
  // The pair as a run leaves it between compactions, copied before close() compacts the journal away.
  const copy = `${await tempDir()}/state.json`;
  await copyFile(file, copy);
  await copyFile(`${file}.journal`, `${copy}.journal`);
  await store.close();
  return copy;
}

/** A LeadLines over `lines` (each as a file line: its bytes, then "\n"), the header counted as line 1. */
function leadLines(tables: ConstructorParameters<typeof LeadLines>[1], badLine: ConstructorParameters<typeof LeadLines>[2], ...lines: string[]): LeadLines {
  const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(""));
  const out = new LeadLines(bytes, tables, badLine);
  let at = 0;
  for (const line of lines) {
    const length = Buffer.byteLength(line);
    out.addLine(at, at + length);
    at += length + 1;
  }
  return out;
}

describe("LeadLines: a read-only state's leads kept as their lines", () => {
  it("reads every lead as the whole decode does, the journal's records replayed over the lines", async () => {
    const file = await stateWithJournal();
    const whole = (await readStateModel(file))!;
    const lazy = (await readStateModel(file, { lazy: true }))!;
    expect(lazy.leads).toBeInstanceOf(LeadLines);
    expect(lazy.leads.size).toBe(whole.leads.size);
    expect(lazy.leads.size).toBe(300);
    const lines = lazy.leads as LeadLines;
    for (const lead of whole.leads.values()) expect(lines.peek(lead.id)).toEqual(lead);
    expect([...lazy.leads.values()].sort((a, b) => a.id.localeCompare(b.id))).toEqual([...whole.leads.values()].sort((a, b) => a.id.localeCompare(b.id)));
    expect(lines.peek("1")).toBeUndefined();
    expect(lazy.meta).toEqual(whole.meta);
  });

  it("peek keeps nothing (a fresh copy each read); get keeps the lead, and peek then returns that one", () => {
    const lines = leadLines({ accounts: ["a"], steps: ["first"], base: T0 }, (_n, e) => e, '{"i":"42","a":0,"s":{"0":{"s":"sent","u":0,"g":0,"t":0}}},');
    const one = lines.peek("42")!;
    expect(one).toEqual({ id: "42", account: "a", steps: { first: { status: "sent", updatedAt: T0, attempts: 1, sendingAt: T0, sentAt: T0 } } });
    expect(lines.peek("42")).not.toBe(one);
    const kept = lines.get("42")!;
    kept.optedOut = true;
    expect(lines.peek("42")).toBe(kept);
    expect(lines.get("42")).toBe(kept);
  });

  it("takes an id with escapes in it from the decoded line, not the raw text", () => {
    const lines = leadLines({ accounts: [], steps: [], base: T0 }, (_n, e) => e, '{"i":"a\\"b\\\\c"}', '{"i":"plain","o":1}', '{"i":"ü-ñ","o":1}');
    expect(lines.peek('a"b\\c')).toEqual({ id: 'a"b\\c', steps: {} });
    expect(lines.peek("plain")).toEqual({ id: "plain", steps: {}, optedOut: true });
    expect(lines.peek("ü-ñ")?.optedOut).toBe(true);
    expect(lines.size).toBe(3);
  });

  it.each([
    { what: "a step index outside the table", edit: (t: string) => t.replace('"s":{"0":', '"s":{"7":') },
    { what: "a damaged line after its id", edit: (t: string) => t.replace(/("i":"1900000000000000100",)/, '$1"s":{') },
    { what: "a line with no readable id", edit: (t: string) => t.replace('{"i":"1900000000000000100"', '{"i":1900000000000000100') },
  ])("$what: found when read, or by checkUnread for a lead nobody read, with the whole decode's message", async ({ edit }) => {
    const file = await stateWithJournal();
    await writeFile(file, edit(await readFile(file, "utf8")));
    const eager = await readStateModel(file).catch((e: unknown) => e);
    expect(eager).toBeInstanceOf(UserError);
    let lazyErr: unknown;
    try {
      const lazy = await readStateModel(file, { lazy: true });
      (lazy!.leads as LeadLines).checkUnread();
    } catch (e) {
      lazyErr = e;
    }
    expect(lazyErr).toBeInstanceOf(UserError);
    expect((lazyErr as UserError).message).toBe((eager as UserError).message);
    expect((lazyErr as UserError).message).toMatch(/not valid JSON \(line \d+: /);
    expect((lazyErr as UserError).details.hint).toEqual((eager as UserError).details.hint);
  });

  it("checkUnread decodes only the lines no one read", () => {
    let bad = 0;
    const lines = leadLines(
      { accounts: [], steps: [], base: T0 },
      (n, e) => {
        bad = n;
        return e;
      },
      '{"i":"1"},',
      '{"i":"2","s":{"9":{}}},',
    );
    const good: LeadState | undefined = lines.peek("1");
    expect(good?.id).toBe("1");
    expect(() => lines.checkUnread()).toThrow();
    expect(bad).toBe(3);
  });

  it("with two damaged lines, says the first of the file whichever lead is read first (as the whole decode does)", async () => {
    const file = await stateWithJournal();
    const text = await readFile(file, "utf8");
    const lines = text.split("\n");
    // Lines 5 and 20 (leads 3 and 18) damaged; lead 18 is read first.
    for (const n of [5, 20]) lines[n - 1] = lines[n - 1]!.replace('"s":{"0":{', '"s":{"0":{{');
    await writeFile(file, lines.join("\n"));
    const eager = (await readStateModel(file).catch((e: unknown) => e)) as UserError;
    expect(eager.message).toMatch(/line 5: /);
    const lazy = (await readStateModel(file, { lazy: true }))!.leads as LeadLines;
    expect(() => lazy.peek(String(1_900_000_000_000_000_000n + 18n))).toThrow(eager.message);
  });

  it("a damaged line is said before what is wrong with the journal, as the whole decode says it", async () => {
    const file = await stateWithJournal();
    await writeFile(file, (await readFile(file, "utf8")).replace('"s":{"0":{', '"s":{"0":{{'));
    await rm(`${file}.journal`);
    const eager = (await readStateModel(file).catch((e: unknown) => e)) as UserError;
    expect(eager.message).toMatch(/not valid JSON \(line 2: /);
    const lazy = (await readStateModel(file, { lazy: true }).catch((e: unknown) => e)) as UserError;
    expect(lazy).toBeInstanceOf(UserError);
    expect(lazy.message).toBe(eager.message);
  });

  it("a snapshot larger than the lazy limit is decoded a line at a time (a Map), with the same leads", async () => {
    const file = await stateWithJournal();
    const small = (await readSnapshotFile(file, { lazy: true, lazyMaxBytes: 100 }))!.model.leads;
    const lazy = (await readSnapshotFile(file, { lazy: true }))!.model.leads;
    expect(small).toBeInstanceOf(Map);
    expect(lazy).toBeInstanceOf(LeadLines);
    expect([...small.values()]).toEqual([...lazy.values()]);
  });
});
