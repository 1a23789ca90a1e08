/**
 * The one Redis connection a runner keeps for its team (ioredis, the only file that builds one).
 *
 * Why ioredis: maintained by Redis, a single dependency-light package, `defineCommand` runs our Lua
 * scripts by SHA with a transparent reload after a Redis restart (NOSCRIPT), and it reconnects on its
 * own. It is configured to FAIL commands at once while disconnected (no offline queue, no per-command
 * retries): the shared limiter must know the moment the team's log is out of reach, to hold instead
 * of guessing (see shared-limiter.ts).
 */
import { Redis } from "ioredis";
import { UserError } from "../errors.js";
import { redactUrl } from "../secrets.js";
import { ACQUIRE, CLAIM, COMPLETE, HOLD, LEARN, LEAVE, OBSERVE, RESEED } from "./quota-scripts.js";

/** How long the first connection may take before the run refuses to start. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** A script call that has not answered in this long fails (Redis runs each in well under a millisecond). */
const COMMAND_TIMEOUT_MS = 2_000;
/** Reconnect attempts back off up to this interval while Redis is away. */
const MAX_RECONNECT_DELAY_MS = 1_000;

type Reply = (string | number)[];

/** The scripts of quota-scripts.ts as typed calls; each rejects while Redis is unreachable. */
export interface TeamRedis {
  acquire(keys: string[], args: (string | number)[]): Promise<Reply>;
  complete(keys: string[], args: (string | number)[]): Promise<number>;
  hold(keys: string[], args: (string | number)[]): Promise<number[]>;
  observe(keys: string[], args: (string | number)[]): Promise<number>;
  leave(keys: string[], args: (string | number)[]): Promise<number>;
  reseed(keys: string[], args: (string | number)[]): Promise<number[]>;
  learn(keys: string[], args: (string | number)[]): Promise<number>;
  claim(keys: string[], args: (string | number)[]): Promise<string>;
  /** A plain string value, or undefined when the key is missing. */
  get(key: string): Promise<string | undefined>;
  /** Sets a string value kept `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Called on every (re)connection after the first: Redis may have restarted empty. */
  onReconnect(listener: () => void): void;
  /** True while the connection is up. */
  readonly isReady: boolean;
  close(): Promise<void>;
}

/**
 * The URL without its password, for messages (a Redis password is a secret like INBOX_API_TOKEN):
 * `redis://:pw@…` and ioredis's `?password=pw` form both show `***`.
 */
export function redactRedisUrl(url: string): string {
  return redactUrl(url);
}

/**
 * Connects, or throws a UserError saying where it tried and what to do.
 * @param url `redis://[:password@]host:port[/db]` or `rediss://…` (TLS).
 * @throws UserError when the URL is not a Redis URL or Redis does not answer within CONNECT_TIMEOUT_MS.
 */
export async function connectTeamRedis(url: string): Promise<TeamRedis> {
  const shown = redactRedisUrl(url);
  if (!/^rediss?:\/\//.test(url) || !URL.canParse(url)) {
    throw new UserError(`the team's Redis URL ${shown} is not a redis:// or rediss:// URL`, {
      hint: "set OUTREACH_REDIS_URL (or team.redis in the campaign) to something like redis://127.0.0.1:6379",
    });
  }
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // A command in flight when the connection drops must fail, not wait for the reconnection: the
    // limiter holds on failure, and a hung script call would hold it silently.
    commandTimeout: COMMAND_TIMEOUT_MS,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
  });
  // ioredis reports connection errors as events; without a listener Node would print them. The
  // limiter learns of an outage from the failing commands themselves.
  let lastError: unknown;
  redis.on("error", (err: unknown) => void (lastError = err));
  try {
    await redis.connect();
    await redis.ping();
  } catch (cause) {
    redis.disconnect();
    // A wrong or missing password surfaces as "Connection is closed." after the AUTH reply: say what it was.
    const auth = [cause, lastError].map(describe).find((m) => /WRONGPASS|NOAUTH|invalid password|AUTH/i.test(m));
    if (auth) {
      throw new UserError(`the team's Redis at ${shown} refused the password (${auth}); nothing was sent`, {
        hint: "check the password in OUTREACH_REDIS_URL / team.redis (redis://:PASSWORD@host:port)",
        cause,
      });
    }
    throw new UserError(`cannot reach the team's Redis at ${shown} (${describe(cause)}); nothing was sent`, {
      hint:
        "start it (e.g. `redis-server --port 6379`), fix OUTREACH_REDIS_URL / team.redis, or set team.whenRedisDown: local " +
        "to run alone on a conservative share of the quota",
      cause,
    });
  }
  const scripts = { acquire: [6, ACQUIRE], complete: [1, COMPLETE], hold: [1, HOLD], observe: [2, OBSERVE], leave: [2, LEAVE], reseed: [4, RESEED], learn: [1, LEARN], claim: [1, CLAIM] } as const;
  for (const [name, [numberOfKeys, lua]] of Object.entries(scripts)) redis.defineCommand(name, { numberOfKeys, lua });
  const call = <T>(name: keyof typeof scripts) => (keys: string[], args: (string | number)[]): Promise<T> =>
    (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[name]!(...keys, ...args);
  const listeners: (() => void)[] = [];
  redis.on("ready", () => {
    for (const l of listeners) l();
  });
  return {
    acquire: call<Reply>("acquire"),
    complete: call<number>("complete"),
    hold: call<number[]>("hold"),
    observe: call<number>("observe"),
    leave: call<number>("leave"),
    reseed: call<number[]>("reseed"),
    learn: call<number>("learn"),
    claim: call<string>("claim"),
    get: async (key) => (await redis.get(key)) ?? undefined,
    set: async (key, value, ttlMs) => void (await redis.set(key, value, "PX", ttlMs)),
    onReconnect: (l) => listeners.push(l),
    get isReady() {
      return redis.status === "ready";
    },
    close: async () => {
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

function describe(err: unknown): string {
  if (err === undefined || err === null) return "";
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}
