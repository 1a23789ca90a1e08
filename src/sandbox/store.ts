/**
 * The in-memory model of one team's inbox: prospects (with their CRM context), threads and messages,
 * plus the event each change produces. No HTTP here: handlers translate requests into these calls.
 */
import type { Message, Prospect, Thread } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import type { Catalog } from "./catalog.js";
import type { EventLog } from "./events.js";
import { snowflake, type IdGenerator } from "./ids.js";
import type { SandboxLiveConfig } from "./options.js";
import type { ProspectDirectory } from "./prospects.js";

export type Direction = "outbound" | "inbound";

/** Replaced, never mutated, so event snapshots can share it. */
export interface ProspectContext {
  readonly tags: readonly string[];
  readonly statusId: string | null;
  readonly valuation: number | null;
  readonly notes: string | null;
}

export interface ProspectRecord {
  platformId: string;
  externalId: string;
  firstSeenAt: number;
  context: ProspectContext;
  threadIds: string[];
}

export type ThreadView = Omit<Thread, "prospect">;
export type ProspectWithContext = Prospect & { context: Thread["prospect"]["context"] & { threads?: ThreadRef[] | null } };
interface ThreadRef {
  id: string;
  accountLinkId: string;
  lastMessageTimestamp: string | null;
  createdAt: string;
}

export interface ThreadRecord {
  id: string;
  platformId: string;
  accountLinkId: string;
  prospectId: string;
  createdAt: number;
  done: boolean;
  assigneeId: string | null;
  /** Oldest first; `positions` maps message id → index for cursor lookups. */
  messages: Message[];
  positions: Map<string, number>;
  hasOutbound: boolean;
  hasInbound: boolean;
  /** Clock ms of the last GET /threads/{id}/messages: what a client could know of the thread when it next sends. */
  lastListedAt?: number;
  /** Cached wire view; cleared on every change, shared (immutable) by events taken meanwhile. */
  view: ThreadView | undefined;
}

/** One line of the sandbox's own record of traffic (GET /_sandbox/messages). */
export interface SentRecord {
  message: Message;
  direction: Direction;
  accountLinkId: string;
  externalPlatformId: string;
  /** The send was stored but its HTTP response was deliberately lost (lostResponseRate / failNext). */
  responseLost: boolean;
  /** Outbound: when the sender last listed the thread's messages before this send (clock ms), if ever. */
  threadListedAt?: number;
}

const EMPTY_CONTEXT: ProspectContext = { tags: [], statusId: null, valuation: null, notes: null };

export interface StoreDeps {
  ids: IdGenerator;
  clock: Clock;
  config: () => SandboxLiveConfig;
  directory: ProspectDirectory;
  catalog: Catalog;
  events: EventLog;
}

export class Store {
  readonly prospects = new Map<string, ProspectRecord>();
  private readonly prospectsByExternalId = new Map<string, ProspectRecord>();
  readonly threads = new Map<string, ThreadRecord>();
  private readonly threadsByPair = new Map<string, ThreadRecord>();
  readonly log: SentRecord[] = [];
  /** Messages stored per direction (stats without scanning the log). */
  readonly counts: Record<Direction, number> = { outbound: 0, inbound: 0 };
  private snowflakeSeq = 0;

  constructor(private readonly deps: StoreDeps) {}

  prospect(platformId: string): ProspectRecord {
    let record = this.prospects.get(platformId);
    if (!record) {
      const externalId = this.deps.directory.externalId(platformId);
      record = { platformId, externalId, firstSeenAt: this.deps.clock.now(), context: EMPTY_CONTEXT, threadIds: [] };
      this.prospects.set(platformId, record);
      this.prospectsByExternalId.set(externalId, record);
    }
    return record;
  }

  prospectByExternalId(externalId: string): ProspectRecord | undefined {
    return this.prospectsByExternalId.get(externalId);
  }

  findThread(accountLinkId: string, platformId: string): ThreadRecord | undefined {
    return this.threadsByPair.get(`${accountLinkId}:${platformId}`);
  }

  /** Finds or creates the thread between an account link and a prospect (the quick-send contract). */
  openThread(accountLinkId: string, platformId: string, at: number): ThreadRecord {
    const existing = this.findThread(accountLinkId, platformId);
    if (existing) return existing;
    const link = this.deps.catalog.accountLink(accountLinkId);
    if (!link) throw new Error(`unknown account link ${accountLinkId}`);
    const [low, high] = BigInt(link.platformId) < BigInt(platformId) ? [link.platformId, platformId] : [platformId, link.platformId];
    const thread: ThreadRecord = {
      id: this.deps.ids.next("thread"),
      platformId: `${low}:${high}`, // "{smallerUserId}:{largerUserId}" (reference.md §1)
      accountLinkId,
      prospectId: platformId,
      createdAt: at,
      done: false,
      assigneeId: null,
      messages: [],
      positions: new Map(),
      hasOutbound: false,
      hasInbound: false,
      view: undefined,
    };
    this.threads.set(thread.id, thread);
    this.threadsByPair.set(`${accountLinkId}:${platformId}`, thread);
    const prospect = this.prospect(platformId);
    prospect.threadIds.push(thread.id);
    const view = this.view(thread);
    const context = prospect.context;
    this.emit("thread.created", at, () => {
      const full = this.fullProspect(prospect, context, at);
      return { thread: { ...view, prospect: full }, prospect: full };
    });
    return thread;
  }

  /** Stores a message as sent (outbound, by the account link via the API) or received (inbound, by the prospect). */
  addMessage(thread: ThreadRecord, direction: Direction, content: string, at: number): SentRecord {
    const isOutbound = direction === "outbound";
    const message: Message = {
      id: this.deps.ids.next("message"),
      platform: "twitter",
      platformId: snowflake(at, this.snowflakeSeq++),
      teamId: this.deps.catalog.team.id,
      threadId: thread.id,
      // Outbound authorId is the account link id; inbound is the prospect's numeric X id (reference.md §5, §8).
      authorId: isOutbound ? thread.accountLinkId : thread.prospectId,
      userId: null,
      campaignId: null,
      origin: isOutbound ? "api" : "external",
      content,
      createdAt: new Date(at).toISOString(),
      updatedAt: null,
      replyData: null,
      forwardData: null,
      entities: null,
      attachment: null,
      reactions: [],
      isEncrypted: false,
      isEdited: false,
      deletedAt: null,
      platformDeletedAt: null,
    };
    thread.positions.set(message.id, thread.messages.length);
    thread.messages.push(message);
    if (isOutbound) thread.hasOutbound = true;
    else thread.hasInbound = true;
    this.counts[direction]++;
    thread.view = undefined;
    const record: SentRecord = {
      message,
      direction,
      accountLinkId: thread.accountLinkId,
      externalPlatformId: thread.prospectId,
      responseLost: false,
      ...(isOutbound && thread.lastListedAt !== undefined ? { threadListedAt: thread.lastListedAt } : {}),
    };
    this.log.push(record);
    const view = this.view(thread);
    const prospect = this.prospect(thread.prospectId);
    const context = prospect.context;
    this.emit("message.created", at, () => ({
      message,
      thread: { ...view, prospect: { ...this.deps.directory.shortProfile(thread.prospectId), context } },
    }));
    return record;
  }

  view(thread: ThreadRecord): ThreadView {
    if (thread.view) return thread.view;
    const last = thread.messages[thread.messages.length - 1];
    const createdAt = new Date(thread.createdAt).toISOString();
    thread.view = {
      id: thread.id,
      platform: "twitter",
      platformId: thread.platformId,
      done: thread.done,
      assigneeId: thread.assigneeId,
      lastMessageTimestamp: last?.createdAt ?? null,
      computedSortTimestamp: last?.createdAt ?? createdAt,
      createdAt,
      status: "active",
      // unencrypted until both sides have sent a message (spec: Thread.variant).
      variant: thread.hasOutbound && thread.hasInbound ? "xChat" : "unencrypted",
      accountLinkId: thread.accountLinkId,
      isSyncing: false,
      isRequest: false,
      typingIndicatorsEnabled: null,
      lastMessage: last
        ? {
            id: last.id,
            content: last.content,
            authorId: last.authorId,
            createdAt: last.createdAt,
            userId: last.userId,
            campaignId: last.campaignId,
          }
        : null,
    };
    return thread.view;
  }

  threadJson(thread: ThreadRecord): Thread {
    const prospect = this.prospect(thread.prospectId);
    return { ...this.view(thread), prospect: this.fullProspect(prospect, prospect.context, this.deps.clock.now()) };
  }

  fullProspect(record: ProspectRecord, context: ProspectContext, at: number): Thread["prospect"] {
    const profile = this.deps.directory.profile(record.platformId, record.firstSeenAt, at, this.deps.config());
    return { ...profile, context: { ...context, tags: [...context.tags] } };
  }

  /** Prospect + context, with `context.threads` as GET /prospects/lookup documents it. */
  prospectJson(record: ProspectRecord): ProspectWithContext {
    const full = this.fullProspect(record, record.context, this.deps.clock.now());
    const threads = record.threadIds.flatMap((id) => {
      const t = this.threads.get(id);
      if (!t) return [];
      const v = this.view(t);
      return [{ id: t.id, accountLinkId: t.accountLinkId, lastMessageTimestamp: v.lastMessageTimestamp, createdAt: v.createdAt }];
    });
    return { ...full, context: { ...full.context, threads } };
  }

  /** Replaces the context and emits one event per changed aspect, each showing the value after the change. */
  setContext(record: ProspectRecord, next: ProspectContext, at: number): void {
    const before = record.context;
    record.context = next;
    const changed: Array<[boolean, "prospect.tagsChanged" | "prospect.statusChanged" | "prospect.notesChanged" | "prospect.valuationChanged"]> = [
      [!sameTags(before.tags, next.tags), "prospect.tagsChanged"],
      [before.statusId !== next.statusId, "prospect.statusChanged"],
      [before.notes !== next.notes, "prospect.notesChanged"],
      [before.valuation !== next.valuation, "prospect.valuationChanged"],
    ];
    for (const [isChanged, type] of changed) {
      if (isChanged) this.emit(type, at, () => ({ prospect: this.fullProspect(record, next, at) }));
    }
    for (const id of record.threadIds) {
      const t = this.threads.get(id);
      if (t) t.view = undefined;
    }
  }

  setThread(thread: ThreadRecord, patch: { done?: boolean; assigneeId?: string | null }, at: number): void {
    const types: Array<"thread.archived" | "thread.unarchived" | "thread.assigned" | "thread.unassigned"> = [];
    if (patch.done !== undefined && patch.done !== thread.done) {
      thread.done = patch.done;
      types.push(patch.done ? "thread.archived" : "thread.unarchived");
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== thread.assigneeId) {
      thread.assigneeId = patch.assigneeId;
      types.push(patch.assigneeId === null ? "thread.unassigned" : "thread.assigned");
    }
    thread.view = undefined;
    const view = this.view(thread);
    const prospect = this.prospect(thread.prospectId);
    const context = prospect.context;
    for (const type of types) {
      this.emit(type, at, () => ({ thread: { ...view, prospect: this.fullProspect(prospect, context, at) } }));
    }
  }

  threadsByUsername(username: string, accountLinkIds: readonly string[] | undefined): ThreadRecord[] {
    const wanted = username.toLowerCase();
    const out: ThreadRecord[] = [];
    for (const t of this.threads.values()) {
      if (accountLinkIds && accountLinkIds.length > 0 && !accountLinkIds.includes(t.accountLinkId)) continue;
      if (this.deps.directory.username(t.prospectId) === wanted) out.push(t);
    }
    return out;
  }

  emit(type: Parameters<EventLog["append"]>[1], at: number, data: () => unknown): void {
    this.deps.events.append(this.deps.ids.next("event"), type, at, data);
  }
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t) => b.includes(t));
}
