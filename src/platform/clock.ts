/**
 * Time, injected. Everything that reads the time or waits (scheduler, pacing windows, state timestamps,
 * the sandbox's reply delays and rate-limit windows) takes a Clock, so tests and the `--sandbox`
 * rehearsal can run days of campaign time in seconds.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time. Resolves early (never rejects) when `signal` aborts,
   * so callers can race a wait against a shutdown request without try/catch.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
    }),
};

/**
 * TEST ONLY: `OUTREACH_TEST_CLOCK_SKEW_MS` (a signed integer, ms) makes the runner's clock run that far
 * ahead (positive) or behind (negative) of the machine's, as a badly set clock would; the e2e tests
 * prove with it that a skewed client sends nothing twice. Undocumented for users; ignored when unset,
 * empty or not an integer.
 */
export const TEST_CLOCK_SKEW_ENV = "OUTREACH_TEST_CLOCK_SKEW_MS";

/** systemClock, or systemClock shifted by the test-only skew variable above. */
export function clockFromEnv(env: NodeJS.ProcessEnv): Clock {
  const raw = env[TEST_CLOCK_SKEW_ENV]?.trim() ?? "";
  if (!/^-?\d+$/.test(raw) || Number(raw) === 0) return systemClock;
  const skewMs = Number(raw);
  return { now: () => Date.now() + skewMs, sleep: systemClock.sleep };
}

interface PendingSleep {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A discrete-event clock: time stands still while work runs and jumps to the earliest pending
 * sleep once the event loop has nothing else to do (checked with setImmediate, so in-flight
 * promise chains settle first). Callers that also wait on real I/O should drain that I/O before
 * sleeping, or the jump happens while the I/O is in flight.
 */
export class SimulatedClock implements Clock {
  private current: number;
  private readonly pending: PendingSleep[] = [];
  private seq = 0;
  private advanceScheduled = false;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward by hand (tests); wakes every sleep that falls due. */
  advance(ms: number): void {
    this.current += Math.max(0, ms);
    this.wakeDue();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const entry: PendingSleep = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = (): void => {
        const i = this.pending.indexOf(entry);
        if (i >= 0) this.pending.splice(i, 1);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      entry.resolve = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      this.pending.push(entry);
      this.scheduleAdvance();
    });
  }

  private scheduleAdvance(): void {
    if (this.advanceScheduled) return;
    this.advanceScheduled = true;
    // Two macrotask hops: let promise chains and already-queued I/O callbacks run before jumping.
    setImmediate(() =>
      setImmediate(() => {
        this.advanceScheduled = false;
        if (this.pending.length === 0) return;
        const next = Math.min(...this.pending.map((p) => p.at));
        if (next > this.current) this.current = next;
        this.wakeDue();
      }),
    );
  }

  private wakeDue(): void {
    const due = this.pending.filter((p) => p.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const p of due) this.pending.splice(this.pending.indexOf(p), 1);
    for (const p of due) p.resolve();
    if (this.pending.length > 0) this.scheduleAdvance();
  }
}
