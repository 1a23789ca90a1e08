/**
 * One runner's side of the team quota kept in Redis (the scripts are in quota-scripts.ts): asks for a
 * start, reports responses, spreads holds, and remembers its own requests so that it can put them
 * back when Redis comes back empty. Times given to and returned from here are on the caller's clock;
 * the offset to the Redis server's clock is measured on every call.
 */
import { randomBytes } from "node:crypto";
import type { RateWindow } from "../config/types.js";
import type { Clock } from "../platform/clock.js";
import { defaultQuotaMargin } from "../schedule/sliding-window.js";
import type { TeamRedis } from "./redis-connection.js";

/**
 * A request in flight counts as if answered at its start + this lease until its response is
 * reported: a runner killed mid-request thus frees its slot one lease + one window later. Longer than
 * the client's 30 s per-attempt timeout (inbox/client-options.ts), so a slow answer still counts late
 * enough.
 */
export const IN_FLIGHT_LEASE_MS = 120_000;
/** A waiting runner that stops asking leaves the queue this long after its last ask. */
export const WAITER_LEASE_MS = 3_000;

export type Admission =
  | { granted: true; member: string }
  /**
   * `waitMs`: until a slot may free (quota), the hold ends (hold), or at once (another runner's turn;
   * reseed: this runner must put its requests back first — Redis lost its data, or it never joined).
   */
  | { granted: false; waitMs: number; reason: "hold" | "quota" | "turn" | "reseed" };

export interface TeamQuotaOptions {
  redis: TeamRedis;
  /** Key namespace: the team's id (GET /team), so every token of one team shares one quota. */
  team: string;
  windows: readonly RateWindow[];
  clock: Clock;
  /** Pass the caller's clock to the scripts instead of the Redis server's TIME (tests on a simulated clock). */
  useCallerClock?: boolean;
}

export class TeamQuota {
  readonly runnerId = randomBytes(6).toString("hex");
  private readonly keys: { log: string; queue: string; alive: string; hold: string; epoch: string; learned: string; seeded: string };
  private readonly spans: string;
  private readonly longestSpanMs: number;
  private seq = 0;
  /** Redis clock − caller clock, ms, from the last call. */
  private offset = 0;
  /** This runner's requests: member → score on the Redis clock (response instant, or start + lease). */
  private readonly mine = new Map<string, number>();
  /** This runner's latest hold, on the caller's clock. */
  private holdAt = 0;

  constructor(private readonly opts: TeamQuotaOptions) {
    const prefix = `outreach:{${opts.team}}:`;
    this.keys = {
      log: `${prefix}log`,
      queue: `${prefix}queue`,
      alive: `${prefix}alive`,
      hold: `${prefix}hold`,
      epoch: `${prefix}epoch`,
      learned: `${prefix}learned`,
      seeded: `${prefix}seeded:${this.runnerId}`,
    };
    const spans = opts.windows.map((w) => ({ limit: w.limit, span: spanOf(w.windowMs) }));
    this.spans = spans.map((s) => `${s.limit}:${s.span}`).join(",");
    this.longestSpanMs = Math.max(0, ...spans.map((s) => s.span));
  }

  /** Asks for one start at `priority` (0 first). @throws when Redis is unreachable. */
  async acquire(priority: number): Promise<Admission> {
    const member = `${this.runnerId}:${this.seq++}`;
    const sentAt = this.opts.clock.now();
    const { log, queue, alive, hold, learned, seeded } = this.keys;
    const r = await this.opts.redis.acquire([log, queue, alive, hold, learned, seeded], [
      this.nowArg(),
      this.runnerId,
      member,
      priority,
      IN_FLIGHT_LEASE_MS,
      WAITER_LEASE_MS,
      this.spans,
    ]);
    const now = Number(r[2]);
    this.measure(now, sentAt);
    if (Number(r[0]) === 1) {
      this.mine.set(member, now + IN_FLIGHT_LEASE_MS);
      return { granted: true, member };
    }
    return { granted: false, waitMs: Number(r[1]), reason: String(r[3]) as "hold" | "quota" | "turn" | "reseed" };
  }

  /** The response to `member` arrived now. Best effort: on failure the lease (or a reseed) stands in. */
  async complete(member: string): Promise<void> {
    this.mine.set(member, this.opts.clock.now() + this.offset);
    const sentAt = this.opts.clock.now();
    const now = await this.opts.redis.complete([this.keys.log], [this.nowArg(), member]);
    this.measure(Number(now), sentAt);
    this.mine.set(member, Number(now));
  }

  /** Holds every runner of the team until `until` (caller's clock). */
  async hold(until: number): Promise<void> {
    if (until > this.holdAt) this.holdAt = until;
    await this.opts.redis.hold([this.keys.hold], [this.nowArg(), Math.ceil(until + this.offset)]);
  }

  /**
   * The server's X-RateLimit-* headers: a hold for the whole team until the reset when the server
   * counted more than the log holds for `window` (the configured or learned window with that limit).
   * @returns true when a hold was placed.
   */
  async observe(window: RateWindow, remaining: number, resetAt: number): Promise<boolean> {
    const at = Math.round(this.opts.clock.now() + this.offset);
    // The server counted at some instant before we received its answer: widen the log's window by a
    // quarter of it (at most 1 s) so that gap never reads as usage outside the log.
    const slack = Math.min(1_000, Math.round(window.windowMs / 4));
    const args = [this.nowArg(), window.limit, remaining, Math.ceil(resetAt + this.offset), window.windowMs, at, slack];
    const placed = await this.opts.redis.observe([this.keys.log, this.keys.hold], args);
    if (Number(placed) === 1 && resetAt > this.holdAt) this.holdAt = resetAt;
    return Number(placed) === 1;
  }

  /**
   * A stricter window learned from the server's headers (schedule/learned-quota.ts): from now on every
   * runner's start is checked against it too, for `keepMs` unless renewed (call again while the server
   * still reports it). The team keeps the shortest length any runner learned for that limit.
   */
  async learn(window: RateWindow, keepMs: number): Promise<void> {
    await this.opts.redis.learn([this.keys.learned], [this.nowArg(), window.limit, spanOf(window.windowMs), Math.ceil(keepMs)]);
  }

  /** Nothing of this runner waits any more: leave the queue so others need not wait for its turn. */
  async leave(): Promise<void> {
    await this.opts.redis.leave([this.keys.queue, this.keys.alive], [this.runnerId]);
  }

  /**
   * Puts this runner's own requests of the longest window and its hold back into Redis. Called at
   * start (graceMs 0) and after every reconnection, when Redis may have restarted without its data;
   * then (`graceMs` > 0) the whole team holds that long so every runner can put its requests back
   * first. Idempotent. @returns true when Redis had lost the team's data.
   */
  async reseed(graceMs: number): Promise<boolean> {
    const redisNow = this.opts.clock.now() + this.offset;
    const pairs: (string | number)[] = [];
    for (const [member, score] of this.mine) {
      if (score <= redisNow - this.longestSpanMs) this.mine.delete(member);
      else pairs.push(score, member);
    }
    const hold = this.holdAt > this.opts.clock.now() ? Math.ceil(this.holdAt + this.offset) : 0;
    const keys = [this.keys.log, this.keys.hold, this.keys.epoch, this.keys.seeded];
    // Seeded for as long as its own requests can matter; a runner idle longer simply reseeds again.
    const keep = this.longestSpanMs + IN_FLIGHT_LEASE_MS;
    // Batches keep each script call short: Redis runs one script at a time.
    const BATCH = 2_000;
    let lost = false;
    for (let i = 0; i === 0 || i < pairs.length; i += BATCH) {
      const sentAt = this.opts.clock.now();
      const r = await this.opts.redis.reseed(keys, [this.nowArg(), i === 0 ? hold : 0, graceMs, keep, ...pairs.slice(i, i + BATCH)]);
      this.measure(Number(r[0]), sentAt);
      if (Number(r[1]) === 1) lost = true;
    }
    return lost;
  }

  /** A request made before this runner joined (GET /team), answered at `at`: the next reseed counts it. */
  countEarlier(at: number): void {
    this.mine.set(`${this.runnerId}:${this.seq++}`, at + this.offset);
  }

  /** Drops own entries older than the longest window; call now and then (bounded memory). */
  prune(): void {
    const horizon = this.opts.clock.now() + this.offset - this.longestSpanMs;
    for (const [member, score] of this.mine) if (score <= horizon) this.mine.delete(member);
  }

  /** The configured windows (a learned one is passed to observe() by the caller). */
  get windows(): readonly RateWindow[] {
    return this.opts.windows;
  }

  private nowArg(): string {
    return this.opts.useCallerClock ? String(Math.round(this.opts.clock.now())) : "";
  }

  private measure(redisNow: number, sentAt: number): void {
    // The script ran between sentAt and now; the midpoint halves the round trip's error.
    this.offset = redisNow - (sentAt + this.opts.clock.now()) / 2;
  }
}

/**
 * How long a request keeps counting after its response in a window of `windowMs`: the same rule as
 * the local gate (sliding-window.ts) — more than window + margin old, +1 ms so it lies strictly outside
 * whichever end the server includes.
 */
function spanOf(windowMs: number): number {
  return windowMs + defaultQuotaMargin(windowMs) + 1;
}
