/**
 * Team-level routes: team, members, account links, tags, statuses, prospects and the Events API.
 */
import { z } from "zod";
import { ApiError, badRequest, notFound, queryInt } from "./http.js";
import { parseWith, route, type RequestContext, type Route } from "./router.js";
import type { ProspectContext } from "./store.js";

const inboxId = z.string().regex(/^[0-9a-z]+$/, "expected an Inbox id ([0-9a-z]+)");
// Names are 1–255 characters and unique per team; colour is a name or hex (spec: tags.create, statuses.create).
const labelBody = z.object({ name: z.string().min(1).max(255), color: z.string().nullable().optional() });
const contextBody = z.object({
  notes: z.string().nullable().optional(),
  valuation: z.number().nullable().optional(),
  statusId: inboxId.nullable().optional(),
  addTags: z.array(inboxId).optional(),
  removeTags: z.array(inboxId).optional(),
  assigneeId: inboxId.nullable().optional(),
  done: z.boolean().optional(),
});

function createTag(ctx: RequestContext): { body: unknown } {
  const body = parseWith(labelBody, ctx.body, "request body");
  const tag = ctx.world.catalog.createTag(body.name, body.color);
  if (!tag) throw new ApiError(409, "NAME_TAKEN", `A tag named "${body.name}" already exists.`);
  ctx.world.store.emit("tag.created", ctx.now, () => ({ tag }));
  return { body: tag };
}

function createStatus(ctx: RequestContext): { body: unknown } {
  const body = parseWith(labelBody, ctx.body, "request body");
  const status = ctx.world.catalog.createStatus(body.name, body.color, ctx.now);
  if (!status) throw new ApiError(409, "NAME_TAKEN", `A status named "${body.name}" already exists.`);
  ctx.world.store.emit("status.created", ctx.now, () => ({ status }));
  return { body: status };
}

/** Prospect + context or JSON null; "not all of X is indexed" = our unknownIds (reference.md §6). */
function lookupProspect(ctx: RequestContext): { body: unknown } {
  const platformId = ctx.query.get("platformId");
  if (!platformId) throw badRequest("Query parameter platformId is required.");
  if (!ctx.world.directory.isKnown(platformId, ctx.world.config)) return { body: null };
  return { body: ctx.world.store.prospectJson(ctx.world.store.prospect(platformId)) };
}

function requireProspect(ctx: RequestContext): ReturnType<RequestContext["world"]["store"]["prospect"]> {
  // {prospectId} is the prospect's externalId (reference.md §11.5: likely; we make it so).
  const id = ctx.params["prospectId"] ?? "";
  const record = ctx.world.store.prospectByExternalId(id);
  if (!record) throw notFound("PROSPECT_NOT_FOUND", `Prospect ${id} not found. Look it up or message it first.`);
  return record;
}

function patchContext(ctx: RequestContext): { body: unknown } {
  const { world, now } = ctx;
  const record = requireProspect(ctx);
  const body = parseWith(contextBody, ctx.body, "request body");
  if (body.statusId && !world.catalog.statuses.has(body.statusId)) {
    throw notFound("STATUS_NOT_FOUND", `Status ${body.statusId} not found.`);
  }
  const unknownTag = [...(body.addTags ?? []), ...(body.removeTags ?? [])].find((t) => !world.catalog.tags.has(t));
  if (unknownTag !== undefined) throw notFound("TAG_NOT_FOUND", `Tag ${unknownTag} not found.`);
  if (body.assigneeId && !world.catalog.isMember(body.assigneeId)) {
    throw notFound("MEMBER_NOT_FOUND", `Member ${body.assigneeId} not found.`);
  }
  const before = record.context;
  const removed = new Set(body.removeTags ?? []);
  const tags = [...before.tags.filter((t) => !removed.has(t))];
  for (const t of body.addTags ?? []) if (!tags.includes(t) && !removed.has(t)) tags.push(t);
  const next: ProspectContext = {
    tags,
    statusId: body.statusId !== undefined ? body.statusId : before.statusId,
    valuation: body.valuation !== undefined ? body.valuation : before.valuation,
    notes: body.notes !== undefined ? body.notes : before.notes,
  };
  world.store.setContext(record, next, now);
  // done/assigneeId belong to threads: apply to every thread with this prospect.
  if (body.done !== undefined || body.assigneeId !== undefined) {
    const patch: { done?: boolean; assigneeId?: string | null } = {};
    if (body.done !== undefined) patch.done = body.done;
    if (body.assigneeId !== undefined) patch.assigneeId = body.assigneeId;
    for (const id of record.threadIds) {
      const thread = world.store.threads.get(id);
      if (thread) world.store.setThread(thread, patch, now);
    }
  }
  return { body: world.store.prospectJson(record) };
}

function listEvents(ctx: RequestContext): { body: unknown } {
  // afterSeq ≥ 0 exclusive; limit 1..1000, default 100 (spec: events.list).
  const afterSeq = queryInt(ctx.query, "afterSeq", 0, Number.MAX_SAFE_INTEGER, undefined);
  const limit = queryInt(ctx.query, "limit", 1, 1000, 100) ?? 100;
  return { body: ctx.world.events.page(afterSeq, limit, ctx.now) };
}

export const teamRoutes: Route[] = [
  route("GET", "/team", (ctx) => ({ body: ctx.world.catalog.team })),
  route("GET", "/members", (ctx) => ({ body: ctx.world.catalog.members })),
  route("GET", "/account-links", (ctx) => ({
    body: ctx.world.catalog.accountLinks.map((a) => ctx.world.catalog.accountLinkJson(a, ctx.world.config)),
  })),
  route("GET", "/tags", (ctx) => ({ body: [...ctx.world.catalog.tags.values()] })),
  route("POST", "/tags", createTag),
  route("GET", "/statuses", (ctx) => ({ body: [...ctx.world.catalog.statuses.values()] })),
  route("POST", "/statuses", createStatus),
  route("GET", "/prospects/lookup", lookupProspect),
  route("GET", "/prospects/:prospectId", (ctx) => ({ body: ctx.world.store.prospectJson(requireProspect(ctx)) })),
  route("PATCH", "/prospects/:prospectId/context", patchContext),
  route("GET", "/events", listEvents),
];
