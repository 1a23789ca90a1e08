/**
 * `run --sandbox`: a fresh in-process sandbox that knows the campaign's account links, a simulated
 * clock (unless --realtime) so days of delays and windows play out in seconds, and throwaway state
 * and suppression files — a rehearsal never reads or writes the campaign's real ones, so it cannot
 * mark a real lead as contacted or suppressed.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Campaign } from "../config/types.js";
import { loadSuppression } from "../leads/suppression.js";
import { startSandbox, type Sandbox } from "../sandbox/index.js";
import type { OpenJournalFile } from "../state/journal-writer.js";
import { SimulatedClock, systemClock, type Clock } from "./clock.js";
import { openThrowawayJournal } from "./throwaway-journal.js";

export interface RehearsalOptions {
  realtime: boolean;
  replyRate?: number;
  replyDelayMs?: [number, number];
  replyTexts?: string[];
  unreachableRate?: number;
  seed?: string;
}

export interface Rehearsal {
  sandbox: Sandbox;
  clock: Clock;
  stateFile: string;
  /** Opens the throwaway state's journal (buffered, never fsync'd: throwaway-journal.ts). */
  openJournal: OpenJournalFile;
  suppressionFile: string;
  dir: string;
  close(): Promise<void>;
}

export async function startRehearsal(campaign: Campaign, opts: RehearsalOptions): Promise<Rehearsal> {
  // The real list is checked as a live run would (missing, invalid lines), then rehearsed on a copy.
  await loadSuppression({ file: campaign.suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true });
  const clock = opts.realtime ? systemClock : new SimulatedClock(Date.now());
  const dir = await mkdtemp(join(tmpdir(), "outreach-rehearsal-"));
  const suppressionFile = join(dir, "suppression.txt");
  if (campaign.suppressionFile) {
    await copyFile(campaign.suppressionFile, suppressionFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
  }
  const sandbox = await startSandbox({
    clock,
    timers: opts.realtime,
    accountLinks: campaign.accounts,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    // Default 30%: enough replies in a 30-lead example to show every path (thank-yous, an opt-out).
    replyRate: opts.replyRate ?? 0.3,
    // Default: replies from 10 minutes to 5 days after the first message, so some land before the
    // follow-up and some after it, as in a real campaign.
    replyDelayMs: opts.replyDelayMs ?? [10 * 60_000, 5 * 86_400_000],
    ...(opts.replyTexts !== undefined ? { replyTexts: opts.replyTexts } : {}),
    ...(opts.unreachableRate !== undefined ? { unreachableRate: opts.unreachableRate } : {}),
  });
  return {
    sandbox,
    clock,
    stateFile: join(dir, "state.json"),
    openJournal: openThrowawayJournal,
    suppressionFile,
    dir,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
