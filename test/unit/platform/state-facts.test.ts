/**
 * The snapshot's kept facts brought up to date from the journal (platform/state-facts.ts) give the
 * summary a whole read of the state gives — sends, failures, replies, reviews, opt-outs, leads new
 * since the snapshot, in the CSV or not — and are never used for another snapshot, a racy one, a
 * damaged file, or a journal that does not belong to the snapshot.
 */
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempCacheHome } from "../../support/cache-home.js";
import { factsPlan, leadFacts, StatusFacts, summarizeFacts } from "../../../src/engine/status-facts.js";
import { summarizeStatus } from "../../../src/engine/status-summary.js";
import { applyRoster, type LeadRoster } from "../../../src/platform/lead-roster.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { factsPath, journalChanges, keptFacts, writeFacts, type KeptFacts } from "../../../src/platform/state-facts.js";
import { identityOf, RACY_MS, type FileIdentity } from "../../../src/platform/status-cache.js";
import type { LeadLines } from "../../../src/state/lead-lines.js";
import { readStateModel } from "../../../src/state/load.js";
import { openState, type StateStore } from "../../../src/state/store.js";
import type { StepRecord } from "../../../src/state/types.js";
import { DAY, makeCampaign, replyStep, sequenceSteps } from "../engine/fakes.js";

const T = Date.UTC(2026, 10, 2, 14);
const campaign = makeCampaign({ accounts: ["acc1", "acc2"], sequence: sequenceSteps(0, 2 * DAY), replySteps: [replyStep()] });
const fingerprint = { campaign: "x", templates: {}, sequence: ["intro", "nudge"], replySteps: ["thank-you"], accounts: ["acc1", "acc2"], idColumn: "id", csv: { size: 0, hash: "" } };
const id = (i: number): string => String(1_500_000_000_000_000_000n + BigInt(i));
/** The CSV's rows: leads 0–199 (lead 5 with a bad zone), not 200–209 (in the state only). */
const roster: LeadRoster = {
  ids: Array.from({ length: 200 }, (_, i) => id(i)),
  zones: Array.from({ length: 200 }, (_, i) => (i === 5 ? -2 : i % 3 === 0 ? 0 : -1)),
  zoneNames: ["Asia/Tokyo"],
  otherSkipped: 2,
};

const tempDir = useTempCacheHome("state-facts-");

const sent = (t: number): StepRecord => ({ status: "sent", updatedAt: t, attempts: 1, sendingAt: t, sentAt: t, messageId: `m${t}` });

async function send(store: StateStore, lead: string, step: string, t: number, account = "acc1"): Promise<void> {
  void store.patchLead(lead, { account, threadId: `t${lead}` });
  void store.setStep(lead, step, { status: "sending", updatedAt: t, attempts: 1, sendingAt: t });
  await store.setStep(lead, step, sent(t));
}

/** A state: 150 leads sent and compacted (the snapshot), then a journal of sends, failures, replies, a review, an opt-out and new leads. */
async function makeState(file: string): Promise<StateStore> {
  const store = await openState({ file, campaign: "Unit", fingerprint, clock: new SimulatedClock(T), fsyncSending: false });
  for (let i = 0; i < 150; i++) await send(store, id(i), "intro", T - 3 * DAY + i * 60_000, i % 2 ? "acc1" : "acc2");
  for (const i of [200, 201]) await send(store, id(i), "intro", T - DAY); // in the state, not the CSV
  await store.setStep(id(7), "nudge", { status: "failed", updatedAt: T, attempts: 3, reason: "DMs closed" });
  await store.compact();
  // The journal after the snapshot.
  for (let i = 10; i < 40; i++) await send(store, id(i), "nudge", T - 60_000 * i);
  for (let i = 150; i < 170; i++) await send(store, id(i), "intro", T - 1000 * i); // new leads, in the CSV
  await send(store, id(205), "intro", T - 5000); // new, not in the CSV
  await send(store, id(200), "nudge", T - 4000); // in the snapshot, not the CSV
  await store.patchLead(id(41), { reply: { at: T - 100, text: "sounds good", messageId: "in41", via: "events", afterStep: "intro" } });
  await store.patchLead(id(42), { reply: { at: T - 90, text: "not now, maybe later", messageId: "in42", via: "events" }, review: { at: T - 90, reason: "may be an opt-out" } });
  await store.patchLead(id(43), { reply: { at: T - 80, text: "STOP", messageId: "in43", via: "events" }, optedOut: true, finishedAt: T - 80, finishReason: "opted-out" });
  await store.setStep(id(44), "nudge", { status: "failed", updatedAt: T, attempts: 3, reason: "not delivered after 3 attempts (500)" });
  await store.setStep(id(7), "nudge", { status: "pending", updatedAt: T, attempts: 3 }); // retried (--retry-failed)
  await store.setStep(id(45), "nudge", { status: "skipped", updatedAt: T, attempts: 0, reason: "already in conversation" });
  return store;
}

/** Facts of the snapshot at `file` as the full read keeps them (status.ts). */
async function factsOfSnapshot(file: string): Promise<Omit<KeptFacts, "otherIds"> & { otherIds: string[] }> {
  const state = (await readStateModel(file, { lazy: true }))!;
  const lines = state.leads as LeadLines;
  const plan = factsPlan(campaign);
  const facts = new StatusFacts(roster.ids.length, plan.stepIds.length);
  const ranges = new Float64Array(roster.ids.length * 2).fill(-1);
  roster.ids.forEach((lead, r) => {
    const base = lines.snapshotLead(lead);
    facts.push(r, base && leadFacts(plan, base));
    const range = lines.lineRange(lead);
    if (range) [ranges[r * 2], ranges[r * 2 + 1]] = range;
  });
  const inRoster = new Set(roster.ids);
  return { facts, ranges, meta: state.meta, tables: lines.tables, snapshotLeads: lines.snapshotSize, otherIds: [...lines.snapshotIds()].filter((l) => !inRoster.has(l)) };
}

function identity(file: string): FileIdentity {
  return identityOf(file, statSync(file, { bigint: true }));
}

describe("kept facts and the journal", () => {
  it("give the summary of the whole state, for any suppression list", async () => {
    const file = join(tempDir(), "a", "state.json");
    const store = await makeState(file);
    // Facts of the snapshot alone: kept as a status made right after the compaction would.
    const snapshot = await factsOfSnapshot(file);
    const campaignFile = join(tempDir(), "a.yaml");
    const readAt = Date.now() + RACY_MS + 1;
    await writeFacts(campaignFile, campaign, "roster-1", identity(file).identity, readAt, snapshot);
    const kept = keptFacts(campaignFile, campaign, "roster-1", roster.ids.length, identity(file))!;
    expect(kept).toBeDefined();
    const changes = journalChanges(campaign, roster, kept, file, identity(file))!;
    expect(changes.override.size).toBe(30 + 20 + 6); // the rows the journal changed, new ones included
    const whole = (await readStateModel(file))!;
    for (const suppressed of [new Set<string>(), new Set([id(43), id(3), id(160), "99"])]) {
      const ctx = { campaign, leadsInState: changes.leadsInState, suppressed, computedAt: T };
      const { leads, skippedRows } = applyRoster(roster, suppressed, (l) => whole.leads.get(l));
      const want = summarizeStatus(campaign, { leads: whole.leads }, leads, skippedRows, T);
      expect(summarizeFacts(ctx, roster, kept.facts, changes.override)).toEqual(want);
      expect(want.report).toMatchObject({ leadsInState: 173, replied: 3, optedOut: 1, needsReview: [{ leadId: id(42) }] });
    }
    await store.close();
  });

  it("are not used for another roster, other steps, a snapshot changed since or within the racy window, or a damaged file", async () => {
    const file = join(tempDir(), "b", "state.json");
    const store = await makeState(file);
    const snapshot = await factsOfSnapshot(file);
    const campaignFile = join(tempDir(), "b.yaml");
    const now = identity(file);
    await writeFacts(campaignFile, campaign, "roster-1", now.identity, Date.now() + RACY_MS + 1, snapshot);
    expect(keptFacts(campaignFile, campaign, "roster-1", 200, now)).toBeDefined();
    expect(keptFacts(campaignFile, campaign, "roster-2", 200, now)).toBeUndefined();
    expect(keptFacts(campaignFile, campaign, "roster-1", 201, now)).toBeUndefined();
    expect(keptFacts(campaignFile, { ...campaign, sequence: sequenceSteps(0, 3 * DAY) }, "roster-1", 200, now)).toBeUndefined();
    expect(keptFacts(campaignFile, campaign, "roster-1", 200, { ...now, identity: `${now.identity}1` })).toBeUndefined();
    await writeFacts(campaignFile, campaign, "roster-1", now.identity, now.changedMs + RACY_MS, snapshot);
    expect(keptFacts(campaignFile, campaign, "roster-1", 200, now)).toBeUndefined();
    await writeFacts(campaignFile, campaign, "roster-1", now.identity, Date.now() + RACY_MS + 1, snapshot);
    const bytes = readFileSync(factsPath(campaignFile));
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    writeFileSync(factsPath(campaignFile), bytes);
    expect(keptFacts(campaignFile, campaign, "roster-1", 200, now)).toBeUndefined();
    await store.close();
  });

  it("leave it to the full read when the journal is another state's, or the snapshot file is not the one identified", async () => {
    const file = join(tempDir(), "c", "state.json");
    const store = await makeState(file);
    const other = join(tempDir(), "d", "state.json");
    const otherStore = await makeState(other);
    const snapshot = await factsOfSnapshot(file);
    const campaignFile = join(tempDir(), "c.yaml");
    const id0 = identity(file);
    await writeFacts(campaignFile, campaign, "r", id0.identity, Date.now() + RACY_MS + 1, snapshot);
    const kept = keptFacts(campaignFile, campaign, "r", 200, id0)!;
    expect(journalChanges(campaign, roster, kept, file, id0)).toBeDefined();
    // Another state's journal in its place: the full read refuses it, in its own words.
    const journal = readFileSync(`${file}.journal`);
    copyFileSync(`${other}.journal`, `${file}.journal`);
    expect(journalChanges(campaign, roster, kept, file, id0)).toBeUndefined();
    writeFileSync(`${file}.journal`, journal);
    // The snapshot replaced after its identity was taken: the lines are not read from the new file.
    copyFileSync(other, file);
    expect(journalChanges(campaign, roster, kept, file, id0)).toBeUndefined();
    await store.close();
    await otherStore.close();
  });
});
