/**
 * A watchdog on the engine's own loop. A healthy pass of the loop starts work, waits for work in
 * flight, polls for replies, or sleeps until the next instant something is due — and only a handful
 * of passes in a row can find nothing to start (work deferred by pacing, then by a window; a timer
 * that fired a millisecond early). A loop that keeps passing without progress is a bug (issue 8: it
 * burnt a core and ignored Ctrl-C for hours); the guard turns it into a paused run with a clear
 * message instead, so the user sees the problem at once and the state stays resumable.
 */

/** Passes without progress that trip the guard, counted within one `SPAN_MS` of the engine's clock. */
export const MAX_IDLE_PASSES = 200;
/**
 * The clock span those passes must fall within. Legitimate idle passes come a few per event (each
 * event is at least a poll interval or a send gap apart), so 200 in one second of clock time is a
 * loop re-taking the same work — whether it waits 0 ms (a spin) or 1 ms (a livelock) between passes.
 */
export const SPAN_MS = 1_000;

export class ProgressGuard {
  private idle = 0;
  private since = 0;

  /**
   * Work started or in-flight work settled: the loop is healthy. (A pass that polled for replies
   * neither counts nor resets: polls come once a poll interval, and a spin could hide between them.)
   */
  progressed(): void {
    this.idle = 0;
  }

  /**
   * Records a pass of the loop that started nothing and is not waiting on work in flight.
   * @param now the engine's clock, ms since the epoch.
   * @returns true when the loop has passed MAX_IDLE_PASSES times within SPAN_MS without progress.
   */
  idlePass(now: number): boolean {
    if (this.idle === 0 || now - this.since >= SPAN_MS) {
      this.idle = 0;
      this.since = now;
    }
    this.idle++;
    return this.idle >= MAX_IDLE_PASSES;
  }

  /** How many idle passes the current streak holds (for the pause message). */
  get idlePasses(): number {
    return this.idle;
  }
}

/** Resolves on the next turn of the event loop (a macrotask): timers, I/O and signal handlers run first. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
