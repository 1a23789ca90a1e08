/**
 * The shared gate over a real Redis (Debian's redis-server on a free loopback port), on the wall
 * clock: what starts, in which order, and that nothing starts while Redis is away. No assertion on
 * how long anything takes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../../src/platform/clock.js";
import type { ApiLimiter } from "../../../src/schedule/api-limiter.js";
import { LimiterStoppedError } from "../../../src/schedule/api-limiter.js";
import { connectTeamRedis, type TeamRedis } from "../../../src/team/redis-connection.js";
import { createSharedLimiter } from "../../../src/team/shared-limiter.js";
import { TeamQuota } from "../../../src/team/team-quota.js";
import { hasRedisServer, NO_REDIS_MESSAGE, useRedisServer } from "../../support/redis-server.js";

if (!hasRedisServer) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!hasRedisServer)("shared gate (Redis)", () => {
  const open: { redis: TeamRedis; gate: ApiLimiter }[] = [];
  let team = 0;

  const redisServer = useRedisServer();
  afterEach(async () => {
    for (const o of open.splice(0)) {
      await o.gate.stop();
      await o.redis.close();
    }
  });

  async function gate(windows: { limit: number; windowMs: number }[], notes: string[] = []): Promise<ApiLimiter> {
    const redis = await connectTeamRedis(redisServer().url);
    const quota = new TeamQuota({ redis, team: `gate${++team}`, windows, clock: systemClock });
    const g = createSharedLimiter({ quota, redis, clock: systemClock, where: redisServer().url, onNotice: (_, m) => notes.push(m) });
    open.push({ redis, gate: g });
    return g;
  }

  it("starts the more urgent job first when the quota is spent (a reply step before an intro)", async () => {
    const g = await gate([{ limit: 1, windowMs: 300 }]);
    const order: string[] = [];
    await g.schedule(async () => void order.push("first"), { priority: 5 });
    // The window is spent now: both wait, and the freed slot goes to the reply step.
    const intro = g.schedule(async () => void order.push("intro"), { priority: 6 });
    const reply = g.schedule(async () => void order.push("reply"), { priority: 2 });
    await Promise.all([intro, reply]);
    expect(order).toEqual(["first", "reply", "intro"]);
  });

  it("holds every new request while Redis is unreachable and goes on when it is back, saying both", async () => {
    const notes: string[] = [];
    const g = await gate([{ limit: 100, windowMs: 1_000 }], notes);
    await g.schedule(async () => undefined);
    await redisServer().kill();
    let started = false;
    const job = g.schedule(async () => {
      started = true;
    });
    for (let i = 0; i < 100 && !notes.some((n) => /unreachable/.test(n)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(notes.some((n) => /is unreachable .* holding every request/.test(n))).toBe(true);
    expect(started).toBe(false);
    await redisServer().start();
    await job;
    expect(started).toBe(true);
    expect(notes.some((n) => /is back/.test(n))).toBe(true);
  });

  it("a stricter quota one runner learns from the server's headers holds every runner of the team", async () => {
    const a = await gate([{ limit: 100, windowMs: 60_000 }]);
    const learned: number[] = [];
    a.onLearned = (w) => learned.push(w.limit);
    // The server reports a limit of 2 (a smaller plan) with both used; as the client does, the headers
    // are fed while the request is still running.
    await a.schedule(async () => undefined);
    await a.schedule(async () => a.observe({ limit: 2, remaining: 0, resetAt: Date.now() + 30_000 }, 200));
    expect(learned).toEqual([2]);
    // Another runner of the team, which never saw those headers, is refused a third start.
    const redis = await connectTeamRedis(redisServer().url);
    const other = new TeamQuota({ redis, team: `gate${team}`, windows: [{ limit: 100, windowMs: 60_000 }], clock: systemClock });
    try {
      await other.reseed(0);
      let refused: unknown;
      // The learned window reaches Redis asynchronously: poll until it does (no timing asserted).
      for (let i = 0; i < 100; i++) {
        refused = await other.acquire(5);
        if ((refused as { granted: boolean }).granted === false) break;
        await other.complete((refused as { member: string }).member);
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(refused).toMatchObject({ granted: false, reason: "quota" });
    } finally {
      await other.leave();
      await redis.close();
    }
  });

  it("rejects queued jobs when stopped; a job already running finishes", async () => {
    const g = await gate([{ limit: 1, windowMs: 60_000 }]);
    let release: (() => void) | undefined;
    const running = g.schedule(() => new Promise<string>((r) => (release = () => r("done"))));
    const queued = g.schedule(async () => "never");
    while (!release) await new Promise((r) => setTimeout(r, 10));
    const stopped = g.stop();
    await expect(queued).rejects.toBeInstanceOf(LimiterStoppedError);
    release();
    await expect(running).resolves.toBe("done");
    await stopped;
  });
});
