/**
 * One lane per sender account link: a lane runs that account's work one piece at a time (an X
 * account sends one DM at a time, like a person), highest priority first — due follow-ups and reply
 * steps before first messages. The lane answers synchronously whether it is busy, which is how the
 * engine spreads new leads over free accounts.
 *
 * What the lanes do NOT decide: *when* an account may send (rolling caps, random gaps, windows).
 * Those are computed from the injected clock by AccountPacer and the windows, so the simulated clock
 * of a rehearsal drives them.
 *
 * Why not Bottleneck (the first design's choice for these lanes): measured on Node 20, Bottleneck
 * 2.19.5 passes every job through internal `setTimeout(0)` hops — 1.5 ms of CPU and 2.5–10 ms of
 * wall time per job (1,000 jobs in a row on one lane, 2-core machine). A rehearsal sends one DM at a
 * time per simulated instant, so those hops were wall time in which the process did nothing and the
 * simulated clock could not move (issue 11: a 10,000-lead rehearsal idle half the time). A lane needs
 * only a busy flag and a priority queue; this one starts work synchronously and never sets a timer.
 */
import { MinHeap } from "./min-heap.js";

// Priority in the high part of the heap key, a sequence number in the low part: FIFO within a
// priority; 9·2^40 + 2^40 stays below 2^53.
const PRIORITY_SCALE = 2 ** 40;

interface Lane {
  waiting: MinHeap<() => void>;
}

export class AccountLanes {
  /** Lanes with work running; a lane exists exactly while its account is busy. */
  private readonly lanes = new Map<string, Lane>();
  private seq = 0;
  private readonly idle: (() => void)[] = [];

  /** True while the account has work queued or running. */
  isBusy(account: string): boolean {
    return this.lanes.has(account);
  }

  /**
   * Runs `fn` in the account's lane: at once when the lane is free, else after the work already
   * in it. Priority: 0 runs first … 9 last; FIFO within a priority. Resolves or rejects as `fn` does.
   */
  run<T>(account: string, priority: number, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job = (): void => {
        let result: Promise<T>;
        try {
          result = fn();
        } catch (err) {
          result = Promise.reject(err);
        }
        result.then(resolve, reject).finally(() => this.next(account));
      };
      const lane = this.lanes.get(account);
      if (lane) {
        const p = Math.min(9, Math.max(0, Math.round(priority)));
        lane.waiting.push(job, p * PRIORITY_SCALE + this.seq++);
        return;
      }
      this.lanes.set(account, { waiting: new MinHeap() });
      job();
    });
  }

  /** Resolves once every lane has finished its running and queued work. */
  stop(): Promise<void> {
    if (this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private next(account: string): void {
    const lane = this.lanes.get(account);
    const job = lane?.waiting.pop();
    if (job) return job();
    this.lanes.delete(account);
    if (this.lanes.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}
