/**
 * `outreach run campaigns/example.yaml --sandbox`: the documented first thing a user runs. The real
 * example on the simulated clock must show the whole flow — intros paced inside each lead's window,
 * replies arriving, nudges skipped for those who replied, thank-yous sent, tags set — and finish.
 */
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { loadCampaign } from "../../src/config/load.js";
import type { Lead } from "../../src/leads/types.js";
import { readLeads } from "../../src/leads/read-leads.js";
import { REPO_ROOT, runCli, type CliEvent } from "../support/cli.js";

const EXAMPLE = join(REPO_ROOT, "campaigns/example.yaml");

async function exampleLeads(): Promise<{ leads: Lead[]; zone: string }> {
  const campaign = await loadCampaign(EXAMPLE);
  const leads: Lead[] = [];
  for await (const rec of readLeads(campaign, { suppressed: new Set() })) if (rec.kind === "lead") leads.push(rec.lead);
  return { leads, zone: campaign.pacing.window.timezone };
}

/** Weekday (0 = Sunday) and minutes after midnight of `at` in `zone`. */
function local(at: number, zone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(at));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? "";
  return { day: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday")), minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

function ofType<T extends CliEvent["type"]>(events: CliEvent[], type: T): Extract<CliEvent, { type: T }>[] {
  return events.filter((e): e is Extract<CliEvent, { type: T }> => e.type === type);
}

describe("outreach run campaigns/example.yaml --sandbox", () => {
  it("plays the whole example on the simulated clock: paced intros, replies, skipped nudges, thank-yous and tags", async () => {
    const wall = Date.now();
    const r = await runCli(["run", EXAMPLE, "--sandbox", "--json"], { timeoutMs: 60_000 });
    const wallMs = Date.now() - wall;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The promise ("under 60 s on this machine"); the timeout above enforces it too.
    expect(wallMs).toBeLessThan(60_000);

    const { leads, zone } = await exampleLeads();
    expect(leads.length).toBeGreaterThan(0);
    const sent = ofType(r.events, "lead.sent");
    const replied = ofType(r.events, "lead.replied");
    const actions = ofType(r.events, "lead.actions");

    // Every lead's intro, exactly once.
    const intros = sent.filter((e) => e.stepId === "intro").map((e) => e.leadId);
    expect(intros.sort()).toEqual(leads.map((l) => l.id).sort());

    expect(replied.length).toBeGreaterThan(0);
    expect(sent.filter((e) => e.stepId === "thank-you").length).toBeGreaterThan(0);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a).toMatchObject({ stepId: "thank-you", status: "Interested", tags: ["replied", "founders-intro"] });

    // No nudge to a lead after its reply; no second reply step for anyone.
    const repliedAt = new Map(replied.map((e) => [e.leadId, e.at]));
    for (const e of sent.filter((x) => x.stepId === "nudge")) {
      const at = repliedAt.get(e.leadId);
      if (at !== undefined) expect(e.at, `nudge to ${e.leadId} after its reply`).toBeLessThan(at);
    }
    const pairs = sent.map((e) => `${e.leadId}:${e.stepId}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    for (const e of sent.filter((x) => x.stepId === "thank-you")) expect(repliedAt.has(e.leadId)).toBe(true);

    // Every send inside Mon–Fri 09:00–17:00 in the lead's own zone (the campaign's when it has none).
    const zoneOf = new Map(leads.map((l) => [l.id, l.timezone ?? zone]));
    const outside = sent.filter((e) => {
      const { day, minute } = local(e.at, zoneOf.get(e.leadId) ?? zone);
      return day < 1 || day > 5 || minute < 9 * 60 || minute >= 17 * 60;
    });
    expect(outside.map((e) => `${e.leadId}:${e.stepId}@${new Date(e.at).toISOString()} (${zoneOf.get(e.leadId)})`)).toEqual([]);
    expect(new Set(leads.map((l) => l.timezone)).size).toBeGreaterThan(1);

    const finished = ofType(r.events, "run.finished")[0];
    expect(finished?.outcome).toBe("completed");
    expect(finished?.summary).toMatchObject({ leads: leads.length, replied: replied.length });
  });

  it("prints the flow and the final funnel for a person (no --json)", async () => {
    const r = await runCli(["run", EXAMPLE, "--sandbox"], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/Rehearsal against the embedded sandbox/);
    expect(r.stdout).toMatch(/reply from \d+ after intro/);
    expect(r.stdout).toMatch(/actions for \d+ \(thank-you\): status Interested; tags replied, founders-intro/);
    expect(r.stdout).toMatch(/Run complete: every lead is finished/);
    expect(r.stdout).toMatch(/Rehearsal funnel/);
    expect(r.stdout).toMatch(/thank-you ↩\s+sent\s+[1-9]/);
    expect(r.stdout).toMatch(/Nothing real was sent/);
    expect(r.stdout).not.toContain("added to the suppression file");

    // A log a person can read: every event line dated (an 11-day rehearsal keeps its calendar), no wait
    // under a minute, and never the same wait twice in a row.
    const log = r.stdout.split("\n\nRun complete")[0]!.split("\n").slice(1).filter((l) => l !== "");
    expect(log.length).toBeGreaterThan(30);
    for (const line of log) expect(line).toMatch(/^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+ {2}/);
    const waits = log.map((l) => /waiting until .+? \(([^)]+)\): (.+)$/.exec(l)).filter((m) => m !== null);
    expect(waits.length).toBeGreaterThan(0);
    for (const [, span] of waits) expect(span).not.toMatch(/^\d+s$/);
    for (let i = 1; i < log.length; i++) {
      const prev = /waiting until .+?: (.+)$/.exec(log[i - 1]!)?.[1];
      const cur = /waiting until .+?: (.+)$/.exec(log[i]!)?.[1];
      if (prev !== undefined) expect(cur).not.toBe(prev);
    }
  }, 90_000);
});
