/** Messages between the dry run's main thread (dry-run.ts) and its worker (dry-run-worker.ts). */
import type { Campaign } from "../../config/types.js";
import type { Problem } from "../../errors.js";
import type { RunFlags } from "./run-flags.js";

export interface WorkerInput {
  campaign: Campaign;
  flags: RunFlags;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
}

export type FromWorker =
  /**
   * Write `data` (UTF-8 bytes, in shared memory or transferred) to the parent's stdout (1) or stderr (2),
   * then acknowledge `id` once the stream has taken them: the worker reuses shared memory after the ack.
   */
  | { t: "write"; fd: 1 | 2; data: Uint8Array; id: number }
  /** `templateErrors`: distinct template errors (each fails every lead of its step, whatever --allow-partial says). */
  | { t: "done"; rows: number; ready: number; problems: number; templateErrors: number }
  | { t: "user-error"; message: string; details: { hint?: string; problems?: Problem[] } }
  | { t: "crash"; message: string };

export type ToWorker = { t: "ack"; id: number } | { t: "stop" };
