import { describe, expect, it } from "vitest";
import { applyRecord, type JournalRecord, type StateModel } from "../../../src/state/journal-records.js";
import { PackedLeads, type HoldWeakly } from "../../../src/state/lead-map.js";
import type { LeadState, StateMeta } from "../../../src/state/types.js";
import { openState } from "../../../src/state/store.js";
import { readStateModel } from "../../../src/state/load.js";
import { T0, clock, fingerprint, tempDir } from "./helpers.js";

/** Weak holds the test collects on demand: `collect()` drops every lead not in `held`, as a GC would. */
function fakeWeakRefs(): { holdWeakly: HoldWeakly; collect(held: ReadonlySet<LeadState>): number } {
  const refs: { lead: LeadState | undefined }[] = [];
  return {
    holdWeakly: (lead) => {
      const ref = { lead: lead as LeadState | undefined };
      refs.push(ref);
      return { deref: () => ref.lead };
    },
    collect(held) {
      let n = 0;
      for (const ref of refs) {
        if (ref.lead !== undefined && !held.has(ref.lead)) {
          ref.lead = undefined;
          n++;
        }
      }
      return n;
    },
  };
}

const meta = { updatedAt: 0 } as StateMeta;

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random journal record for lead `id`, as a run writes them. */
function randomRecord(next: () => number, id: string, t: number): JournalRecord {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  switch (pick(["step", "step", "lead", "lead"] as const)) {
    case "step":
      return {
        k: "step",
        l: id,
        s: pick(["intro", "nudge", "bump", "reply:yes"]),
        r: {
          status: pick(["sending", "sent", "failed", "skipped", "pending"] as const),
          updatedAt: t,
          attempts: pick([0, 1, 2]),
          ...(next() < 0.8 ? { sendingAt: t - 5 } : {}),
          ...(next() < 0.5 ? { serverSendingAt: t - 3 } : {}),
          ...(next() < 0.5 ? { sentAt: t + 40, messageId: `msg-${Math.floor(next() * 1e9)}` } : {}),
          ...(next() < 0.7 ? { contentHash: "ab".repeat(16) } : {}),
          ...(next() < 0.2 ? { reason: 'the API said "no" — ünïcode \u2028 line' } : {}),
        },
        t,
      };
    case "lead":
      return {
        k: "lead",
        l: id,
        p: pick([
          { account: pick(["acct-a", "acct-b", "acct-c"]), threadId: `thr-${Math.floor(next() * 1e6)}` },
          { prospectId: `p-${id}` },
          { reply: { at: t, messageId: "r1", text: "Sure, tell me more 👋", via: "events" as const, afterStep: "intro" } },
          { optedOut: true },
          { review: { at: t, reason: "maybe a stop" } },
          { review: undefined },
          { finishedAt: t, finishReason: "completed" },
          { finishedAt: undefined, finishReason: undefined },
        ]),
        t,
      };
  }
}

describe("PackedLeads: a lead map that keeps idle leads as lines", () => {
  it("holds exactly what a plain Map holds through random records, packing and collection (3 seeds, 3,000 records each)", () => {
    for (const seed of [1, 2, 3]) {
      const next = random(seed);
      const weak = fakeWeakRefs();
      const packed = new PackedLeads({ base: T0, hotLimit: 4, holdWeakly: weak.holdWeakly });
      const plain: StateModel = { meta: { ...meta }, leads: new Map() };
      const model: StateModel = { meta: { ...meta }, leads: packed };
      const ids = Array.from({ length: 60 }, (_, i) => String(1_000_000_000_000_000_000n + BigInt(i) * 7_919n));
      const held = new Set<LeadState>();
      for (let i = 0; i < 3000; i++) {
        const id = ids[Math.floor(next() * ids.length)]!;
        const rec = randomRecord(next, id, T0 + i * 1000);
        applyRecord(plain, structuredClone(rec));
        applyRecord(model, structuredClone(rec));
        // A caller holding some leads (an in-flight send), letting go of others, and the collector running.
        if (next() < 0.1) held.add(packed.get(id)!);
        if (next() < 0.1) held.clear();
        if (next() < 0.05) weak.collect(held);
        const probe = ids[Math.floor(next() * ids.length)]!;
        expect(packed.get(probe)).toEqual(plain.leads.get(probe));
      }
      expect(packed.size).toBe(plain.leads.size);
      expect([...packed.values()]).toEqual([...plain.leads.values()]);
      // Most leads sit packed: only the last periods' are objects.
      expect(packed.hotCount).toBeLessThanOrEqual(8 + held.size);
    }
  });

  it("never makes a second object for a lead someone holds: get returns the held one, with every later change", () => {
    const weak = fakeWeakRefs();
    const leads = new PackedLeads({ hotLimit: 2, holdWeakly: weak.holdWeakly });
    const model: StateModel = { meta: { ...meta }, leads };
    applyRecord(model, { k: "lead", l: "1", p: { account: "acct-a" }, t: T0 });
    const held = leads.get("1")!;
    // Touch enough other leads that "1" is packed twice over.
    for (let i = 2; i < 40; i++) applyRecord(model, { k: "lead", l: String(i), p: { account: "acct-b" }, t: T0 });
    expect(leads.hotCount).toBeLessThan(10);
    weak.collect(new Set([held]));
    applyRecord(model, { k: "step", l: "1", s: "intro", r: { status: "sent", updatedAt: T0, attempts: 1 }, t: T0 });
    expect(leads.get("1")).toBe(held);
    expect(held.steps.intro?.status).toBe("sent");
  });

  it("decodes a lead again once nobody holds it, equal to what it was", () => {
    const weak = fakeWeakRefs();
    const leads = new PackedLeads({ hotLimit: 2, holdWeakly: weak.holdWeakly });
    const model: StateModel = { meta: { ...meta }, leads };
    applyRecord(model, { k: "lead", l: "1", p: { account: "acct-a", threadId: "t-1", optedOut: true }, t: T0 });
    applyRecord(model, { k: "step", l: "1", s: "intro", r: { status: "sent", updatedAt: T0, attempts: 1, messageId: "m" }, t: T0 });
    const before = structuredClone(leads.get("1"));
    for (let i = 2; i < 40; i++) leads.get(String(i)) ?? applyRecord(model, { k: "lead", l: String(i), p: {}, t: T0 });
    expect(weak.collect(new Set())).toBeGreaterThan(0);
    const after = leads.get("1");
    expect(after).toEqual(before);
  });

  it("from() moves a Map's leads in packed, emptying the Map as it goes", () => {
    const source = new Map<string, LeadState>([
      ["1", { id: "1", account: "a", steps: { intro: { status: "sent", updatedAt: T0, attempts: 1 } } }],
      ["__proto__", { id: "__proto__", steps: {} }],
    ]);
    const leads = PackedLeads.from(source);
    expect(source.size).toBe(0);
    expect(leads.size).toBe(2);
    expect(leads.hotCount).toBe(0);
    expect(leads.get("1")).toEqual({ id: "1", account: "a", steps: { intro: { status: "sent", updatedAt: T0, attempts: 1 } } });
    expect(leads.get("__proto__")).toEqual({ id: "__proto__", steps: {} });
  });
});

describe("the state store over PackedLeads", () => {
  it("keeps 3,000 leads through sends, packing, compaction and reopening, equal to a plain replay", async () => {
    const file = `${await tempDir()}/state.json`;
    const store = await openState({ file, campaign: "launch", fingerprint, clock: clock(), fsyncSending: false, compactEvery: 2500 });
    const plain: StateModel = { meta: { ...meta }, leads: new Map() };
    const next = random(7);
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 9000; i++) {
      const id = String(2_000_000_000_000_000_000n + BigInt(Math.floor(next() * 3000)));
      const rec = randomRecord(next, id, T0 + i);
      if (rec.k === "step") {
        // The store refuses illegal edges (sent → anything, …) at once: those records are not written.
        try {
          writes.push(store.setStep(rec.l, rec.s, rec.r));
        } catch {
          continue;
        }
      } else if (rec.k === "lead") writes.push(store.patchLead(rec.l, rec.p));
      applyRecord(plain, structuredClone(rec));
    }
    await Promise.all(writes);
    for (const [id, lead] of plain.leads as Map<string, LeadState>) expect(store.lead(id)).toEqual(lead);
    await store.close();
    const reread = await readStateModel(file);
    expect(reread?.leads.size).toBe(plain.leads.size);
    for (const [id, lead] of plain.leads as Map<string, LeadState>) expect(reread?.leads.get(id)).toEqual(lead);
  });
});
