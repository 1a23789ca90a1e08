/**
 * A client clock that is minutes off must not turn lost responses into duplicates. The CLI runs with
 * its clock 10 minutes fast, then 10 minutes slow (the test-only OUTREACH_TEST_CLOCK_SKEW_MS, see
 * src/platform/clock.ts) against a sandbox on the true time that stores 20% of the sends but drops
 * their responses. Every lost response is settled by reading the thread back; the sandbox's record
 * must show every (lead, step) exactly once, and the run must say the clock is off.
 */
import { describe, expect, it } from "vitest";
import { TEST_CLOCK_SKEW_ENV } from "../../src/platform/clock.js";
import { runCli } from "../support/cli.js";
import { expectExactlyOnce, useSandboxCampaign } from "../support/sandbox-campaign.js";

const ACCOUNTS = ["acctskewa", "acctskewb"];
const TEN_MINUTES_MS = 10 * 60_000;

const { setUp } = useSandboxCampaign(ACCOUNTS);

describe("outreach run with a skewed clock", () => {
  for (const skew of [TEN_MINUTES_MS, -TEN_MINUTES_MS]) {
    it(`clock 10 min ${skew > 0 ? "fast" : "slow"}, 20% lost responses: 0 duplicates, 0 missing, a clock warning`, async () => {
      const { sandbox, fixture, env } = await setUp(20, { lostResponseRate: 0.2, seed: `skew${skew}` }, { followUps: 1, followUpAfter: "1s" });
      const r = await runCli(["run", fixture.yamlPath, "--json"], { env: { ...env, [TEST_CLOCK_SKEW_ENV]: String(skew) }, timeoutMs: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);

      const lost = sandbox.messages({ direction: "outbound" }).filter((m) => m.responseLost).length;
      expect(lost).toBeGreaterThan(0);
      expectExactlyOnce(sandbox, fixture);
      // Every lost response was found delivered in the thread, none re-sent.
      const delivered = r.events.filter((e) => e.type === "reconcile.resolved" && e.outcome === "delivered");
      expect(delivered).toHaveLength(lost);
      const warning = r.events.find((e) => e.type === "clock.skew");
      expect(warning).toBeDefined();
      // offset = server − ours: a fast clock reads about −10 min.
      if (warning?.type === "clock.skew") expect(Math.abs(warning.offsetMs + skew)).toBeLessThan(5_000);
    }, 90_000);
  }
});
