/**
 * The short chaos soak inside `npm test` (the long one is `npm run chaos`): a small campaign through
 * 5xx, lost responses, latency, 429 bursts, replies around the follow-up's due time, SIGKILLs at seeded
 * random moments and during the final save — judged from the sandbox's record. Slow by design (about a
 * minute): it is the one test that exercises every fault at once against the real processes.
 */
import { it } from "vitest";
import { killAllChildren } from "../support/cli.js";
import { expectSoakHeld, formatSoakReport, runSoak } from "../chaos/soak.js";

it("chaos soak (short): exactly once, no follow-up after a seen reply, no stall", async () => {
  try {
    const report = await runSoak({ seed: "short-soak-2", leads: 6, kills: 3, compactionKills: 1, killAfterMs: [0, 1_200], stallMs: 45_000, log: (l) => process.stdout.write(`${l}\n`) });
    process.stdout.write(`\nchaos soak (short)\n${formatSoakReport(report)}\n`);
    expectSoakHeld(report, 3);
  } finally {
    await killAllChildren();
  }
}, 180_000);
