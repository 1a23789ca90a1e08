/**
 * Team-wide claims on new leads: before a lead's first message, its campaign claims it in Redis
 * (`SET outreach:{team}:claim:<X id> <campaign> NX`). The first campaign to claim a lead owns it; any
 * other campaign of the team skips it. The claim names the campaign by a hash of its host and state
 * file, so the same campaign restarted (even after kill -9 between the claim and the send) finds the
 * claim its own and goes on.
 */
import { createHash } from "node:crypto";
import type { LeadClaims } from "../engine/ports.js";
import type { TeamRedis } from "./redis-connection.js";

/**
 * How long a claim lasts: long enough to cover every campaign's first-message phase; by then a
 * contacted lead is also visible to the conversation check (first-contact.ts). 90 days, in ms.
 */
export const CLAIM_TTL_MS = 90 * 86_400_000;

export interface ClaimOwner {
  /** Campaign name, shown to the campaigns that find the lead claimed. */
  name: string;
  /** The host and absolute state-file path: one campaign's identity across restarts. */
  host: string;
  stateFile: string;
}

export class RedisLeadClaims implements LeadClaims {
  private readonly owner: string;
  private readonly prefix: string;
  /** Leads claimed by this run, put back after a reconnection (Redis may have restarted empty). */
  private readonly claimed = new Set<string>();

  constructor(
    private readonly redis: TeamRedis,
    team: string,
    owner: ClaimOwner,
  ) {
    const id = createHash("sha256").update(`${owner.host}\n${owner.stateFile}`).digest("hex").slice(0, 16);
    this.owner = `${id}|${owner.name}`;
    this.prefix = `outreach:{${team}}:claim:`;
    redis.onReconnect(() => void this.restore().catch(() => undefined));
  }

  /** @returns undefined when the lead is ours, else the other campaign's name. @throws while Redis is unreachable. */
  async claim(leadId: string): Promise<string | undefined> {
    const holder = await this.redis.claim([this.prefix + leadId], [this.owner, CLAIM_TTL_MS]);
    if (holder === this.owner) {
      this.claimed.add(leadId);
      return undefined;
    }
    return holder.slice(holder.indexOf("|") + 1);
  }

  private async restore(): Promise<void> {
    for (const leadId of this.claimed) await this.redis.claim([this.prefix + leadId], [this.owner, CLAIM_TTL_MS]);
  }
}
