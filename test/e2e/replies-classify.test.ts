/**
 * What a reply's words do, end to end: an opt-out is suppressed and gets no thank-you; an ambiguous
 * reply gets no reply step and no follow-up, is listed in `status` and waits for `outreach review`;
 * a positive reply gets its reply step — including the ones that say "stop" in another sense.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tallySends } from "../support/campaign-fixture.js";
import { runCli, spawnCli, type CliEvent } from "../support/cli.js";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";

const world = useSandboxCampaign(["acctclassify1"]);

function ofType<T extends CliEvent["type"]>(events: CliEvent[], type: T): Extract<CliEvent, { type: T }>[] {
  return events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);
}

const OPT_OUTS = ["OPTOUT", "Stopall", "Please remove me from your list", "quit messaging me"];
const AMBIGUOUS = ["Not interested right now, maybe next quarter"];
const POSITIVE = ["Don't stop — tell me more, I'm interested!", "I can't stop thinking about your product"];

describe("the rehearsal with --reply-text, as a user tries it", () => {
  it("opt-out → suppressed, no thank-you; ambiguous → no reply step, no follow-up; positive → thank-you", async () => {
    const { fixture } = await world.setUp(1, {}, { leads: 16, followUpAfter: "2d", keepOpenFor: "1d", suppression: [], replyStep: { delay: "10m" } });
    const texts = [...OPT_OUTS, ...AMBIGUOUS, ...POSITIVE];
    const args = ["run", fixture.yamlPath, "--sandbox", "--json", "--reply-rate", "1", "--reply-delay", "1m-1h", "--seed", "classify", "--reply-text", ...texts];
    const r = await runCli(args, { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);

    const replies = ofType(r.events, "lead.replied");
    expect(replies).toHaveLength(16);
    const sent = ofType(r.events, "lead.sent");
    const sentTo = (id: string, step: string): number => sent.filter((e) => e.leadId === id && e.stepId === step).length;
    const optedOut = new Set(ofType(r.events, "lead.opted-out").map((e) => e.leadId));
    const toReview = new Set(ofType(r.events, "lead.needs-review").map((e) => e.leadId));
    const seen = new Set<string>();
    for (const reply of replies) {
      const id = reply.leadId;
      expect(sentTo(id, "follow-up-1"), reply.text).toBe(0); // every reply came before the follow-up
      if (OPT_OUTS.includes(reply.text)) {
        seen.add("opt-out");
        expect([optedOut.has(id), toReview.has(id), sentTo(id, "thank-you")], reply.text).toEqual([true, false, 0]);
      } else if (AMBIGUOUS.includes(reply.text)) {
        seen.add("ambiguous");
        expect([optedOut.has(id), toReview.has(id), sentTo(id, "thank-you")], reply.text).toEqual([false, true, 0]);
      } else {
        seen.add("positive");
        expect([optedOut.has(id), toReview.has(id), sentTo(id, "thank-you")], reply.text).toEqual([false, false, 1]);
      }
    }
    expect(seen).toEqual(new Set(["opt-out", "ambiguous", "positive"]));
    expect(ofType(r.events, "run.finished")[0]?.summary).toMatchObject({ optedOut: optedOut.size, needsReview: toReview.size });
  }, 120_000);
});

describe("an ambiguous reply waits for a person", () => {
  it("listed in status; `outreach review` decides; the next run acts on it", async () => {
    const { sandbox, fixture, env } = await world.setUp(3, {}, { followUpAfter: "3s", suppression: [], replyStep: {} });
    const [later, question, quiet] = fixture.leadIds as [string, string, string];
    const cli = spawnCli(["run", fixture.yamlPath, "--json"], { env, timeoutMs: 30_000 });
    await cli.waitForSent(3);
    sandbox.reply({ externalPlatformId: later, text: "Not interested right now, maybe next quarter" });
    sandbox.reply({ externalPlatformId: question, text: "Stop?" });
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(0);
    expect(ofType(r.events, "lead.needs-review").map((e) => e.leadId).sort()).toEqual([later, question].sort());
    const tally = tallySends(sandbox.messages());
    for (const id of [later, question]) expect([tally.count(id, "follow-up-1"), tally.count(id, "thank-you")]).toEqual([0, 0]);
    expect(tally.count(quiet, "follow-up-1")).toBe(1);

    const status = await runCli(["status", fixture.yamlPath], { env: {} });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain("to review 2");
    expect(status.stdout).toContain('"Not interested right now, maybe next quarter"');
    expect(status.stdout).toMatch(new RegExp(`${question} .*keyword as a question`));
    const json = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"], { env: {} })).stdout) as { needsReview: { leadId: string }[] };
    expect(json.needsReview.map((x) => x.leadId).sort()).toEqual([later, question].sort());

    // A second run does nothing for them while they wait.
    const idle = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(ofType(idle.events, "lead.sent")).toEqual([]);

    const wrong = await runCli(["review", fixture.yamlPath, "--opt-out", quiet], { env: {} });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`not awaiting review: ${quiet}; nothing was changed`);

    const decided = await runCli(["review", fixture.yamlPath, "--not-opt-out", later, "--opt-out", question], { env: {} });
    expect(decided.code, decided.stderr).toBe(0);
    expect(readFileSync(fixture.suppressionPath!, "utf8")).toContain(question);

    const next = await runCli(["run", fixture.yamlPath, "--once", "--json"], { env });
    expect(next.code, next.stderr).toBe(0);
    expect(ofType(next.events, "lead.sent").map((e) => [e.leadId, e.stepId])).toEqual([[later, "thank-you"]]);
    const after = tallySends(sandbox.messages());
    expect(after.duplicates).toEqual([]);
    expect(after.count(question, "thank-you")).toBe(0);
    expect((await runCli(["review", fixture.yamlPath], { env: {} })).stdout).toBe("no replies await review\n");

    // The opted-out lead is now on the suppression file, and still one of the campaign's leads in status.
    const final = JSON.parse((await runCli(["status", fixture.yamlPath, "--json"], { env: {} })).stdout) as {
      leads: { total: number }; skippedRows: number; contacted: number; optedOut: number;
    };
    expect(final).toMatchObject({ leads: { total: 3 }, skippedRows: 0, contacted: 3, optedOut: 1 });
  }, 120_000); // nine CLI runs in a row
});
