/**
 * One Bottleneck limiter per sender account link: a lane that runs that account's work one piece
 * at a time (an X account sends one DM at a time, like a person), highest priority first — due
 * follow-ups and reply steps before first messages. The lane answers synchronously whether it is
 * busy, which is how the engine spreads new leads over free accounts.
 *
 * What Bottleneck does NOT decide here: *when* an account may send (rolling caps, random gaps,
 * windows). Those are computed from the injected clock by AccountPacer and the windows, so the
 * simulated clock of a rehearsal drives them; Bottleneck's own timers (minTime, reservoir refresh)
 * run on the wall clock and would ignore it. Nor does Bottleneck gate the team quota: it costs
 * ~2.5 ms of wall time per job (measured: at most ~390 jobs/s whatever maxConcurrent, from its
 * internal setTimeout(0) yields) and has only fixed-window reservoirs, while the server counts
 * sliding windows — see api-limiter.ts.
 */
import Bottleneck from "bottleneck";

export class AccountLanes {
  private readonly group = new Bottleneck.Group({ maxConcurrent: 1 });
  private readonly active = new Map<string, number>();

  /** True while the account has work queued or running. */
  isBusy(account: string): boolean {
    return (this.active.get(account) ?? 0) > 0;
  }

  /** Runs `fn` in the account's lane. Priority: 0 runs first … 9 last (Bottleneck semantics). */
  run<T>(account: string, priority: number, fn: () => Promise<T>): Promise<T> {
    this.active.set(account, (this.active.get(account) ?? 0) + 1);
    const lane = this.group.key(account);
    return lane
      .schedule<T>({ priority: Math.min(9, Math.max(0, Math.round(priority))) }, fn)
      .finally(() => {
        const n = (this.active.get(account) ?? 1) - 1;
        if (n <= 0) this.active.delete(account);
        else this.active.set(account, n);
      });
  }

  async stop(): Promise<void> {
    await Promise.all(this.group.limiters().map(({ limiter }) => limiter.stop({ dropWaitingJobs: false })));
  }
}
