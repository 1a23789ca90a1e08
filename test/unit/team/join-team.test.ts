/**
 * Joining the team's Redis: which team a token belongs to is read once (GET /team, the one request a
 * runner makes outside the shared gate) and kept there for the runners after it. Real Redis (Debian's
 * redis-server on a free loopback port).
 */
import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/platform/clock.js";
import { joinTeam, type Team } from "../../../src/team/index.js";
import { hasRedisServer, NO_REDIS_MESSAGE, useRedisServer } from "../../support/redis-server.js";

if (!hasRedisServer) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!hasRedisServer)("joining the team", () => {
  const redisServer = useRedisServer();

  function join(tokenDigest: string, read: () => Promise<string>): Promise<Team> {
    return joinTeam({
      url: redisServer().url,
      team: { tokenDigest, read },
      windows: [{ limit: 300, windowMs: 60_000 }],
      whenRedisDown: "fail",
      localShare: 0.25,
      owner: { name: "Campaign", host: "h", stateFile: "/s.json" },
      clock: systemClock,
      note: () => undefined,
    });
  }

  it("reads the team of a token once; later runners with that token take it from Redis", async () => {
    const reads: string[] = [];
    const reader = (digest: string, team: string) => async () => (reads.push(digest), team);
    const teams = [await join("digest-a", reader("digest-a", "team-1")), await join("digest-a", reader("digest-a", "team-1")), await join("digest-b", reader("digest-b", "team-2"))];
    expect(reads).toEqual(["digest-a", "digest-b"]);
    for (const t of teams) {
      await t.gate.stop();
      await t.close();
    }
  });

  it("a failing read (a rejected token) is thrown as is: nothing is joined", async () => {
    const err = await join("digest-c", () => Promise.reject(new Error("401"))).catch((e: unknown) => e);
    expect(String(err)).toContain("401");
  });
});
