/**
 * The simulated population of X: any digit string is a user. Profiles, reachability and reply behaviour
 * are pure functions of (seed, X id, config), so the same id behaves the same way in every run.
 */
import type { Prospect } from "../inbox/types.js";
import { hashUnit, stableId } from "./ids.js";
import type { ProspectOverride, SandboxLiveConfig } from "./options.js";

const FIRST = ["sarah", "mike", "lena", "omar", "yuki", "tom", "ana", "raj", "emma", "leo", "nina", "kai", "zoe", "ivan", "maya", "sam"];
const LAST = ["chen", "novak", "diaz", "okafor", "smith", "kim", "rossi", "berg", "patel", "moreau", "silva", "lee", "haas", "ito"];

/** The short profile a `message.created` thread embeds (reference.md §8). */
export type ShortProfile = Pick<Prospect, "platform" | "platformId" | "externalId" | "displayName" | "username" | "handle" | "image">;

export type Reachability =
  | { ok: true }
  | { ok: false; status: 404; code: "PROSPECT_NOT_FOUND"; message: string }
  | { ok: false; status: 422; code: "RECIPIENT_UNAVAILABLE"; message: string };

export interface ReplyPlan {
  delayMs: number;
  text: string;
}

function pick<T>(list: readonly T[], unit: number): T {
  const item = list[Math.floor(unit * list.length) % list.length];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class ProspectDirectory {
  constructor(
    private readonly seed: string,
    private readonly overrides: Record<string, ProspectOverride>,
  ) {}

  /** The Inbox id of the prospect ("externalId", also the {prospectId} of /prospects/{id}). */
  externalId(platformId: string): string {
    return stableId(this.seed, "prospect", platformId);
  }

  username(platformId: string): string {
    const o = this.overrides[platformId];
    if (o?.username) return o.username.toLowerCase();
    // X usernames are ≤15 chars of [a-z0-9_]; 4 id digits keep collisions rare.
    const first = pick(FIRST, hashUnit(this.seed, "first", platformId));
    const last = pick(LAST, hashUnit(this.seed, "last", platformId));
    return `${first}${last}${platformId.slice(-4)}`.slice(0, 15);
  }

  displayName(platformId: string): string {
    const o = this.overrides[platformId];
    if (o?.displayName) return o.displayName;
    const first = pick(FIRST, hashUnit(this.seed, "first", platformId));
    const last = pick(LAST, hashUnit(this.seed, "last", platformId));
    return `${capitalise(first)} ${capitalise(last)}`;
  }

  shortProfile(platformId: string): ShortProfile {
    const username = this.username(platformId);
    return {
      platform: "twitter",
      platformId,
      externalId: this.externalId(platformId),
      displayName: this.displayName(platformId),
      username,
      handle: `@${username}`,
      image: `https://pbs.twimg.com/profile_images/${platformId}/sandbox.jpg`,
    };
  }

  /** The full v1 Prospect; `firstSeenAt` is when the sandbox first met them, `now` stamps freshness. */
  profile(platformId: string, firstSeenAt: number, now: number, config: SandboxLiveConfig): Prospect {
    const short = this.shortProfile(platformId);
    const u = (what: string): number => hashUnit(this.seed, what, platformId);
    const followerCount = Math.floor(u("followers") ** 3 * 50_000);
    const postCount = Math.floor(u("posts") * 20_000);
    const favorites = Math.floor(u("favorites") * 30_000);
    // Accounts created between 2008 and 2024, by hash.
    const createdAt = Date.UTC(2008, 0, 1) + Math.floor(u("created") * 16 * 365 * 86_400_000);
    const isProtected = this.overrides[platformId]?.isProtected ?? this.closedReason(platformId, config) === "protected";
    const isVerified = u("verified") < 0.1;
    return {
      ...short,
      documentId: Math.floor(u("document") * 1e9),
      imageNormalized: short.image,
      bio: `Sandbox prospect ${platformId}. Building things.`,
      location: pick(["Berlin", "Austin, TX", "Lagos", "Tokyo", "São Paulo", null], u("location")),
      profileUrl: `https://x.com/${short.username}`,
      websiteUrl: null,
      websiteDomain: null,
      verified: isVerified ? "verified" : "none",
      profileType: "personal",
      isProtected,
      followerCount,
      followingCount: Math.floor(u("following") * 2_000),
      postCount,
      engagementCount: favorites,
      listedCount: Math.floor(followerCount / 200),
      platformCreatedAt: new Date(createdAt).toISOString(),
      firstSeenAt: new Date(firstSeenAt).toISOString(),
      lastUpdatedAt: new Date(now).toISOString(),
      lastEnrichedAt: new Date(now).toISOString(),
      lastActiveAt: new Date(now).toISOString(),
      source: "cached",
      isFresh: true,
      isStale: false,
      confidence: 1,
      platformData: {
        isVerifiedBlue: isVerified,
        isVerifiedGold: false,
        isVerifiedGray: false,
        professionalCategory: null,
        urlEntities: [],
        bannerUrl: null,
        tweetsCount: postCount,
        favoritesCount: favorites,
        rawData: null,
      },
    };
  }

  isKnown(platformId: string, config: SandboxLiveConfig): boolean {
    return /^\d+$/.test(platformId) && !config.unknownIds.includes(platformId);
  }

  /** Why DMs to this prospect fail, if they do: explicit ids and a hashed share of everyone. */
  private closedReason(platformId: string, config: SandboxLiveConfig): "dmsClosed" | "protected" | undefined {
    const isListed = config.unreachableIds.includes(platformId);
    if (!isListed && !(hashUnit(this.seed, "unreachable", platformId) < config.unreachableRate)) return undefined;
    return hashUnit(this.seed, "unreachable-reason", platformId) < 0.5 ? "dmsClosed" : "protected";
  }

  /**
   * Whether a DM can reach them. The v1 codes for these cases are undocumented (reference.md §11.1); we use
   * v1-style names of the v2 codes: 404 PROSPECT_NOT_FOUND (documented v1 code) and 422 RECIPIENT_UNAVAILABLE.
   */
  reachability(platformId: string, config: SandboxLiveConfig): Reachability {
    if (!this.isKnown(platformId, config)) {
      return { ok: false, status: 404, code: "PROSPECT_NOT_FOUND", message: `No X user with id ${platformId}.` };
    }
    const reason = this.closedReason(platformId, config);
    if (reason === undefined) return { ok: true };
    const why = reason === "dmsClosed" ? "has closed their DMs" : "is protected and does not accept DMs from you";
    return { ok: false, status: 422, code: "RECIPIENT_UNAVAILABLE", message: `The recipient ${platformId} ${why}.` };
  }

  /** Whether and how this prospect answers a first message; undefined = never replies. */
  replyPlan(platformId: string, config: SandboxLiveConfig): ReplyPlan | undefined {
    if (!(hashUnit(this.seed, "replies", platformId) < config.replyRate)) return undefined;
    const [min, max] = config.replyDelayMs;
    return {
      delayMs: Math.round(min + hashUnit(this.seed, "reply-delay", platformId) * (max - min)),
      text: pick(config.replyTexts, hashUnit(this.seed, "reply-text", platformId)),
    };
  }
}
