/**
 * The rules by which `outreach status` may answer from a kept summary (platform/status-cache.ts):
 * inputs with the same identity, none changed within RACY_MS of the pass that made it (git's "racy"
 * rule), the same campaign, and a summary made no later than now. And the entry's file: one per
 * campaign path, under XDG_CACHE_HOME.
 */
import { describe, expect, it } from "vitest";
import type { StatusSummary } from "../../../src/engine/status-summary.js";
import { RACY_MS, keptSummary, statusCachePath, statusCampaign, type StatusCacheEntry } from "../../../src/platform/status-cache.js";
import { makeCampaign } from "../engine/fakes.js";

const T = Date.UTC(2026, 10, 30, 12);
const campaign = statusCampaign({ ...makeCampaign(), team: { redisUrl: "redis://:secret@host:6379", whenRedisDown: "fail", localShare: 1 } });
const summary = { computedAt: T } as StatusSummary;
const entry = (over: Partial<StatusCacheEntry> = {}): StatusCacheEntry => ({
  format: 1,
  node: process.version,
  campaignFile: campaign.file,
  campaignText: "name: x\n",
  campaign,
  inputs: "state 1 2 3",
  readAt: T,
  summary,
  ...over,
});
const inputs = (newestChangeMs: number, identity = "state 1 2 3") => ({ identity, newestChangeMs });

describe("keptSummary", () => {
  it("answers when the inputs are the same and last changed more than RACY_MS before the pass read them", () => {
    expect(keptSummary(entry(), campaign, inputs(T - RACY_MS - 1), T + 1)).toBe(summary);
  });

  it("does not answer for inputs changed within RACY_MS of the pass (a later change could share their timestamp)", () => {
    expect(keptSummary(entry(), campaign, inputs(T - RACY_MS), T + 1)).toBeUndefined();
    expect(keptSummary(entry(), campaign, inputs(T - 10), T + 1)).toBeUndefined();
  });

  it("does not answer for other inputs, another campaign, no inputs, or a summary made after now", () => {
    const old = T - RACY_MS - 1;
    expect(keptSummary(entry(), campaign, inputs(old, "state 1 2 4"), T + 1)).toBeUndefined();
    expect(keptSummary(entry(), { ...campaign, accounts: ["other"] }, inputs(old), T + 1)).toBeUndefined();
    expect(keptSummary(entry(), campaign, undefined, T + 1)).toBeUndefined();
    expect(keptSummary(entry(), campaign, inputs(old), T - 1)).toBeUndefined();
    const { summary: _none, ...withoutSummary } = entry();
    expect(keptSummary(withoutSummary, campaign, inputs(old), T + 1)).toBeUndefined();
  });

  it("takes an equal campaign loaded afresh (compared by value)", () => {
    expect(keptSummary(entry(), JSON.parse(JSON.stringify(campaign)), inputs(T - RACY_MS - 1), T + 1)).toBe(summary);
  });
});

describe("the kept entry", () => {
  it("drops the team section (a Redis URL may carry a password)", () => {
    expect(JSON.stringify(campaign)).not.toContain("secret");
    expect(campaign).not.toHaveProperty("team");
  });

  it("lives under XDG_CACHE_HOME (else ~/.cache), one file per campaign path", () => {
    const a = statusCachePath("/work/a/campaign.yaml", { XDG_CACHE_HOME: "/xdg" });
    expect(a).toMatch(/^\/xdg\/outreach\/status\/[0-9a-f]{16}\.json$/);
    expect(statusCachePath("/work/b/campaign.yaml", { XDG_CACHE_HOME: "/xdg" })).not.toBe(a);
    expect(statusCachePath("/work/a/campaign.yaml", { XDG_CACHE_HOME: "relative/ignored" })).toMatch(/\/\.cache\/outreach\/status\//);
  });
});
