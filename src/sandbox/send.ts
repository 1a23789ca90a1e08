/**
 * The outbound path shared by quick send and thread send: the checks a real send goes through, in the
 * order a failure would surface, then storing the message and (on first contact) scheduling a reply.
 */
import type { AccountLinkRecord } from "./catalog.js";
import { ApiError, notFound } from "./http.js";
import type { SentRecord, ThreadRecord } from "./store.js";
import type { World } from "./world.js";

export function requireAccountLink(world: World, id: string): AccountLinkRecord {
  const link = world.catalog.accountLink(id);
  // v1 does not document this case (reference.md §11.1); v2 answers 404 accountLinkNotFound, so do we.
  if (!link) throw notFound("ACCOUNT_LINK_NOT_FOUND", `Account link ${id} does not exist in this team.`);
  return link;
}

/** Checks whether `link` may message `platformId` now; throws the error a real send would get. */
function checkSendable(world: World, link: AccountLinkRecord, platformId: string, now: number): void {
  if (world.config.offlineAccountLinks.includes(link.id)) {
    // v2: 409 accountLinkDisconnected {accountLinkId, status}; v1 naming style (reference.md §2).
    throw new ApiError(409, "ACCOUNT_LINK_OFFLINE", `Account link ${link.id} is offline: X signed it out. Reconnect it in Inbox.`);
  }
  const decision = world.sendLimiter.take(link.id, now);
  if (!decision.allowed) {
    const seconds = decision.retryAfterSec ?? 1;
    throw new ApiError(429, "RATE_LIMITED", `Send limit for account link ${link.id} exceeded. Try again in ${seconds} seconds.`, {
      "Retry-After": String(seconds),
    });
  }
  const reach = world.directory.reachability(platformId, world.config);
  if (!reach.ok) throw new ApiError(reach.status, reach.code, reach.message);
}

/** Sends `content` from `link` to `platformId`, in `thread` or a found-or-created one. */
export function sendOutbound(
  world: World,
  link: AccountLinkRecord,
  platformId: string,
  content: string,
  now: number,
  thread?: ThreadRecord,
): { record: SentRecord; thread: ThreadRecord } {
  checkSendable(world, link, platformId, now);
  const target = thread ?? world.store.openThread(link.id, platformId, now);
  const isFirstContact = !target.hasOutbound;
  const record = world.store.addMessage(target, "outbound", content, now);
  if (isFirstContact) {
    const plan = world.directory.replyPlan(platformId, world.config);
    if (plan) world.replies.schedule(target, now + plan.delayMs, plan.text);
  }
  return { record, thread: target };
}
