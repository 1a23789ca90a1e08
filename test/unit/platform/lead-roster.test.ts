/**
 * The leads CSV as `outreach status` keeps it (platform/lead-roster.ts): the roster with the suppression
 * file applied now gives exactly what reading the CSV with that suppression file gives — for every
 * subset of ids suppressed, finished or not — and a kept roster is used only for the CSV it was read
 * from (same identity, older than the racy window), the same leads section, an undamaged file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempCacheHome } from "../../support/cache-home.js";
import type { Campaign } from "../../../src/config/types.js";
import type { StatusLead } from "../../../src/engine/status-summary.js";
import { readLeads } from "../../../src/leads/read-leads.js";
import { applyRoster, keptRoster, readRoster, rosterPath, writeRoster, type LeadRoster } from "../../../src/platform/lead-roster.js";
import { RACY_MS } from "../../../src/platform/status-cache.js";
import type { LeadState } from "../../../src/state/types.js";

const tempDir = useTempCacheHome("lead-roster-");

/** Every kind of row: leads with and without zones, a bad zone, duplicates, ragged rows, bad and rounded ids. */
const CSV = [
  "id,username,timezone",
  "1001,ann,Europe/London",
  "1002,bob,",
  "1003,cy,Mars/Olympus",
  "1001,ann-again,Asia/Tokyo",
  "1004,dee,Asia/Tokyo",
  "1005,eve",
  "abc,fay,",
  "1.23457E+18,gus,",
  ",hal,",
  "1006,ivy,Europe/London",
  "1007,jo,Not/AZone",
  "1008,kai,America/New_York",
].join("\n");

function leadsSection(file: string): Campaign["leads"] {
  return { file, delimiter: ",", idColumn: "id", usernameColumn: "username", timezoneColumn: "timezone" };
}

/** How status read the CSV before the roster: straight from readLeads with the suppression set (the oracle). */
async function direct(leads: Campaign["leads"], suppressed: Set<string>, stateOf: (id: string) => LeadState | undefined): Promise<{ leads: StatusLead[]; skippedRows: number }> {
  const out: StatusLead[] = [];
  let skippedRows = 0;
  for await (const rec of readLeads({ leads }, { suppressed })) {
    if (rec.kind === "lead") out.push(rec.lead.timezone === undefined ? { id: rec.lead.id } : { id: rec.lead.id, timezone: rec.lead.timezone });
    else if (rec.problem.reason === "suppressed" && rec.problem.id !== undefined && stateOf(rec.problem.id)?.finishedAt !== undefined) out.push({ id: rec.problem.id });
    else skippedRows++;
  }
  return { leads: out, skippedRows };
}

describe("applyRoster", () => {
  it("gives what reading the CSV with the suppression file gives, for every subset of ids suppressed and finished", async () => {
    const file = join(tempDir(), "leads.csv");
    writeFileSync(file, CSV);
    const leads = leadsSection(file);
    const roster = await readRoster(leads, file);
    expect(roster.ids).toEqual(["1001", "1002", "1003", "1004", "1006", "1007", "1008"]);
    const ids = ["1001", "1003", "1004", "1005", "1007", "1008", "9999"];
    let checked = 0;
    for (let mask = 0; mask < 1 << ids.length; mask++) {
      const suppressed = new Set(ids.filter((_, i) => mask & (1 << i)));
      // Leads finished (an opt-out appends to the suppression file): every other suppressed id.
      const finished = new Set([...suppressed].filter((_, i) => i % 2 === 0));
      const stateOf = (id: string): LeadState | undefined => (finished.has(id) ? { id, steps: {}, finishedAt: 1, optedOut: true } : undefined);
      expect(applyRoster(roster, suppressed, stateOf)).toEqual(await direct(leads, suppressed, stateOf));
      checked++;
    }
    expect(checked).toBe(128);
  });
});

describe("the kept roster", () => {
  const csvIdentity = (changedMs: number, identity = "/x/leads.csv 1 2 3 4 5"): { identity: string; changedMs: number } => ({ identity, changedMs });

  async function kept(): Promise<{ file: string; campaignFile: string; roster: LeadRoster; readAt: number }> {
    const file = join(tempDir(), `kept-${Math.random().toString(36).slice(2)}.csv`);
    writeFileSync(file, CSV);
    const roster = await readRoster(leadsSection(file), file);
    const campaignFile = join(tempDir(), `${Math.random().toString(36).slice(2)}.yaml`);
    const readAt = Date.now();
    await writeRoster(campaignFile, leadsSection(file), "/x/leads.csv 1 2 3 4 5", readAt, roster);
    return { file, campaignFile, roster, readAt };
  }

  it("reads back as written: ids, zones (none, known, bad), rows skipped whatever is suppressed", async () => {
    const { file, campaignFile, roster, readAt } = await kept();
    expect(roster.otherSkipped).toBe(5);
    expect(keptRoster(campaignFile, leadsSection(file), csvIdentity(readAt - RACY_MS - 1))).toEqual(roster);
    expect(rosterPath(campaignFile)).toMatch(/\/outreach\/status\/[0-9a-f]{16}\.leads$/);
  });

  it("is not used for another CSV identity, a CSV changed within the racy window, another leads section, or a damaged file", async () => {
    const { file, campaignFile, readAt } = await kept();
    const old = readAt - RACY_MS - 1;
    expect(keptRoster(campaignFile, leadsSection(file), csvIdentity(old, "/x/leads.csv 1 2 3 4 6"))).toBeUndefined();
    expect(keptRoster(campaignFile, leadsSection(file), csvIdentity(readAt - RACY_MS))).toBeUndefined();
    expect(keptRoster(campaignFile, { ...leadsSection(file), timezoneColumn: "zone" }, csvIdentity(old))).toBeUndefined();
    expect(keptRoster(join(tempDir(), "other.yaml"), leadsSection(file), csvIdentity(old))).toBeUndefined();
    const path = rosterPath(campaignFile);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.replace("1004", "1040"));
    expect(keptRoster(campaignFile, leadsSection(file), csvIdentity(old))).toBeUndefined();
    writeFileSync(path, text);
    expect(keptRoster(campaignFile, leadsSection(file), csvIdentity(old))).toBeDefined();
  });

  it("keeps nothing for an id that would not read back as itself (a line break in it)", async () => {
    const campaignFile = join(tempDir(), "broken.yaml");
    await writeRoster(campaignFile, leadsSection("/x.csv"), "id", Date.now(), { ids: ["1\n2"], zones: [-1], zoneNames: [], otherSkipped: 0 });
    expect(() => readFileSync(rosterPath(campaignFile))).toThrow(/ENOENT/);
  });
});
