/**
 * The team quota gate when several runners share one team: the same `ApiLimiter` the engine, the
 * client and the reply sources already use (schedule/api-limiter.ts), but every start is granted by
 * the team's log in Redis (team-quota.ts) instead of a local count.
 *
 * Locally it keeps the queue of schedule/gate-queue.ts (priorities, aborts, a cap on requests in
 * flight); one loop asks Redis for the head job's start, so this runner competes in the team's queue
 * with its most urgent work. What it promises:
 *  - never a start Redis did not grant: while Redis is unreachable every new request is HELD (requests
 *    already in flight finish); when it is back, this runner first puts its own requests back (in case
 *    Redis restarted empty), then goes on. The quota is never exceeded and no state is lost;
 *  - a 429 or the server's headers seen by any runner hold all of them (a team-wide hold key);
 *  - a stricter quota learned from the server's headers (schedule/learned-quota.ts) applies team-wide:
 *    it is kept in Redis, and every runner's start is checked against it;
 *  - a runner that dies frees its share: its queue entry lapses after WAITER_LEASE_MS and its
 *    unanswered requests after IN_FLIGHT_LEASE_MS + one window.
 */
import type { RateLimitInfo } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { GateQueue, type ApiLimiter } from "../schedule/gate-queue.js";
import { forgetAfterMs, type LearnedWindow } from "../schedule/learned-quota.js";
import type { TeamRedis } from "./redis-connection.js";
import type { TeamQuota } from "./team-quota.js";

/** Retry interval while Redis is unreachable (ioredis reconnects on its own meanwhile). */
const REDIS_RETRY_MS = 250;
/**
 * Poll interval while another runner's turn comes first (its start frees our turn), and twice that
 * while a slot waits on someone else's response. Short against a slot of the documented quota
 * (60 s / 300 = 200 ms); each poll is one Redis round trip.
 */
const TURN_POLL_MS = 10;
/** Longest single wait, so this runner's place in the team's queue stays alive (WAITER_LEASE_MS). */
const MAX_WAIT_MS = 1_000;
/**
 * After Redis came back empty, every runner holds this long so all can put their requests back
 * first: twice ioredis's longest reconnect delay (redis-connection.ts). A runner that has not put its
 * own back is refused starts meanwhile and after (quota-scripts.ts, ACQUIRE's 'reseed').
 */
export const RESEED_GRACE_MS = 2_000;

export interface SharedLimiterOptions {
  quota: TeamQuota;
  redis: TeamRedis;
  clock: Clock;
  /** Requests in flight at once from this runner; default 8 (as the local gate). */
  maxConcurrent?: number;
  /** The Redis URL without its password, for messages. */
  where: string;
  /** Redis lost and back again, for the reporter. */
  onNotice?: (level: "info" | "warn", message: string) => void;
}

export function createSharedLimiter(opts: SharedLimiterOptions): ApiLimiter {
  return new SharedLimiter(opts);
}

/** Tickets are the Redis log's members (one per start). */
class SharedLimiter extends GateQueue<string> {
  private pumping = false;
  /** Aborted to cut a wait short: a job finished or a more urgent one arrived. */
  private nap = new AbortController();
  private localHold = 0;
  private isInTeamQueue = false;
  private isRedisDown = false;
  /** Set when the connection came back: put our requests back before asking for a start. */
  private needsReseed = false;
  private lastTeamHold = 0;
  private grants = 0;
  /** The member of the start just granted, handed to opened(). */
  private granted = "";
  /** When each learned limit was last written to Redis (ms, our clock): renewed while the server reports it. */
  private readonly published = new Map<number, number>();

  constructor(private readonly opts: SharedLimiterOptions) {
    super({ clock: opts.clock, windows: opts.quota.windows, ...(opts.maxConcurrent !== undefined ? { maxConcurrent: opts.maxConcurrent } : {}) });
    opts.redis.onReconnect(() => {
      this.needsReseed = true;
      this.dispatch();
    });
  }

  get heldUntil(): number | undefined {
    return this.localHold > this.clock.now() ? this.localHold : undefined;
  }

  holdUntil(at: number, reason: string): void {
    if (at <= this.clock.now()) return;
    this.noteHold(at, reason);
    // Redis unreachable: the hold stays local and is put back by the reseed on reconnection.
    this.opts.quota.hold(at).catch(() => undefined);
  }

  protected override dispatch(): void {
    this.wake();
    void this.pump();
  }

  protected opened(): string {
    return this.granted;
  }

  protected closed(member: string): void {
    // Best effort: if Redis is away, the in-flight lease stands in, and the reseed puts the real instant back.
    this.opts.quota.complete(member).catch(() => undefined);
  }

  protected learn(window: LearnedWindow): void {
    this.publish(window);
  }

  /** The team's entry lapses on its own unless another runner still sees the server report it. */
  protected unlearn(limit: number): void {
    this.published.delete(limit);
  }

  protected observeRemaining(info: RateLimitInfo, now: number): void {
    const { limit, remaining } = info;
    if (limit === undefined || remaining === undefined) return;
    const learned = this.learner?.windows().find((w) => w.limit === limit);
    // A learned window the server still reports stays team-wide: renewed well before it would lapse.
    if (learned && now - (this.published.get(limit) ?? 0) > forgetAfterMs(learned.windowMs) / 4) this.publish(learned);
    // Only when little is left is the server's count worth a Redis call: it can then show usage by
    // clients outside the log (another tool of the team), which must hold every runner.
    const resetAhead = info.resetAt !== undefined && info.resetAt > now ? info.resetAt : undefined;
    const window = learned ?? this.opts.quota.windows.find((w) => w.limit === limit);
    if (!window || resetAhead === undefined || remaining > this.maxConcurrent) return;
    this.opts.quota.observe(window, remaining, resetAhead).then(
      (placed) => {
        if (placed) this.noteHold(resetAhead, `the team's API quota has ${remaining} requests left until it resets (used outside this team's runners)`);
      },
      () => undefined,
    );
  }

  /** Writes a learned window to Redis for every runner, kept as long as this runner's learner keeps it. */
  private publish(window: LearnedWindow): void {
    this.published.set(window.limit, this.clock.now());
    this.opts.quota.learn(window, forgetAfterMs(window.windowMs)).catch(() => this.published.delete(window.limit));
  }

  override stop(): Promise<void> {
    if (!this.stopped && this.isInTeamQueue) this.opts.quota.leave().catch(() => undefined);
    return super.stop();
  }

  /** The one loop that asks the team for starts; re-entered when work arrives or a job finishes. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.stopped && this.running < this.maxConcurrent) {
        // Even with nothing queued: after Redis restarted empty, the team needs our requests back now.
        if (this.needsReseed || this.isRedisDown) {
          const wait = await this.reseed();
          if (wait > 0) {
            await this.sleep(wait);
            continue;
          }
        }
        if (!this.head()) {
          if (this.isInTeamQueue) {
            this.isInTeamQueue = false;
            this.opts.quota.leave().catch(() => undefined);
          }
          return;
        }
        const now = this.clock.now();
        if (this.localHold > now) {
          await this.sleep(this.localHold - now);
          continue;
        }
        const wait = await this.tryStart(this.head()!.priority);
        if (wait > 0) await this.sleep(wait);
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Asks Redis for a start at `priority`; returns how long to wait before asking again (0: ask at once). */
  private async tryStart(priority: number): Promise<number> {
    try {
      const admission = await this.opts.quota.acquire(priority);
      this.isInTeamQueue = !admission.granted;
      if (admission.granted) {
        if (++this.grants % 1_000 === 0) this.opts.quota.prune();
        // The slot goes to the most urgent job now queued (a more urgent one may have arrived while
        // Redis answered); if the queue emptied (aborted), it counts as used, which is safe.
        this.granted = admission.member;
        if (this.stopped || !this.startHead()) void this.opts.quota.complete(admission.member).catch(() => undefined);
        return 0;
      }
      if (admission.reason === "reseed") {
        this.needsReseed = true;
        return 0;
      }
      if (admission.reason === "hold") {
        this.noteHold(this.clock.now() + admission.waitMs, "another runner of the team was told to wait (429 or the server's rate-limit headers)");
        return Math.min(admission.waitMs, MAX_WAIT_MS);
      }
      if (admission.reason === "turn") return TURN_POLL_MS;
      // Beyond the longest window the slot waits on a response in flight (its lease), not on time: poll.
      return admission.waitMs > MAX_WAIT_MS ? TURN_POLL_MS * 2 : Math.max(1, admission.waitMs);
    } catch (err) {
      return this.lost(err);
    }
  }

  /** Puts this runner's requests back after a reconnection; returns how long to wait (0: done). */
  private async reseed(): Promise<number> {
    try {
      this.needsReseed = false;
      const lost = await this.opts.quota.reseed(RESEED_GRACE_MS);
      if (this.isRedisDown || lost) {
        const was = this.isRedisDown ? "is back" : "had restarted";
        this.isRedisDown = false;
        this.opts.onNotice?.("info", `the team's Redis at ${this.opts.where} ${was}${lost ? " (it had lost its data: this runner's requests were put back)" : ""}; continuing`);
      }
      return 0;
    } catch (err) {
      this.needsReseed = true;
      return this.lost(err);
    }
  }

  /** Redis did not answer: hold every start (reported once per outage); returns the retry delay. */
  private lost(err: unknown): number {
    if (!this.isRedisDown) {
      this.isRedisDown = true;
      this.heldCount++;
      const reason = `the team's Redis at ${this.opts.where} is unreachable (${describe(err)}): holding every request until it is back, so the team's quota is never exceeded`;
      this.opts.onNotice?.("warn", reason);
      this.onHold?.(this.clock.now() + REDIS_RETRY_MS, reason);
    }
    return REDIS_RETRY_MS;
  }

  private noteHold(until: number, reason: string): void {
    if (until > this.localHold) this.localHold = until;
    // One report per hold instant: every poll during a team-wide hold would otherwise repeat it.
    if (until <= this.lastTeamHold + 1) return;
    this.lastTeamHold = until;
    this.heldCount++;
    this.onHold?.(until, reason);
  }

  private sleep(ms: number): Promise<void> {
    return this.clock.sleep(ms, AbortSignal.any([this.stopping.signal, this.nap.signal]));
  }

  private wake(): void {
    this.nap.abort();
    this.nap = new AbortController();
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}
