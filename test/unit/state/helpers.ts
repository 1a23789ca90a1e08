import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { SimulatedClock } from "../../../src/platform/clock.js";
import type { Fingerprint, StepRecord } from "../../../src/state/types.js";

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

export const fingerprint: Fingerprint = {
  campaign: "name=abc",
  templates: { first: "t1" },
  sequence: ["first", "follow"],
  replySteps: [],
  accounts: ["acc-1"],
  idColumn: "id",
  csv: { size: 10, hash: "h" },
};

export function clock(): SimulatedClock {
  return new SimulatedClock(T0);
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A fresh temp dir, removed after the test. */
export async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "outreach-state-"));
  dirs.push(d);
  return d;
}

export function sending(at: number, attempts = 1): StepRecord {
  return { status: "sending", updatedAt: at, attempts, sendingAt: at, contentHash: "c".repeat(32) };
}

export function sent(at: number, messageId = "m1"): StepRecord {
  return { status: "sent", updatedAt: at, attempts: 1, sendingAt: at, sentAt: at, contentHash: "c".repeat(32), messageId };
}
