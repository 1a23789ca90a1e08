/**
 * Per-sender-account pacing: the runner's own limits on top of the team quota. The Inbox API no
 * longer states a per-account send cap but X still throttles senders (reference.md §4), so each
 * account keeps a rolling-hour cap, a rolling-day cap and a human-looking random gap between sends.
 */
import { growRing, newRing } from "./sliding-window.js";

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface AccountPacerOptions {
  /** Max sends per account in any rolling hour. */
  perHour: number;
  /** Max sends per account in any rolling 24 h; also how many send times are kept per account. */
  perDay: number;
  /** Gap after each send, drawn uniformly in [gapMinMs, gapMaxMs]. */
  gapMinMs: number;
  gapMaxMs: number;
  /** Source of uniform [0, 1) numbers; default Math.random. Pass `() => 0.5` for the mean gap. */
  random?: () => number;
}

interface AccountState {
  /** Ring of the last `perDay` send times, oldest at `next` once full, in send order; grows as sends come (growRing). */
  times: Float64Array;
  next: number;
  count: number;
  /** Last send + the gap drawn for it: stable between nextAllowedAt calls. */
  gapEndsAt: number;
}

export class AccountPacer {
  private readonly accounts = new Map<string, AccountState>();
  private readonly random: () => number;

  constructor(private readonly opts: AccountPacerOptions) {
    const { perHour, perDay, gapMinMs, gapMaxMs } = opts;
    if (!Number.isInteger(perHour) || perHour < 1) throw new RangeError(`perHour must be an integer >= 1, got ${perHour}`);
    if (!Number.isInteger(perDay) || perDay < 1) throw new RangeError(`perDay must be an integer >= 1, got ${perDay}`);
    if (!(gapMinMs >= 0 && gapMaxMs >= gapMinMs)) {
      throw new RangeError(`gap must satisfy 0 <= gapMinMs <= gapMaxMs, got ${gapMinMs}..${gapMaxMs}`);
    }
    this.random = opts.random ?? Math.random;
  }

  /** The earliest instant >= `now` at which `account` may send again. */
  nextAllowedAt(account: string, now: number): number {
    const s = this.accounts.get(account);
    if (!s) return now;
    let at = Math.max(now, s.gapEndsAt);
    // A send at `at` is allowed when fewer than `cap` sends lie in (at - span, at]: the cap-th most
    // recent send must be at least `span` old.
    at = Math.max(at, this.nthMostRecent(s, this.opts.perHour) + HOUR);
    at = Math.max(at, this.nthMostRecent(s, this.opts.perDay) + DAY);
    return at;
  }

  /**
   * What keeps `account` from sending at `now`, and until when: the random gap after its last send,
   * its rolling-hour cap or its rolling-day cap (the latest of them wins); undefined when it may send.
   */
  blockedBy(account: string, now: number): { cap: "gap" | "hourly" | "daily"; until: number } | undefined {
    const s = this.accounts.get(account);
    if (!s) return undefined;
    const candidates: { cap: "gap" | "hourly" | "daily"; until: number }[] = [
      { cap: "daily", until: this.nthMostRecent(s, this.opts.perDay) + DAY },
      { cap: "hourly", until: this.nthMostRecent(s, this.opts.perHour) + HOUR },
      { cap: "gap", until: s.gapEndsAt },
    ];
    let worst: { cap: "gap" | "hourly" | "daily"; until: number } | undefined;
    for (const c of candidates) if (c.until > now && (!worst || c.until > worst.until)) worst = c;
    return worst;
  }

  /** Records a send and draws the gap that must pass before the account's next one. */
  recordSend(account: string, at: number): void {
    const s = this.state(account);
    if (s.count === s.times.length && s.count < this.opts.perDay) s.times = growRing(s.times, this.opts.perDay);
    s.times[s.next] = at;
    // Wraps only once the ring holds perDay slots: until then growRing keeps the slots in send order.
    s.next = s.next + 1 === this.opts.perDay ? 0 : s.next + 1;
    if (s.count < this.opts.perDay) s.count++;
    const { gapMinMs, gapMaxMs } = this.opts;
    s.gapEndsAt = at + Math.round(gapMinMs + this.random() * (gapMaxMs - gapMinMs));
  }

  /** Rebuilds an account's history from the state file on resume (any order; only the last perDay count). */
  restore(account: string, sendTimes: number[]): void {
    this.accounts.delete(account);
    const sorted = [...sendTimes].sort((a, b) => a - b).slice(-this.opts.perDay);
    for (const t of sorted) this.recordSend(account, t);
  }

  /** Sends by `account` in (now - ms, now]. Only the last perDay sends are known, so ms > 24 h undercounts. */
  sentInLast(account: string, ms: number, now: number): number {
    const s = this.accounts.get(account);
    if (!s) return 0;
    const size = s.times.length;
    let n = 0;
    for (let k = 1; k <= s.count; k++) {
      const t = s.times[(s.next - k + size) % size]!;
      if (t <= now - ms) break;
      if (t <= now) n++;
    }
    return n;
  }

  /** The n-th most recent send time, or -Infinity when fewer than n sends are known. */
  private nthMostRecent(s: AccountState, n: number): number {
    if (n > s.count) return Number.NEGATIVE_INFINITY;
    const size = s.times.length;
    return s.times[(s.next - n + size) % size]!;
  }

  private state(account: string): AccountState {
    let s = this.accounts.get(account);
    if (!s) {
      s = { times: newRing(this.opts.perDay), next: 0, count: 0, gapEndsAt: Number.NEGATIVE_INFINITY };
      this.accounts.set(account, s);
    }
    return s;
  }
}
