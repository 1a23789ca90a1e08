/**
 * `npm run chaos`: the long soak — ≥ 20 SIGKILLs at seeded random moments plus kills during the final
 * save (compaction), through 10% 5xx, 5% lost responses, 0–40 ms latency and 429 bursts, with replies
 * injected around each follow-up's due time. Several minutes; its figures go into the README.
 * CHAOS_SEED=… replays another seed.
 */
import { expect, it } from "vitest";
import { killAllChildren } from "../support/cli.js";
import { expectSoakHeld, formatSoakReport, runSoak } from "./soak.js";

it("chaos soak (long): exactly once, no follow-up after a seen reply, no stall", async () => {
  try {
    const seed = process.env.CHAOS_SEED ?? "long-soak-1";
    const report = await runSoak({ seed, leads: 30, kills: 22, compactionKills: 4, killAfterMs: [0, 2_500], stallMs: 45_000, log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(`\nchaos soak (long, seed ${seed})\n${formatSoakReport(report)}\n`);
    expectSoakHeld(report, 24);
    expect(report.kills).toBeGreaterThanOrEqual(20);
  } finally {
    await killAllChildren();
  }
}, 1_800_000);
