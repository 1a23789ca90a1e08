/**
 * What we know of the Inbox API server's clock, measured from its responses, so that times the API
 * writes (a message's `createdAt`, `X-RateLimit-Reset`) can be compared with times this machine
 * writes (a step's `sendingAt`, the scheduler's `now`) although the two clocks disagree.
 *
 * The offset (server clock minus ours, ms) is kept as an interval that every observation narrows:
 * a server instant S read off a response happened somewhere between the request's start and its
 * response on our clock, [localFrom, localTo], so offset ∈ [S − localTo, S + resolution − localFrom].
 * - The `Date` header (RFC 9110 §6.6.1) has one-second resolution: each response bounds the offset to
 *   about a second plus the round trip; responses at different sub-second phases narrow it further.
 * - A message we just sent carries `createdAt` to the millisecond: bounded by the round trip alone.
 * Clocks drift (and NTP slews), so the interval widens by DRIFT_PER_MS of the time since it was last
 * narrowed; an observation that contradicts it (a clock stepped) replaces it.
 */

/** 100 ppm: a cheap crystal's worst case is ~50 ppm, so the interval never trails a drifting clock. */
const DRIFT_PER_MS = 1e-4;

/** Skew beyond which the run warns: NTP keeps clocks within a few ms; half a minute means none runs. */
export const LARGE_SKEW_MS = 30_000;

export interface ServerClockReading {
  /** Best estimate of server clock − our clock, ms (the middle of the interval). */
  offsetMs: number;
  /** Half the width of the interval, ms: the true offset is within offsetMs ± this. */
  uncertaintyMs: number;
}

export class ServerClock {
  private lo = Number.NEGATIVE_INFINITY;
  private hi = Number.POSITIVE_INFINITY;
  /** Our clock's time of the last narrowing, for drift widening. */
  private at = 0;
  private warnedAt: number | undefined;

  /**
   * @param onLargeSkew called when the offset first exceeds LARGE_SKEW_MS in either direction, and again
   *   whenever it moves by more than that since the last call (the run shows it as a warning).
   */
  constructor(private readonly onLargeSkew?: (offsetMs: number) => void) {}

  /**
   * A server instant in [serverFrom, serverFrom + resolutionMs) was read from a response to a request
   * that left at `localFrom` and was answered at `localTo` (epoch ms, ours). Non-finite input is ignored.
   */
  observe(serverFrom: number, resolutionMs: number, localFrom: number, localTo: number): void {
    if (!Number.isFinite(serverFrom) || !Number.isFinite(localFrom) || !Number.isFinite(localTo) || localTo < localFrom) return;
    const lo = serverFrom - localTo;
    const hi = serverFrom + resolutionMs - localFrom;
    const drift = Math.abs(localTo - this.at) * DRIFT_PER_MS;
    const widenedLo = this.lo - drift;
    const widenedHi = this.hi + drift;
    if (lo > widenedHi || hi < widenedLo) {
      // Contradicts what we knew: one of the clocks was stepped. Start over from this observation.
      this.lo = lo;
      this.hi = hi;
    } else {
      this.lo = Math.max(lo, widenedLo);
      this.hi = Math.min(hi, widenedHi);
    }
    this.at = localTo;
    this.checkSkew();
  }

  /** Undefined until the first response has been observed. */
  reading(): ServerClockReading | undefined {
    if (!Number.isFinite(this.lo) || !Number.isFinite(this.hi)) return undefined;
    return { offsetMs: Math.round((this.lo + this.hi) / 2), uncertaintyMs: Math.ceil((this.hi - this.lo) / 2) };
  }

  /** An instant on our clock as the server's clock shows it (unchanged until measured). */
  toServer(localMs: number): number {
    return localMs + (this.reading()?.offsetMs ?? 0);
  }

  /** An instant on the server's clock (createdAt, X-RateLimit-Reset) on ours (unchanged until measured). */
  toLocal(serverMs: number): number {
    return serverMs - (this.reading()?.offsetMs ?? 0);
  }

  /**
   * The latest instant on our clock that a server instant can be: for a deadline the server sets
   * (X-RateLimit-Reset), waiting until this is never too early. Unchanged until measured.
   */
  latestLocal(serverMs: number): number {
    return Number.isFinite(this.lo) ? serverMs - this.lo : serverMs;
  }

  private checkSkew(): void {
    const r = this.reading();
    if (!r || !this.onLargeSkew) return;
    // Judge by the bound nearest zero, so an uncertain first reading never warns by itself.
    const sure = r.offsetMs > 0 ? Math.max(0, r.offsetMs - r.uncertaintyMs) : Math.min(0, r.offsetMs + r.uncertaintyMs);
    const last = this.warnedAt;
    if (last === undefined ? Math.abs(sure) > LARGE_SKEW_MS : Math.abs(sure - last) > LARGE_SKEW_MS) {
      this.warnedAt = sure;
      this.onLargeSkew(r.offsetMs);
    }
  }
}
