/**
 * The end-to-end tests' usual world: a fresh sandbox on loopback (no replies, no rate limit unless
 * asked) and a temp campaign whose accounts it knows, torn down after each test — children first,
 * so no CLI is left talking to a closed sandbox.
 */
import { afterEach, expect } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/index.js";
import { makeCampaign, tallySends, type CampaignFixture, type CampaignFixtureOptions } from "./campaign-fixture.js";
import { apiEnv, killAllChildren } from "./cli.js";

export interface SandboxCampaign {
  sandbox: Sandbox;
  fixture: CampaignFixture;
  /** INBOX_API_URL and INBOX_API_TOKEN for the CLI. */
  env: Record<string, string>;
}

/** Registers the teardown; call `setUp` in each test. */
export function useSandboxCampaign(accounts: string[]): {
  setUp(leads: number, options?: SandboxOptions, campaign?: Partial<CampaignFixtureOptions>): Promise<SandboxCampaign>;
} {
  let sandbox: Sandbox | undefined;
  let fixture: CampaignFixture | undefined;
  afterEach(async () => {
    await killAllChildren();
    await sandbox?.close();
    fixture?.cleanup();
    sandbox = undefined;
    fixture = undefined;
  });
  return {
    async setUp(leads, options = {}, campaign = {}) {
      sandbox = await startSandbox({ accountLinks: accounts, replyRate: 0, rateLimit: "off", ...options });
      fixture = makeCampaign({ accounts, leads, ...campaign });
      return { sandbox, fixture, env: apiEnv(sandbox) };
    },
  };
}

/** The promise itself, from the sandbox's own record: every lead got every sequence step, once, in one thread. */
export function expectExactlyOnce(sb: Sandbox, fx: CampaignFixture): void {
  const tally = tallySends(sb.messages());
  expect(tally.duplicates).toEqual([]);
  expect(tally.missing(fx.leadIds, fx.sequenceSteps)).toEqual([]);
  expect(tally.total).toBe(fx.leadIds.length * fx.sequenceSteps.length);
  expect(tally.splitThreads).toEqual([]);
}
