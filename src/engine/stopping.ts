/**
 * How a stop (Ctrl-C, SIGTERM) reaches work that is waiting. Every request the engine makes waits
 * in the team gate first — behind a quota hold, a 429's Retry-After, or the quota's sliding window,
 * which can last a minute or, for the daily quota, hours. A stop must not wait for that: requests
 * that have not started are dropped at once (nothing left, so nothing is uncertain), while a request
 * already sent runs on, so a send either finishes or stays `sending` for reconciliation.
 */
import { RequestAbortedError } from "../inbox/errors.js";
import type { RequestGate } from "./ports.js";

/** The gate, with every request that has not started yet abandoned as soon as `stop` aborts. */
export function interruptibleGate(gate: RequestGate, stop: AbortSignal): RequestGate {
  return {
    schedule: (fn, opts) => gate.schedule(fn, { ...opts, signal: opts?.signal ?? stop }),
    observe: (info, status) => gate.observe(info, status),
    holdUntil: (at, reason) => gate.holdUntil(at, reason),
  };
}

/**
 * True when `err` is how a stop surfaced in a request: the gate dropped it before it started, or a
 * read was aborted. Such work is simply left for the next run, which plans it again from the state.
 */
export function isStopAbort(err: unknown, stop: AbortSignal): boolean {
  if (!stop.aborted) return false;
  return err === stop.reason || err instanceof RequestAbortedError || (err instanceof Error && err.name === "AbortError");
}
