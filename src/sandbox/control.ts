/**
 * Inspection and control, for tests and rehearsals: under /_sandbox (outside /api/v1, so never rate
 * limited or fault-injected; same bearer token) and as methods on the Sandbox object.
 */
import { z } from "zod";
import type { Message } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { defaultCode, type ForcedFailure } from "./faults.js";
import { badRequest, notFound } from "./http.js";
import { parseConfigPatch, type SandboxLiveConfig } from "./options.js";
import { parseWith, route, type Route } from "./router.js";
import { requireAccountLink } from "./send.js";
import type { Direction } from "./store.js";
import type { WebhookStats } from "./webhooks.js";
import type { RequestStats, World } from "./world.js";

export interface ControlHost {
  readonly world: World;
  readonly clock: Clock;
  reset(): void;
  tick(): number;
}

/** One message as the sandbox recorded it: what a test checks "was sent". */
export interface SandboxMessage {
  id: string;
  direction: Direction;
  accountLinkId: string;
  externalPlatformId: string;
  threadId: string;
  content: string;
  createdAt: string;
  /** The message was stored but its HTTP response was deliberately lost. */
  responseLost: boolean;
  /**
   * Outbound: when the sender last listed this thread's messages before sending (ISO), if it did. A reply
   * created after it could not have been seen by that read: the window a send without a condition leaves.
   */
  threadListedAt?: string;
}

export interface MessageFilter {
  direction?: Direction;
  accountLinkId?: string;
  externalPlatformId?: string;
}

export interface SandboxStats extends RequestStats {
  /** Outbound messages stored. */
  sends: number;
  /** Inbound replies stored. */
  replies: number;
  /** Replies scheduled but not yet due. */
  pendingReplies: number;
  /** Events retained for GET /events. */
  events: number;
  webhooks: WebhookStats;
}

export interface ReplyInput {
  externalPlatformId: string;
  /** Which thread to reply in; default the most recently created thread with the prospect. */
  accountLinkId?: string;
  text: string;
}

export function listSandboxMessages(world: World, filter: MessageFilter = {}): SandboxMessage[] {
  const out: SandboxMessage[] = [];
  for (const r of world.store.log) {
    if (filter.direction !== undefined && r.direction !== filter.direction) continue;
    if (filter.accountLinkId !== undefined && r.accountLinkId !== filter.accountLinkId) continue;
    if (filter.externalPlatformId !== undefined && r.externalPlatformId !== filter.externalPlatformId) continue;
    out.push({
      id: r.message.id,
      direction: r.direction,
      accountLinkId: r.accountLinkId,
      externalPlatformId: r.externalPlatformId,
      threadId: r.message.threadId,
      content: r.message.content,
      createdAt: r.message.createdAt,
      responseLost: r.responseLost,
      ...(r.threadListedAt !== undefined ? { threadListedAt: new Date(r.threadListedAt).toISOString() } : {}),
    });
  }
  return out;
}

export function sandboxStats(world: World): SandboxStats {
  return {
    ...world.stats,
    sends: world.store.counts.outbound,
    replies: world.store.counts.inbound,
    pendingReplies: world.replies.pending,
    events: world.events.size,
    webhooks: { ...world.webhooks.stats },
  };
}

/** Makes the prospect reply now, in an existing thread (a prospect cannot start a thread here). */
export function replyNow(world: World, input: ReplyInput, now: number): Message {
  if (input.text.length === 0) throw badRequest("text must be at least 1 character.");
  let thread;
  if (input.accountLinkId !== undefined) {
    requireAccountLink(world, input.accountLinkId);
    thread = world.store.findThread(input.accountLinkId, input.externalPlatformId);
  } else {
    const ids = world.store.prospects.get(input.externalPlatformId)?.threadIds ?? [];
    const lastId = ids[ids.length - 1];
    thread = lastId === undefined ? undefined : world.store.threads.get(lastId);
  }
  if (!thread) throw notFound("THREAD_NOT_FOUND", `No thread with prospect ${input.externalPlatformId}; send to them first.`);
  return world.replies.replyNow(thread, input.text, now).message;
}

/** The config as JSON, without the webhook secret. */
export function publicConfig(config: SandboxLiveConfig): unknown {
  const { webhook, ...rest } = config;
  return webhook ? { ...rest, webhook: { url: webhook.url, secret: "(set)" } } : rest;
}

const replyBody = z.object({
  externalPlatformId: z.string().regex(/^\d+$/),
  accountLinkId: z.string().optional(),
  text: z.string().min(1),
});
const failNextBody = z.object({
  count: z.number().int().min(0),
  status: z.union([z.literal("lost"), z.number().int().min(400).max(599)]),
  code: z.string().min(1).optional(),
});

export function forcedFailure(status: number | "lost", code?: string): ForcedFailure {
  return status === "lost" ? { status } : { status, code: code ?? defaultCode(status) };
}

export function controlRoutes(host: ControlHost): Route[] {
  return [
    route("GET", "/messages", (ctx) => {
      const filter: MessageFilter = {};
      const direction = ctx.query.get("direction");
      if (direction === "inbound" || direction === "outbound") filter.direction = direction;
      else if (direction !== null) throw badRequest(`direction must be inbound or outbound, got "${direction}".`);
      const accountLinkId = ctx.query.get("accountLinkId");
      if (accountLinkId !== null) filter.accountLinkId = accountLinkId;
      const externalPlatformId = ctx.query.get("externalPlatformId");
      if (externalPlatformId !== null) filter.externalPlatformId = externalPlatformId;
      return { body: listSandboxMessages(host.world, filter) };
    }),
    route("GET", "/stats", () => ({ body: sandboxStats(host.world) })),
    route("GET", "/config", () => ({ body: publicConfig(host.world.config) })),
    route("POST", "/config", (ctx) => {
      host.world.configure(parseConfigPatch(ctx.body, "config"));
      return { body: publicConfig(host.world.config) };
    }),
    route("POST", "/replies", (ctx) => {
      const body = parseWith(replyBody, ctx.body, "request body");
      const input: ReplyInput = { externalPlatformId: body.externalPlatformId, text: body.text };
      if (body.accountLinkId !== undefined) input.accountLinkId = body.accountLinkId;
      return { body: replyNow(host.world, input, host.clock.now()) };
    }),
    route("POST", "/fail-next", (ctx) => {
      const body = parseWith(failNextBody, ctx.body, "request body");
      host.world.faults.failNext(body.count, forcedFailure(body.status, body.code));
      return { body: { ok: true } };
    }),
    route("POST", "/tick", () => ({ body: { materialized: host.tick() } })),
    route("POST", "/reset", () => {
      host.reset();
      return { body: { ok: true } };
    }),
  ];
}
