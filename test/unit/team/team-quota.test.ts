/**
 * The team's quota log in a real Redis (Debian's redis-server on a free loopback port), driven on a
 * hand-moved clock: the scripts take the caller's time, so every case is exact and sleeps nowhere.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/platform/clock.js";
import { RedisLeadClaims } from "../../../src/team/lead-claims.js";
import { connectTeamRedis, type TeamRedis } from "../../../src/team/redis-connection.js";
import { IN_FLIGHT_LEASE_MS, TeamQuota, WAITER_LEASE_MS } from "../../../src/team/team-quota.js";
import { hasRedisServer, NO_REDIS_MESSAGE, useRedisServer } from "../../support/redis-server.js";

if (!hasRedisServer) console.warn(NO_REDIS_MESSAGE);

class HandClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  async sleep(): Promise<void> {}
}

const T0 = 1_800_000_000_000;
// 1 s window: margin 10 ms (1%), so a slot frees 1,011 ms after the response that used it.
const WINDOW = { limit: 3, windowMs: 1_000 };
const SPAN = 1_011;

describe.skipIf(!hasRedisServer)("team quota in Redis", () => {
  const open: TeamRedis[] = [];
  let team = 0;

  const redisServer = useRedisServer();
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.close()));
  });

  async function runners(n: number, clock: HandClock, windows = [WINDOW]): Promise<TeamQuota[]> {
    const id = `team${++team}`;
    const out: TeamQuota[] = [];
    for (let i = 0; i < n; i++) {
      const redis = await connectTeamRedis(redisServer().url);
      open.push(redis);
      const quota = new TeamQuota({ redis, team: id, windows, clock, useCallerClock: true });
      // As joinTeam does: a runner puts its own requests in before its first start.
      await quota.reseed(0);
      out.push(quota);
    }
    return out;
  }

  it("keeps an exact sliding window across runners: a slot frees one window after the response that used it, not at a boundary", async () => {
    const clock = new HandClock(T0);
    const [a, b] = await runners(2, clock);
    const members: string[] = [];
    for (const q of [a!, b!, a!]) {
      const r = await q.acquire(5);
      expect(r.granted).toBe(true);
      if (r.granted) members.push(r.member);
    }
    for (const [i, m] of members.entries()) {
      clock.t = T0 + 400 + i * 100;
      await [a!, b!, a!][i]!.complete(m);
    }
    // Full: whoever asks waits until the oldest response (at +400) is a span old.
    const denied = await b!.acquire(5);
    expect(denied).toEqual({ granted: false, waitMs: 400 + SPAN - 600, reason: "quota" });
    clock.t = T0 + 400 + SPAN - 1;
    expect((await a!.acquire(5)).granted).toBe(false);
    clock.t = T0 + 400 + SPAN;
    await a!.leave();
    expect((await b!.acquire(5)).granted).toBe(true);
    // Only one slot freed: no fixed-window refill of all three.
    expect((await a!.acquire(5)).granted).toBe(false);
  });

  it("counts a request in flight until its response, and a dead runner's request until its lease ends", async () => {
    const clock = new HandClock(T0);
    const [a, b] = await runners(2, clock, [{ limit: 1, windowMs: 1_000 }]);
    expect((await a!.acquire(5)).granted).toBe(true);
    clock.t = T0 + 5_000;
    // a never reports its response (killed): the slot is held for the lease, then a window.
    const r = await b!.acquire(5);
    expect(r).toEqual({ granted: false, waitMs: IN_FLIGHT_LEASE_MS + SPAN - 5_000, reason: "quota" });
    clock.t = T0 + IN_FLIGHT_LEASE_MS + SPAN;
    expect((await b!.acquire(5)).granted).toBe(true);
  });

  it("gives a freed slot to the more urgent runner (a reply step before an intro), then takes turns", async () => {
    const clock = new HandClock(T0);
    const [intro, reply, other] = await runners(3, clock, [{ limit: 1, windowMs: 1_000 }]);
    const first = await other!.acquire(6);
    if (!first.granted) throw new Error("first start refused");
    await other!.complete(first.member);
    // All three wait: the intro runner first, then the reply runner, then the other intro runner.
    expect((await intro!.acquire(6)).granted).toBe(false);
    clock.t += 1;
    expect((await reply!.acquire(2)).granted).toBe(false);
    clock.t += 1;
    expect((await other!.acquire(6)).granted).toBe(false);
    clock.t = T0 + SPAN;
    // The slot is free, but the reply runner is ahead: the intro runner's turn has not come.
    expect(await intro!.acquire(6)).toMatchObject({ granted: false, reason: "turn" });
    const won = await reply!.acquire(2);
    expect(won.granted).toBe(true);
    if (won.granted) await reply!.complete(won.member);
    clock.t += SPAN;
    // Equal priorities: first come, first served — the intro runner waited longest.
    expect(await other!.acquire(6)).toMatchObject({ granted: false, reason: "turn" });
    expect((await intro!.acquire(6)).granted).toBe(true);
  });

  it("frees the turn of a runner that stopped asking (killed) once its waiter lease lapses", async () => {
    const clock = new HandClock(T0);
    const [dead, alive] = await runners(2, clock, [{ limit: 1, windowMs: 1_000 }]);
    const first = await alive!.acquire(5);
    if (first.granted) await alive!.complete(first.member);
    expect((await dead!.acquire(5)).granted).toBe(false);
    clock.t += 1;
    expect((await alive!.acquire(5)).granted).toBe(false);
    clock.t = T0 + SPAN;
    expect(await alive!.acquire(5)).toMatchObject({ granted: false, reason: "turn" });
    clock.t = T0 + WAITER_LEASE_MS + 1;
    expect((await alive!.acquire(5)).granted).toBe(true);
  });

  it("holds every runner on one runner's 429, and on server headers that show usage outside the log", async () => {
    const clock = new HandClock(T0);
    const [a, b] = await runners(2, clock, [{ limit: 300, windowMs: 60_000 }]);
    await a!.hold(T0 + 30_000);
    expect(await b!.acquire(5)).toEqual({ granted: false, waitMs: 30_000, reason: "hold" });
    clock.t = T0 + 30_000;
    const ok = await b!.acquire(5);
    expect(ok.granted).toBe(true);
    if (ok.granted) await b!.complete(ok.member);
    // The server says 298 of 300 are used; the log holds 1: someone else spends the quota.
    expect(await b!.observe({ limit: 300, windowMs: 60_000 }, 2, T0 + 50_000)).toBe(true);
    expect(await a!.acquire(5)).toMatchObject({ granted: false, reason: "hold", waitMs: 20_000 });
    // Headers that match the log place no hold.
    expect(await b!.observe({ limit: 300, windowMs: 60_000 }, 299, T0 + 90_000)).toBe(false);
  });

  it("puts a runner's own requests and hold back when Redis restarts empty, and holds the team meanwhile", async () => {
    const clock = new HandClock(T0);
    const [a] = await runners(1, clock, [{ limit: 2, windowMs: 60_000 }]);
    for (let i = 0; i < 2; i++) {
      const r = await a!.acquire(5);
      if (r.granted) await a!.complete(r.member);
    }
    await redisServer().kill();
    await redisServer().start();
    const fresh = await connectTeamRedis(redisServer().url);
    open.push(fresh);
    const b = new TeamQuota({ redis: fresh, team: `team${team}`, windows: [{ limit: 2, windowMs: 60_000 }], clock, useCallerClock: true });
    // Wait for a's connection to come back. Until a runner has put its own requests back, Redis
    // refuses it any start: the empty log would let it spend the quota again.
    for (let i = 0; i < 100 && !open[0]!.isReady; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await a!.acquire(5)).toMatchObject({ granted: false, reason: "reseed" });
    expect(await b.acquire(5)).toMatchObject({ granted: false, reason: "reseed" });
    // The first reseed finds the data lost and holds the whole team while the others put theirs back.
    expect(await a!.reseed(2_000)).toBe(true);
    expect(await b.reseed(2_000)).toBe(false);
    expect(await b.acquire(5)).toMatchObject({ granted: false, reason: "hold", waitMs: 2_000 });
    clock.t += 2_000;
    // The log has a's two requests again: the quota is still spent.
    expect(await b.acquire(5)).toMatchObject({ granted: false, reason: "quota" });
  });

  it("enforces a stricter window one runner learned from the server for every runner, and keeps the shortest length learned", async () => {
    const clock = new HandClock(T0);
    const [a, b] = await runners(2, clock, [{ limit: 300, windowMs: 60_000 }]);
    for (const q of [a!, b!]) {
      const r = await q.acquire(5);
      if (r.granted) await q.complete(r.member);
    }
    // a learned "2 per 10 s" (a smaller plan); b learned a looser bound of the same window.
    await a!.learn({ limit: 2, windowMs: 10_000 }, 100_000);
    await b!.learn({ limit: 2, windowMs: 12_000 }, 100_000);
    const span = 10_000 + 100 + 1;
    expect(await b!.acquire(5)).toEqual({ granted: false, waitMs: span, reason: "quota" });
    clock.t = T0 + span;
    await b!.leave();
    expect((await a!.acquire(5)).granted).toBe(true);
    // Not renewed: the learned window lapses and only the configured ones count.
    clock.t = T0 + 100_001;
    await a!.leave();
    for (let i = 0; i < 3; i++) expect((await b!.acquire(5)).granted).toBe(true);
  });

  it("claims a lead for the first campaign only; the same campaign restarted finds it its own", async () => {
    const redis = await connectTeamRedis(redisServer().url);
    open.push(redis);
    const owner = { host: "h", stateFile: "/a/state.json", name: "Campaign A" };
    const a = new RedisLeadClaims(redis, "claims", owner);
    const b = new RedisLeadClaims(redis, "claims", { host: "h", stateFile: "/b/state.json", name: "Campaign B" });
    expect(await a.claim("4100000000000000001")).toBeUndefined();
    expect(await b.claim("4100000000000000001")).toBe("Campaign A");
    expect(await new RedisLeadClaims(redis, "claims", owner).claim("4100000000000000001")).toBeUndefined();
    expect(await b.claim("4100000000000000002")).toBeUndefined();
  });

  it("refuses to start when Redis is unreachable, naming the URL without its password", async () => {
    const err = await connectTeamRedis("redis://:s3cret@127.0.0.1:1").catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/cannot reach the team's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
    expect(String((err as Error).message)).not.toContain("s3cret");
  });
});
