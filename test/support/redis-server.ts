/**
 * Debian's `redis-server` on a free loopback port, for the tests that need a real Redis. No data on
 * disk (`--save "" --appendonly no`), so `restart()` is a Redis that lost everything — the harshest
 * case for the team quota. `.ci/run` installs the package; without the binary, `hasRedisServer` is
 * false and the suites that need it skip with a message saying how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasRedisServer = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
export const NO_REDIS_MESSAGE = "redis-server is not installed (apt-get install -y redis-server): the Redis tests are skipped";

export interface RedisServer {
  port: number;
  url: string;
  /** SIGKILLs the server (as a crash would); `start()` brings it back on the same port, empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Empties every key (between tests). */
  flush(): void;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "outreach-redis-"));
  let child: ChildProcess | undefined;
  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning"];
      const c = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      child = c;
      let out = "";
      const onData = (d: Buffer): void => {
        out += d.toString();
      };
      c.stdout?.on("data", onData);
      c.stderr?.on("data", onData);
      c.once("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
      // Ready once it answers PING on the port.
      const started = Date.now();
      const poll = (): void => {
        const probe = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" });
        if (probe.stdout?.trim() === "PONG") return resolve();
        if (Date.now() - started > 10_000) return reject(new Error(`redis-server did not answer on port ${port}: ${out}`));
        setTimeout(poll, 20);
      };
      poll();
    });
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill(signal);
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: () => halt("SIGKILL"),
    flush: () => {
      spawnSync("redis-cli", ["-p", String(port), "flushall"], { stdio: "ignore" });
    },
    start,
    stop: async () => {
      await halt("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One redis-server for the calling describe block: started before its first test, stopped after its
 * last. Returns an accessor (the server exists only once `beforeAll` has run).
 */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error("the Redis server is not started yet: use it inside a test");
    return server;
  };
}
