/**
 * Running as a team: one Redis shared by every runner of an Inbox team holds the team's API quota
 * (team-quota.ts, shared-limiter.ts) and the claims on new leads (lead-claims.ts). This folder is the
 * only place that knows Redis; the rest of the runner sees an `ApiLimiter` and `LeadClaims`.
 */
import type { RateWindow } from "../config/types.js";
import type { LeadClaims } from "../engine/ports.js";
import { UserError } from "../errors.js";
import type { Clock } from "../platform/clock.js";
import { createApiLimiter, type ApiLimiter } from "../schedule/api-limiter.js";
import { RedisLeadClaims, type ClaimOwner } from "./lead-claims.js";
import { connectTeamRedis, redactRedisUrl, type TeamRedis } from "./redis-connection.js";
import { createSharedLimiter } from "./shared-limiter.js";
import { TeamQuota } from "./team-quota.js";

export { redactRedisUrl } from "./redis-connection.js";

/** How long Redis remembers which team a token belongs to (a token never changes team). */
const TEAM_OF_TOKEN_MS = 30 * 86_400_000;

export interface TeamOptions {
  /** OUTREACH_REDIS_URL, else the campaign's team.redis. */
  url: string;
  /**
   * Finds the team's id (every token of one team shares one quota, so the keys use the team): kept in
   * Redis under `tokenDigest` (a digest of the API URL and token, never the token) by the first runner
   * that read it with `read` (GET /team). That read is the one request made outside the team's gate,
   * so runners after the first skip it: one joining while the others spend the quota meets no 429.
   */
  team: { tokenDigest: string; read(): Promise<string> };
  /** The campaign's quota windows (pacing.api). */
  windows: RateWindow[];
  /** Redis unreachable at start: refuse (fail) or run alone on `localShare` of every window (local). */
  whenRedisDown: "fail" | "local";
  localShare: number;
  owner: ClaimOwner;
  clock: Clock;
  note(level: "info" | "warn", message: string): void;
}

export interface Team {
  /** The quota gate every request of this runner passes. */
  gate: ApiLimiter;
  /** Team-wide lead claims; absent on the local fallback. */
  claims?: LeadClaims;
  /** Closes the Redis connection; call after `gate.stop()`. */
  close(): Promise<void>;
}

/**
 * Connects to the team's Redis and returns the shared gate and claims.
 * @throws UserError when Redis is unreachable and whenRedisDown is "fail" (nothing was sent).
 */
export async function joinTeam(opts: TeamOptions): Promise<Team> {
  const where = redactRedisUrl(opts.url);
  let redis: TeamRedis;
  try {
    redis = await connectTeamRedis(opts.url);
  } catch (err) {
    if (!(err instanceof UserError) || opts.whenRedisDown !== "local" || !/cannot reach/.test(err.message)) throw err;
    const windows = localShareOf(opts.windows, opts.localShare);
    opts.note(
      "warn",
      `the team's Redis at ${where} is unreachable: running alone on ${Math.round(opts.localShare * 100)}% of the team's quota ` +
        `(${windows.map((w) => `${w.limit}/${w.windowMs / 1000}s`).join(", ")}) and without team-wide lead claims (team.whenRedisDown: local)`,
    );
    return { gate: createApiLimiter({ windows, clock: opts.clock }), close: async () => undefined };
  }
  let teamId: string;
  let readAt: number | undefined;
  try {
    const tokenKey = `outreach:token:${opts.team.tokenDigest}:team`;
    const known = await redis.get(tokenKey);
    if (known) teamId = known;
    else {
      teamId = await opts.team.read();
      readAt = opts.clock.now();
      await redis.set(tokenKey, teamId, TEAM_OF_TOKEN_MS);
    }
  } catch (err) {
    await redis.close();
    throw err;
  }
  const quota = new TeamQuota({ redis, team: teamId, windows: opts.windows, clock: opts.clock });
  // GET /team preceded the shared gate: counted into the team's log with the runner's own requests.
  if (readAt !== undefined) quota.countEarlier(readAt);
  await quota.reseed(0);
  const gate = createSharedLimiter({ quota, redis, clock: opts.clock, where, onNotice: opts.note });
  opts.note("info", `sharing the team's API quota and lead claims through Redis at ${where}`);
  return { gate, claims: new RedisLeadClaims(redis, teamId, opts.owner), close: () => redis.close() };
}

/**
 * Every window cut to `share` of its limit (at least 1): the conservative gate of a runner that
 * cannot see the team's count. With share ≤ 1/N, N such runners stay within the quota.
 */
export function localShareOf(windows: readonly RateWindow[], share: number): RateWindow[] {
  return windows.map((w) => ({ limit: Math.max(1, Math.floor(w.limit * share)), windowMs: w.windowMs }));
}
