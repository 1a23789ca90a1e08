/**
 * In-memory stand-ins for the engine's ports (ports.ts), driven by a SimulatedClock: a campaign
 * builder, a store that keeps leads in a Map, a scripted Inbox API that records every call, a gate
 * that runs requests at once, and a reply source fed by the test.
 */
import { message as messageFixture } from "../replies/fixtures.js";
import type { Campaign, ReplyStep, SequenceStep } from "../../../src/config/types.js";
import type { EngineEvent } from "../../../src/engine/events.js";
import type { EngineDeps, ProgressStore, ReceivedReply, ReplyBatch, ReplySource } from "../../../src/engine/ports.js";
import type { InboxApi, Message } from "../../../src/inbox/types.js";
import type { Lead } from "../../../src/leads/types.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import type { LeadState, StateMeta, StepRecord } from "../../../src/state/types.js";

export const T0 = Date.UTC(2026, 2, 2, 14, 0, 0); // Mon 2026-03-02 09:00 New York
export const ACCOUNT = "acc1";
export const OTHER_ACCOUNT = "acc2";
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function sequenceSteps(...afterMs: number[]): SequenceStep[] {
  const ids = ["intro", "nudge", "nudge-2", "nudge-3"];
  return afterMs.map((ms, index) => ({ kind: "sequence", id: ids[index] ?? `s${index}`, template: `/t/${index}.hbs`, afterMs: ms, index }));
}

export function replyStep(over: Partial<ReplyStep> = {}): ReplyStep {
  return { kind: "reply", id: "thank-you", template: "/t/thanks.hbs", delayMs: 10 * MINUTE, actions: { tags: [] }, ...over };
}

export function makeCampaign(over: Partial<Campaign> = {}): Campaign {
  return {
    name: "Unit",
    slug: "unit",
    file: "/c/campaign.yaml",
    dir: "/c",
    leads: { file: "/c/leads.csv", delimiter: ",", idColumn: "x_user_id" },
    accounts: [ACCOUNT, OTHER_ACCOUNT],
    sequence: sequenceSteps(0, 3 * DAY),
    replySteps: [replyStep()],
    pacing: {
      window: { timezone: "UTC", days: [0, 1, 2, 3, 4, 5, 6], startMinute: 0, endMinute: 1440 },
      perAccount: { perHour: 1000, perDay: 10_000, gapMinMs: 0, gapMaxMs: 0 },
      api: [],
    },
    replies: { source: "events", pollIntervalMs: 30_000, optOut: [], keepOpenMs: 7 * DAY },
    stateFile: "/c/state.json",
    contacted: "skip",
    team: { whenRedisDown: "fail", localShare: 0.25 },
    ...over,
  };
}

/**
 * A campaign as status sees a real one: 3 accounts, 3 sequence steps (0, 2 d, 3 d) and a reply step,
 * a weekday 09–17 New York window, caps `perHour` / `perDay`, gaps of 2–4 min, a team quota of 300 a minute.
 */
export function statusCampaign(perHour: number, perDay: number): Campaign {
  return makeCampaign({
    accounts: ["acc0", "acc1", "acc2"],
    sequence: sequenceSteps(0, 2 * DAY, 3 * DAY),
    replySteps: [replyStep()],
    pacing: {
      window: { timezone: "America/New_York", days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 },
      perAccount: { perHour, perDay, gapMinMs: 2 * MINUTE, gapMaxMs: 4 * MINUTE },
      api: [{ limit: 300, windowMs: 60_000 }],
    },
  });
}

export function lead(id: string, position = 1): Lead {
  return { id, position, line: position + 1, fields: { x_user_id: id, first_name: "Ada" } };
}

export class MemoryStore implements ProgressStore {
  readonly meta: StateMeta;
  readonly map = new Map<string, LeadState>();
  /** Every write, in order, for tests that care about sequencing. */
  readonly writes: string[] = [];

  constructor(createdAt: number, leads: LeadState[] = []) {
    this.meta = {
      version: 3,
      campaign: "Unit",
      stateId: "unit-state",
      generation: 0,
      createdAt,
      updatedAt: createdAt,
      fingerprint: { campaign: "", templates: {}, sequence: [], replySteps: [], accounts: [], idColumn: "x_user_id", csv: { size: 0, hash: "" } },
      eventsSeq: null,
      tagIds: {},
      statusIds: {},
    };
    for (const l of leads) this.map.set(l.id, structuredClone(l));
  }

  lead(id: string): LeadState | undefined {
    return this.map.get(id);
  }

  leads(): IterableIterator<LeadState> {
    return this.map.values();
  }

  async setStep(leadId: string, stepId: string, record: StepRecord): Promise<void> {
    this.writes.push(`step ${leadId} ${stepId} ${record.status}`);
    const l = this.map.get(leadId) ?? { id: leadId, steps: {} };
    this.map.set(leadId, { ...l, steps: { ...l.steps, [stepId]: record } });
  }

  async patchLead(leadId: string, patch: Partial<Omit<LeadState, "id" | "steps">>): Promise<void> {
    this.writes.push(`lead ${leadId} ${Object.keys(patch).join(",")}`);
    const l = this.map.get(leadId) ?? { id: leadId, steps: {} };
    this.map.set(leadId, { ...l, ...patch });
  }

  async patchMeta(patch: Partial<StateMeta>): Promise<void> {
    this.writes.push(`meta ${Object.keys(patch).join(",")}`);
    Object.assign(this.meta, patch);
  }
}

/** A lead that got the intro from ACCOUNT at `at` in thread `thr_<id>`. */
export function contacted(id: string, at: number, extra: Partial<LeadState> = {}): LeadState {
  return {
    id,
    account: ACCOUNT,
    threadId: `thr_${id}`,
    steps: { intro: { status: "sent", updatedAt: at, attempts: 1, sendingAt: at, sentAt: at, messageId: `m_${id}` } },
    ...extra,
  };
}

/** A scripted Inbox API: thread messages set by the test, prospect/tag/status calls recorded. */
export class FakeApi {
  readonly calls: string[] = [];
  readonly threadMessages = new Map<string, Message[]>();
  private seq = 0;

  inbound(threadId: string, authorId: string, at: number, content: string): void {
    const list = this.threadMessages.get(threadId) ?? [];
    list.push(message(threadId, authorId, at, content, `in_${++this.seq}`));
    this.threadMessages.set(threadId, list);
  }

  readonly api = {
    listMessages: async (threadId: string) => {
      this.calls.push(`listMessages ${threadId}`);
      // Newest first, as the API returns them.
      const messages = [...(this.threadMessages.get(threadId) ?? [])].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
      return { messages, nextCursor: null };
    },
    lookupProspect: async (id: string) => {
      this.calls.push(`lookupProspect ${id}`);
      return { externalId: `p_${id}` };
    },
    listTags: async () => {
      this.calls.push("listTags");
      return [{ id: "tag_existing", name: "Replied" }];
    },
    createTag: async (b: { name: string }) => {
      this.calls.push(`createTag ${b.name}`);
      return { id: `tag_${b.name}`, name: b.name };
    },
    listStatuses: async () => {
      this.calls.push("listStatuses");
      return [];
    },
    createStatus: async (b: { name: string }) => {
      this.calls.push(`createStatus ${b.name}`);
      return { id: `st_${b.name}`, name: b.name };
    },
    updateProspectContext: async (id: string, body: unknown) => {
      this.calls.push(`updateProspectContext ${id} ${JSON.stringify(body)}`);
      return {};
    },
    updateThread: async (id: string, body: unknown) => {
      this.calls.push(`updateThread ${id} ${JSON.stringify(body)}`);
      return {};
    },
  } as unknown as InboxApi;
}

export function message(threadId: string, authorId: string, at: number, content: string, id: string): Message {
  return messageFixture({ threadId, authorId, createdAt: new Date(at).toISOString(), content, id });
}

/** A reply source the test pushes batches into; `commits` counts cursor commits. */
export class FakeReplySource implements ReplySource {
  readonly batches: { replies: ReceivedReply[]; gap?: string; more?: boolean }[] = [];
  commits = 0;
  fetches = 0;
  fail: Error | undefined;

  async fetch(): Promise<ReplyBatch> {
    this.fetches++;
    if (this.fail) throw this.fail;
    const b = this.batches.shift() ?? { replies: [] };
    return { ...b, commit: async () => void this.commits++ };
  }
}

export function reply(leadId: string, at: number, text: string, over: Partial<ReceivedReply> = {}): ReceivedReply {
  return {
    messageId: `r_${leadId}_${at}`,
    threadId: `thr_${leadId}`,
    accountLinkId: ACCOUNT,
    prospectPlatformId: leadId,
    text,
    at,
    via: "events",
    ...over,
  };
}

export interface Harness {
  deps: EngineDeps;
  clock: SimulatedClock;
  store: MemoryStore;
  api: FakeApi;
  source: FakeReplySource;
  events: EngineEvent[];
  suppressed: string[];
  of<K extends EngineEvent["type"]>(type: K): Extract<EngineEvent, { type: K }>[];
}

export function harness(opts: { campaign?: Campaign; leads?: Lead[]; states?: LeadState[]; now?: number } = {}): Harness {
  const clock = new SimulatedClock(opts.now ?? T0);
  const store = new MemoryStore((opts.now ?? T0) - DAY, opts.states ?? []);
  const api = new FakeApi();
  const source = new FakeReplySource();
  const events: EngineEvent[] = [];
  const suppressed: string[] = [];
  const deps: EngineDeps = {
    campaign: opts.campaign ?? makeCampaign(),
    leads: opts.leads ?? [],
    api: api.api,
    gate: { schedule: (fn) => fn(), observe: () => undefined, holdUntil: () => undefined },
    pacing: { nextAllowedAt: (_a, now) => now, recordSend: () => undefined, restore: () => undefined },
    lanes: { isBusy: () => false, run: (_account, _priority, fn) => fn() },
    store,
    renderer: { render: (stepId, l) => ({ ok: true, text: `[${stepId}] hi ${l.id}` }) },
    replies: source,
    clock,
    suppress: async (id) => void suppressed.push(id),
    emit: (e) => void events.push(e),
    stop: new AbortController().signal,
    options: { once: false, maxConsecutiveFailures: 5, pollIntervalMs: 30_000, checkThreadsOnGap: true },
  };
  return {
    deps,
    clock,
    store,
    api,
    source,
    events,
    suppressed,
    of: (type) => events.filter((e) => e.type === type) as never,
  };
}
