/**
 * Before a lead's first message: is this lead someone else's conversation already? Two checks, in
 * this order:
 *   1. the team-wide claim (with a team Redis): the first campaign to claim a lead owns it, so two
 *      campaigns starting together over overlapping CSVs never both send an intro;
 *   2. the team's inbox (`contacted: skip`): GET /prospects/lookup?platformId=<X id> returns the
 *      prospect with `context.threads` — "threads across all accounts linked to this prospect"
 *      (spec: prospects.lookup), each with its `lastMessageTimestamp` (null while a thread holds no
 *      message). One read, through the team quota, whatever the number of account links. A lead with
 *      a thread that holds messages is skipped: a cold intro would land in a live conversation.
 */
import type { Thread } from "../inbox/types.js";
import type { EngineDeps } from "./ports.js";

/** Why a lead gets no first message, and the conversation that stopped it. */
export type FirstContactVerdict =
  | { ok: true }
  | { ok: false; reason: string; conversation?: Conversation }
  /** The claim store (team Redis) did not answer: nothing may be sent yet; ask again later. */
  | { ok: "later"; reason: string };

/** A thread of the team with this prospect that holds messages. */
export interface Conversation {
  threadId: string;
  accountLinkId: string;
  /** ISO instant of its last message. */
  lastMessageAt: string;
}

/** Priority of these reads in the team quota: the same as the first message they precede. */
const FIRST_CONTACT_PRIORITY = 6;

/**
 * Runs the claim, then the inbox check.
 * @throws what the API throws (a 429, a 5xx): the caller retries later; nothing is sent without
 *   both answers.
 */
export async function checkFirstContact(deps: Pick<EngineDeps, "api" | "gate" | "claims" | "campaign">, leadId: string): Promise<FirstContactVerdict> {
  if (deps.claims) {
    let owner: string | undefined;
    try {
      owner = await deps.claims.claim(leadId);
    } catch (err) {
      return { ok: "later", reason: `the team's lead claims are unreachable (${err instanceof Error ? err.message : String(err)})` };
    }
    if (owner !== undefined) return { ok: false, reason: `claimed by campaign "${owner}" (team-wide claim)` };
  }
  if (deps.campaign.contacted === "allow") return { ok: true };
  const conversation = await findConversation(deps, leadId);
  if (!conversation) return { ok: true };
  return { ok: false, reason: describeConversation(conversation), conversation };
}

/** The team's most recent thread with this prospect that holds messages, or undefined. One API read. */
export async function findConversation(deps: Pick<EngineDeps, "api" | "gate">, platformId: string, signal?: AbortSignal): Promise<Conversation | undefined> {
  const prospect = await deps.gate.schedule(() => deps.api.lookupProspect(platformId, signal ? { signal } : undefined), {
    priority: FIRST_CONTACT_PRIORITY,
    ...(signal ? { signal } : {}),
  });
  // null: the prospect is not in the team's CRM at all, so no account link has talked to them.
  const threads: ThreadRef[] = prospect?.context?.threads ?? [];
  let latest: Conversation | undefined;
  for (const t of threads) {
    if (t.lastMessageTimestamp === null) continue;
    if (!latest || t.lastMessageTimestamp > latest.lastMessageAt) {
      latest = { threadId: t.id, accountLinkId: t.accountLinkId, lastMessageAt: t.lastMessageTimestamp };
    }
  }
  return latest;
}

/** "already in conversation: thread … with account link … (last message …)" — the reason `status` shows. */
export function describeConversation(c: Conversation): string {
  return `already in conversation: thread ${c.threadId} with account link ${c.accountLinkId} (last message ${c.lastMessageAt})`;
}

type ThreadRef = Pick<Thread, "id" | "accountLinkId" | "lastMessageTimestamp">;
