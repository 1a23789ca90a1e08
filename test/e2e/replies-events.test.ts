/**
 * Replies through the Events API, end to end: the built CLI against a sandbox on loopback, with
 * prospects made to reply through the sandbox's control API at chosen moments. Judged by the
 * sandbox's record of what was sent, the CLI's JSON events and the suppression file.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tallySends, type CampaignFixtureOptions } from "../support/campaign-fixture.js";
import { runCli, spawnCli, type CliEvent } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const world = useSandboxCampaign(["acct1rep", "acct2rep"]);

/** Four leads, a reply step that sets a status and a tag, and an empty suppression list. */
function setUp(campaign: Partial<CampaignFixtureOptions>) {
  return world.setUp(4, {}, { suppression: [], replyStep: { actions: { status: "Interested", tags: ["replied"] } }, ...campaign });
}

function ofType<T extends CliEvent["type"]>(events: CliEvent[], type: T): Extract<CliEvent, { type: T }>[] {
  return events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);
}

describe("replies through the Events API", () => {
  it("a reply stops the follow-up and fires the reply step once; an opt-out suppresses the lead", async () => {
    const { sandbox, fixture, env } = await setUp({ followUpAfter: "3s", pollEvery: "1s" });
    const [interested, optOut, quiet1, quiet2] = fixture.leadIds as [string, string, string, string];
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 30_000 });
    await cli.waitForSent(4);
    sandbox.reply({ externalPlatformId: interested, text: "Sounds good, send details" });
    sandbox.reply({ externalPlatformId: optOut, text: "Please STOP messaging me." });
    const r = await cli.done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);

    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    const sent = (id: string) => ["intro", "follow-up-1", "thank-you"].map((s) => tally.count(id, s));
    expect(sent(interested)).toEqual([1, 0, 1]);
    expect(sent(optOut)).toEqual([1, 0, 0]);
    expect(sent(quiet1)).toEqual([1, 1, 0]);
    expect(sent(quiet2)).toEqual([1, 1, 0]);
    expect(tally.splitThreads).toEqual([]);

    expect(ofType(r.events, "lead.replied").map((e) => [e.leadId, e.via, e.afterStep]).sort()).toEqual(
      [[interested, "events", "intro"], [optOut, "events", "intro"]].sort(),
    );
    expect(ofType(r.events, "lead.opted-out")).toMatchObject([{ leadId: optOut, reason: 'asks to stop: "stop messaging"' }]);
    expect(ofType(r.events, "lead.actions")).toMatchObject([{ leadId: interested, stepId: "thank-you", status: "Interested", tags: ["replied"] }]);
    expect(readFileSync(fixture.suppressionPath!, "utf8").split("\n").map((l) => l.split("#")[0]?.trim())).toContain(optOut);

    const summary = ofType(r.events, "run.finished")[0]?.summary;
    expect(summary).toMatchObject({ replied: 2, optedOut: 1, finished: 4 });

    // The opted-out lead stays out of a later campaign run on the same list: the dry run skips it as suppressed.
    const dry = await runCli(["run", fixture.yamlPath, "--dry-run", "--from-scratch", "--format", "json"], { env: {} });
    const previewed = new Set(dry.stdout.trim().split("\n").map((l) => (JSON.parse(l) as { leadId: string }).leadId));
    expect(previewed.has(optOut)).toBe(false);
    expect(previewed.has(interested)).toBe(true);
  });

  it("a reply that lands after the follow-up was scheduled still stops it (the thread check)", async () => {
    // Polling once an hour: only the check of the thread before the follow-up can see this reply.
    const { sandbox, fixture, env } = await setUp({ followUpAfter: "2s", pollEvery: "1h", leads: 3 });
    const [replier, ...others] = fixture.leadIds as [string, ...string[]];
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 30_000 });
    await cli.waitForSent(3);
    sandbox.reply({ externalPlatformId: replier, text: "Interested — tell me more" });
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);

    expect(ofType(r.events, "lead.replied")).toMatchObject([{ leadId: replier, via: "thread-check", afterStep: "intro" }]);
    const tally = tallySends(sandbox.messages());
    expect(tally.count(replier, "follow-up-1")).toBe(0);
    expect(tally.count(replier, "thank-you")).toBe(1);
    for (const id of others) expect(tally.count(id, "follow-up-1")).toBe(1);
    expect(tally.duplicates).toEqual([]);
  });
});

describe("replies across stops and restarts", () => {
  it("catches up on replies that came while it was stopped, and reply steps happen once across restarts", async () => {
    const { sandbox, fixture, env } = await setUp({ followUpAfter: "1h", replyStep: { delay: "5s", actions: { tags: ["replied"] } } });
    const [interested, optOut, quiet] = fixture.leadIds as [string, string, string, string];

    // 1. Intros only (the follow-ups are an hour away).
    const first = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(4);

    // 2. While nothing runs, two prospects answer.
    const answer = sandbox.reply({ externalPlatformId: interested, text: "Sounds good" });
    sandbox.reply({ externalPlatformId: optOut, text: "unsubscribe" });

    // 3. The next run reads them at start; it is killed after recording them, before the thank-you
    //    (due 5 s after the reply) goes out.
    const second = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 30_000 });
    await second.waitForEvent("lead.replied", (e) => e.leadId === interested);
    await second.waitForEvent("lead.opted-out");
    expect(second.eventsOf("lead.replied").every((e) => e.via === "events")).toBe(true);
    second.kill("SIGKILL");
    await second.done;
    expect(second.eventsOf("lead.sent")).toEqual([]);
    expect(readFileSync(fixture.suppressionPath!, "utf8")).toContain(optOut);

    // 4. Once the thank-you is due, a restart sends it exactly once (from the recorded reply, not a
    //    second reading of it), and a further run does nothing more.
    await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(answer.createdAt) + 5_200 - Date.now())));
    const runs = [await runCli(["run", fixture.yamlPath, "--once", "--json"], { env })];
    runs.push(await runCli(["run", fixture.yamlPath, "--once", "--json"], { env }));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    expect(ofType(runs[0]!.events, "lead.sent")).toMatchObject([{ leadId: interested, stepId: "thank-you" }]);
    expect(ofType(runs[1]!.events, "lead.sent")).toEqual([]);

    const all = runs.flatMap((run) => run.events);
    const tally = tallySends(sandbox.messages());
    expect(tally.duplicates).toEqual([]);
    expect(tally.count(interested, "thank-you")).toBe(1);
    expect(tally.count(optOut, "thank-you")).toBe(0);
    expect(tally.count(quiet, "thank-you")).toBe(0);
    expect(tally.total).toBe(5);
    expect(ofType(all, "lead.actions")).toMatchObject([{ leadId: interested, tags: ["replied"] }]);
    // The replies were recorded once, in run 2: later runs re-reading them change nothing.
    expect(ofType(all, "lead.replied")).toEqual([]);
    expect(ofType(all, "lead.opted-out")).toEqual([]);
  });
});
