/**
 * One lane per sender account link: it runs that account's work one piece at a time (an X account
 * sends one DM at a time, like a person), highest priority first — due follow-ups and reply steps
 * before first messages. The lane answers synchronously whether it is busy, which is how the engine
 * spreads new leads over free accounts.
 *
 * What a lane does NOT decide: *when* an account may send (rolling caps, random gaps, windows). Those
 * are computed from the injected clock by AccountPacer and the windows, so the simulated clock of a
 * rehearsal drives them.
 *
 * Why not Bottleneck (which this replaced): a lane is a priority queue and a flag, while a Bottleneck
 * job allocated ~50 KB (an async generator and a "debug" event string per internal event, about 15
 * events a job; heap-sampled on the 100k-lead send benchmark) — a sixth of all the garbage on the send
 * path, which V8 answers by growing the heap. It also costs ~2.5 ms of wall time per job from its
 * internal setTimeout(0) yields.
 */
import { MinHeap } from "./min-heap.js";

// Priority in the high part of the heap key, arrival order in the low part: equal priorities run FIFO.
const PRIORITY_SCALE = 2 ** 40;

interface Job {
  fn: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

interface Lane {
  queue: MinHeap<Job>;
  running: boolean;
  /** Resolves once the running job settles (for stop()). */
  settled: Promise<void> | undefined;
}

export class AccountLanes {
  private readonly lanes = new Map<string, Lane>();
  private seq = 0;

  /** True while the account has work queued or running. */
  isBusy(account: string): boolean {
    const lane = this.lanes.get(account);
    return lane !== undefined && (lane.running || lane.queue.size > 0);
  }

  /**
   * Runs `fn` in the account's lane once everything of higher priority queued before it has run.
   * Priority: 0 runs first … 9 last (fractions rounded, out-of-range values clamped). The promise
   * settles as `fn`'s does.
   */
  run<T>(account: string, priority: number, fn: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(account);
    if (!lane) {
      lane = { queue: new MinHeap<Job>(), running: false, settled: undefined };
      this.lanes.set(account, lane);
    }
    const p = Math.min(9, Math.max(0, Math.round(priority)));
    return new Promise<T>((resolve, reject) => {
      lane.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject }, p * PRIORITY_SCALE + this.seq++);
      this.next(account, lane);
    });
  }

  /** Resolves once every queued and running job has settled (queued work still runs). */
  async stop(): Promise<void> {
    for (;;) {
      const busy = [...this.lanes.values()].filter((l) => l.running);
      if (busy.length === 0) return;
      await Promise.all(busy.map((l) => l.settled));
    }
  }

  private next(account: string, lane: Lane): void {
    if (lane.running) return;
    const job = lane.queue.pop();
    if (!job) {
      this.lanes.delete(account); // an idle account costs nothing
      return;
    }
    lane.running = true;
    let result: Promise<unknown>;
    try {
      result = Promise.resolve(job.fn());
    } catch (err) {
      result = Promise.reject(err);
    }
    lane.settled = result.then(
      (value) => this.finish(account, lane, () => job.resolve(value)),
      (err: unknown) => this.finish(account, lane, () => job.reject(err)),
    );
  }

  private finish(account: string, lane: Lane, settle: () => void): void {
    lane.running = false;
    lane.settled = undefined;
    // The lane is free before the caller hears of it, so a caller that checks isBusy sees it free.
    this.next(account, lane);
    settle();
  }
}
