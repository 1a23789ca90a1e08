/**
 * The team's fixed furniture: team, members, account links, tags and statuses. Everything here is small
 * and created from the seed, so two sandboxes with one seed list the same ids.
 */
import type { AccountLink, Status, Tag, Team } from "../inbox/types.js";
import type { components } from "../inbox/openapi.js";
import { hashUnit, stableId, type IdGenerator } from "./ids.js";
import type { SandboxLiveConfig } from "./options.js";

export type Member = components["schemas"]["Member"];

/** Sandbox data starts at a fixed instant so listings do not depend on when a test ran. */
const CREATED_AT = "2025-01-01T00:00:00.000Z";

export interface AccountLinkRecord {
  id: string;
  platformId: string;
  username: string;
  name: string;
}

export class Catalog {
  readonly team: Team;
  readonly members: Member[];
  readonly accountLinks: AccountLinkRecord[];
  readonly tags = new Map<string, Tag>();
  readonly statuses = new Map<string, Status>();

  constructor(
    seed: string,
    private readonly ids: IdGenerator,
    teamName: string,
    accountLinkIds: string[] | undefined,
  ) {
    const slug = teamName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "sandbox";
    this.team = {
      id: stableId(seed, "team"),
      name: teamName,
      slug,
      image: null,
      createdAt: CREATED_AT,
      updatedAt: null,
      currency: "USD",
      allowSupportAccess: false,
    };
    this.members = [
      {
        id: stableId(seed, "member", "1"),
        userId: stableId(seed, "user", "1"),
        name: "Sandbox Owner",
        email: "owner@sandbox.invalid",
        image: null,
        role: "owner",
        createdAt: CREATED_AT,
        updatedAt: null,
      },
    ];
    const linkIds = accountLinkIds ?? [stableId(seed, "account-link", "1"), stableId(seed, "account-link", "2")];
    this.accountLinks = linkIds.map((id, i) => ({
      id,
      // 19-digit X ids like real 2020s accounts, stable per (seed, link id).
      platformId: String(1_500_000_000_000_000_000n + BigInt(Math.floor(hashUnit(seed, "al-platform", id) * 1e17))),
      username: `sandbox_sender${i + 1}`,
      name: `Sandbox Sender ${i + 1}`,
    }));
  }

  accountLink(id: string): AccountLinkRecord | undefined {
    return this.accountLinks.find((a) => a.id === id);
  }

  accountLinkJson(a: AccountLinkRecord, config: SandboxLiveConfig): AccountLink {
    return {
      id: a.id,
      platform: "twitter",
      platformId: a.platformId,
      name: a.name,
      username: a.username,
      image: `https://pbs.twimg.com/profile_images/${a.platformId}/sandbox.jpg`,
      createdAt: CREATED_AT,
      status: config.offlineAccountLinks.includes(a.id) ? "offline" : "active",
      syncedAt: CREATED_AT,
    };
  }

  isMember(id: string): boolean {
    return this.members.some((m) => m.id === id);
  }

  /** Returns undefined when the name is taken (names are unique per team, spec: POST /tags). */
  createTag(name: string, color: string | null | undefined): Tag | undefined {
    if ([...this.tags.values()].some((t) => t.name.toLowerCase() === name.toLowerCase())) return undefined;
    // Tag.color is a required string; the UI's default is a named colour (GET /colors), "gray" is one.
    const tag: Tag = { id: this.ids.next("tag"), name, color: color ?? "gray" };
    this.tags.set(tag.id, tag);
    return tag;
  }

  createStatus(name: string, color: string | null | undefined, now: number): Status | undefined {
    if ([...this.statuses.values()].some((s) => s.name.toLowerCase() === name.toLowerCase())) return undefined;
    const status: Status = { id: this.ids.next("status"), name, color: color ?? null, createdAt: new Date(now).toISOString() };
    this.statuses.set(status.id, status);
    return status;
  }
}
