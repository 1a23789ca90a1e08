/**
 * `--retry-failed`: a lead whose send failed with a 4xx (here: DMs closed) stays failed on a plain
 * re-run, and gets exactly one more attempt with the flag once the cause is fixed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { makeCampaign, tallySends, type CampaignFixture } from "../support/campaign-fixture.js";
import { apiEnv, killAllChildren, runCli } from "../support/cli.js";

const ACCOUNTS = ["acct1retry"];
let sandbox: Sandbox | undefined;
let fixture: CampaignFixture | undefined;

afterEach(async () => {
  await killAllChildren();
  await sandbox?.close();
  fixture?.cleanup();
});

describe("outreach run --retry-failed", () => {
  it("re-attempts failed leads only when asked, and never re-sends what was sent", async () => {
    fixture = makeCampaign({ accounts: ACCOUNTS, leads: 4, followUps: 0, keepOpenFor: "0s" });
    const blocked = fixture.leadIds[2]!;
    sandbox = await startSandbox({ accountLinks: ACCOUNTS, replyRate: 0, rateLimit: "off", unreachableIds: [blocked] });
    const env = apiEnv(sandbox);

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
