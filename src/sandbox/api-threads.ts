/**
 * /threads routes: quick send, thread send, lookups, thread get/patch and message pages (spec: openapi-v1.json).
 */
import { z } from "zod";
import type { MessagesPage, QuickSendResult } from "../inbox/types.js";
import { badRequest, notFound, queryArray, queryInt } from "./http.js";
import { parseWith, route, type RequestContext, type Route } from "./router.js";
import { requireAccountLink, sendOutbound } from "./send.js";
import type { ThreadRecord } from "./store.js";
import type { World } from "./world.js";

const ID = /^[0-9a-z]+$/;
const inboxId = z.string().regex(ID, "expected an Inbox id ([0-9a-z]+)");
const xUserId = z.string().regex(/^\d+$/, "expected an X user id (digits)");

const prospectRef = {
  externalPlatformId: xUserId.optional(),
  externalId: inboxId.optional(),
};
const eitherProspect = (b: { externalPlatformId?: string | undefined; externalId?: string | undefined }): boolean =>
  b.externalPlatformId !== undefined || b.externalId !== undefined;
const eitherMessage = { message: "externalPlatformId or externalId is required" };

const quickSendBody = z
  .object({ accountLinkId: inboxId, content: z.string().min(1), ...prospectRef })
  .refine(eitherProspect, eitherMessage);
const createThreadBody = z.object({ accountLinkId: inboxId, ...prospectRef }).refine(eitherProspect, eitherMessage);
const threadMessageBody = z.object({ content: z.string().min(1), replyToMessageId: inboxId.optional() });
const threadPatchBody = z.object({ done: z.boolean().optional(), assigneeId: inboxId.nullable().optional() });

/** Resolves the prospect reference of a body/query to an X id; an unseen externalId is unknown. */
function prospectPlatformId(world: World, ref: { externalPlatformId?: string | undefined; externalId?: string | undefined }): string {
  if (ref.externalPlatformId !== undefined) return ref.externalPlatformId;
  const record = world.store.prospectByExternalId(ref.externalId ?? "");
  if (!record) throw notFound("PROSPECT_NOT_FOUND", `Prospect ${ref.externalId} not found.`);
  return record.platformId;
}

function requireThread(ctx: RequestContext): ThreadRecord {
  const id = ctx.params["threadId"] ?? "";
  const thread = ctx.world.store.threads.get(id);
  if (!thread) throw notFound("THREAD_NOT_FOUND", `Thread ${id} not found.`);
  return thread;
}

function quickSend(ctx: RequestContext): { body: QuickSendResult; sent: ReturnType<typeof sendOutbound>["record"] } {
  const body = parseWith(quickSendBody, ctx.body, "request body");
  const link = requireAccountLink(ctx.world, body.accountLinkId);
  const platformId = prospectPlatformId(ctx.world, body);
  const { record, thread } = sendOutbound(ctx.world, link, platformId, body.content, ctx.now);
  return { body: { message: record.message, thread: { id: thread.id, platformId: thread.platformId } }, sent: record };
}

function threadSend(ctx: RequestContext): { body: unknown; sent: ReturnType<typeof sendOutbound>["record"] } {
  const thread = requireThread(ctx);
  const body = parseWith(threadMessageBody, ctx.body, "request body");
  if (body.replyToMessageId !== undefined && !thread.positions.has(body.replyToMessageId)) {
    throw notFound("MESSAGE_NOT_FOUND", `Message ${body.replyToMessageId} not found in thread ${thread.id}.`);
  }
  const link = requireAccountLink(ctx.world, thread.accountLinkId);
  const { record } = sendOutbound(ctx.world, link, thread.prospectId, body.content, ctx.now, thread);
  return { body: record.message, sent: record };
}

function createThread(ctx: RequestContext): { body: unknown } {
  const body = parseWith(createThreadBody, ctx.body, "request body");
  requireAccountLink(ctx.world, body.accountLinkId);
  const platformId = prospectPlatformId(ctx.world, body);
  if (!ctx.world.directory.isKnown(platformId, ctx.world.config)) {
    throw notFound("PROSPECT_NOT_FOUND", `No X user with id ${platformId}.`);
  }
  const thread = ctx.world.store.openThread(body.accountLinkId, platformId, ctx.now);
  return { body: ctx.world.store.threadJson(thread) };
}

function lookupThread(ctx: RequestContext): { body: unknown } {
  const accountLinkId = ctx.query.get("accountLinkId");
  if (!accountLinkId) throw badRequest("Query parameter accountLinkId is required.");
  requireAccountLink(ctx.world, accountLinkId);
  const externalPlatformId = ctx.query.get("externalPlatformId") ?? undefined;
  const externalId = ctx.query.get("externalId") ?? undefined;
  if (externalPlatformId === undefined && externalId === undefined) {
    throw badRequest("Query parameter externalPlatformId or externalId is required.");
  }
  const record =
    externalPlatformId !== undefined
      ? { platformId: externalPlatformId }
      : ctx.world.store.prospectByExternalId(externalId ?? "");
  const thread = record ? ctx.world.store.findThread(accountLinkId, record.platformId) : undefined;
  // No thread is a 200 with a JSON null body, not a 404 (spec: threads.lookup).
  return { body: thread ? ctx.world.store.threadJson(thread) : null };
}

function lookupByUsername(ctx: RequestContext): { body: unknown } {
  const username = (ctx.query.get("username") ?? "").replace(/^@/, "");
  if (username === "") throw badRequest("Query parameter username is required.");
  const threads = ctx.world.store.threadsByUsername(username, queryArray(ctx.query, "accountLinkIds"));
  return { body: threads.map((t) => ctx.world.store.threadJson(t)) };
}

function patchThread(ctx: RequestContext): { body: unknown } {
  const thread = requireThread(ctx);
  const body = parseWith(threadPatchBody, ctx.body, "request body");
  if (body.assigneeId && !ctx.world.catalog.isMember(body.assigneeId)) {
    throw notFound("MEMBER_NOT_FOUND", `Member ${body.assigneeId} not found.`);
  }
  const patch: { done?: boolean; assigneeId?: string | null } = {};
  if (body.done !== undefined) patch.done = body.done;
  if (body.assigneeId !== undefined) patch.assigneeId = body.assigneeId;
  ctx.world.store.setThread(thread, patch, ctx.now);
  return { body: ctx.world.store.threadJson(thread) };
}

/** Reads cursorId+cursorTimestamp or the deprecated cursor[id]/cursor[timestamp]; never both (reference.md §3). */
function readCursor(q: URLSearchParams): { id: string; timestamp: string } | undefined {
  const flat = [q.get("cursorId"), q.get("cursorTimestamp")] as const;
  const bracket = [q.get("cursor[id]"), q.get("cursor[timestamp]")] as const;
  const hasFlat = flat.some((v) => v !== null && v !== "");
  const hasBracket = bracket.some((v) => v !== null && v !== "");
  if (hasFlat && hasBracket) throw badRequest("Use cursorId/cursorTimestamp or cursor[id]/cursor[timestamp], not both.");
  const [id, timestamp] = hasFlat ? flat : bracket;
  if (!hasFlat && !hasBracket) return undefined;
  if (!id || !timestamp) throw badRequest("cursorId and cursorTimestamp must be given together.");
  if (!ID.test(id)) throw badRequest(`cursorId must be an Inbox id, got "${id}".`);
  if (Number.isNaN(Date.parse(timestamp))) throw badRequest(`cursorTimestamp must be an ISO date-time, got "${timestamp}".`);
  return { id, timestamp };
}

function listMessages(ctx: RequestContext): { body: MessagesPage } {
  const thread = requireThread(ctx);
  thread.lastListedAt = ctx.now;
  // Default 50, max 100 (spec: threads.thread.messages.list).
  const limit = queryInt(ctx.query, "limit", 1, 100, 50) ?? 50;
  const cursor = readCursor(ctx.query);
  let end = thread.messages.length;
  if (cursor) {
    const position = thread.positions.get(cursor.id);
    if (position !== undefined) end = position;
    else {
      // A cursor message we do not know: continue strictly before its timestamp.
      const ts = Date.parse(cursor.timestamp);
      while (end > 0 && Date.parse(thread.messages[end - 1]?.createdAt ?? "") >= ts) end--;
    }
  }
  const start = Math.max(0, end - limit);
  const messages = thread.messages.slice(start, end).reverse(); // newest first
  const oldest = messages[messages.length - 1];
  return {
    body: {
      teamId: ctx.world.catalog.team.id,
      threadId: thread.id,
      messages,
      nextCursor: start > 0 && oldest ? { id: oldest.id, timestamp: oldest.createdAt } : null,
      isSyncing: false,
    },
  };
}

export const threadRoutes: Route[] = [
  route("POST", "/threads/messages", quickSend, true),
  route("GET", "/threads/lookup", lookupThread),
  route("GET", "/threads/lookup-by-username", lookupByUsername),
  route("POST", "/threads", createThread),
  route("GET", "/threads/:threadId", (ctx) => ({ body: ctx.world.store.threadJson(requireThread(ctx)) })),
  route("PATCH", "/threads/:threadId", patchThread),
  route("GET", "/threads/:threadId/messages", listMessages),
  route("POST", "/threads/:threadId/messages", threadSend, true),
];
