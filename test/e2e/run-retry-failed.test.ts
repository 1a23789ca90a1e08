/**
 * `--retry-failed`: a lead whose send failed with a 4xx (here: DMs closed) stays failed on a plain
 * re-run, and gets exactly one more attempt with the flag once the cause is fixed.
 */
import { describe, expect, it } from "vitest";
import { tallySends } from "../support/campaign-fixture.js";
import { runCli } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const { setUp } = useSandboxCampaign(["acct1retry"]);

describe("outreach run --retry-failed", () => {
  it("re-attempts failed leads only when asked, and never re-sends what was sent", async () => {
    const { sandbox, fixture, env } = await setUp(4, {}, { followUps: 0, keepOpenFor: "0s" });
    const blocked = fixture.leadIds[2]!;
    sandbox.configure({ unreachableIds: [blocked] });

    const first = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(first.code).toBe(0);
    expect(first.events.filter((e) => e.type === "lead.failed").map((e) => (e as { leadId: string }).leadId)).toEqual([blocked]);

    // A plain re-run leaves the failed lead alone.
    const again = await runCli(["run", fixture.yamlPath, "--json"], { env });
    expect(again.code).toBe(0);
    expect(again.events.filter((e) => e.type === "lead.sent")).toEqual([]);

    // The cause is fixed (say, the prospect opened their DMs): only that lead is tried again.
    sandbox.configure({ unreachableIds: [] });
    const retry = await runCli(["run", fixture.yamlPath, "--json", "--retry-failed"], { env });
    expect(retry.code).toBe(0);
    expect(retry.events.filter((e) => e.type === "lead.retrying").map((e) => (e as { leadId: string }).leadId)).toEqual([blocked]);
    expect(retry.events.filter((e) => e.type === "lead.sent").map((e) => (e as { leadId: string }).leadId)).toEqual([blocked]);

    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.missing(fixture.leadIds, fixture.sequenceSteps)).toEqual([]);

    const status = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"], { env: {} })).stdout) as { failures: unknown[] };
    expect(status.failures).toEqual([]);
  });
});
