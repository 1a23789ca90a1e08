/**
 * A Redis that wants a password the URL does not carry: one message that says so (not "cannot reach …
 * Connection is closed", which sent a tester to start a Redis that was running), and the password in
 * either URL form never shown. Real Redis (Debian's redis-server on a free loopback port).
 */
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { connectTeamRedis } from "../../../src/team/redis-connection.js";
import { hasRedisServer, NO_REDIS_MESSAGE, useRedisServer } from "../../support/redis-server.js";

if (!hasRedisServer) console.warn(NO_REDIS_MESSAGE);

describe.skipIf(!hasRedisServer)("connecting to a Redis with a password", () => {
  const redisServer = useRedisServer();
  beforeAll(() => {
    spawnSync("redis-cli", ["-p", String(redisServer().port), "config", "set", "requirepass", "right-pass-1"]);
  });

  it.each([
    ["a wrong password", (port: number) => `redis://:wrong-pass-2@127.0.0.1:${port}`, /redis:\/\/:\*\*\*@127\.0\.0\.1/],
    ["a wrong ?password=", (port: number) => `redis://127.0.0.1:${port}/0?password=wrong-pass-2`, /password=\*\*\*/],
    ["no password", (port: number) => `redis://127.0.0.1:${port}`, /redis:\/\/127\.0\.0\.1/],
  ])("%s: refused the password, shown masked", async (_name, url, shown) => {
    const err = await connectTeamRedis(url(redisServer().port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/refused the password/);
    expect((err as UserError).message).toMatch(shown);
    expect((err as UserError).message).not.toContain("wrong-pass-2");
  });

  it("the right password connects", async () => {
    const redis = await connectTeamRedis(`redis://:right-pass-1@127.0.0.1:${redisServer().port}`);
    expect(redis.isReady).toBe(true);
    await redis.close();
  });
});
