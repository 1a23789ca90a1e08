import { appendFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { computeFingerprint, diffFingerprint, hashFilePrefix } from "../../../src/state/fingerprint.js";
import type { Fingerprint } from "../../../src/state/types.js";
import { tempDir } from "./helpers.js";

function campaign(dir: string, over: Partial<Campaign> = {}): Campaign {
  return {
    name: "Launch",
    slug: "launch",
    file: join(dir, "campaign.yaml"),
    dir,
    leads: { file: join(dir, "leads.csv"), delimiter: ",", idColumn: "id" },
    accounts: ["acc-1", "acc-2"],
    sequence: [
      { kind: "sequence", id: "first", template: join(dir, "first.hbs"), afterMs: 0, index: 0 },
      { kind: "sequence", id: "follow", template: join(dir, "follow.hbs"), afterMs: 86_400_000, index: 1 },
    ],
    replySteps: [],
    pacing: {
      window: { timezone: "UTC", days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 },
      perAccount: { perHour: 10, perDay: 50, gapMinMs: 60_000, gapMaxMs: 120_000 },
      api: [{ limit: 300, windowMs: 60_000 }],
    },
    replies: { source: "events", pollIntervalMs: 60_000, optOut: ["stop"], keepOpenMs: 604_800_000 },
    stateFile: join(dir, "state.json"),
    contacted: "skip",
    team: { whenRedisDown: "fail", localShare: 0.25 },
    ...over,
  };
}
const texts = { first: "Hi {{name}}", follow: "Bump" };

describe("computeFingerprint", () => {
  it("records the CSV, templates, steps, accounts and id column, and ignores where the campaign lives", async () => {
    const a = await tempDir();
    const b = await tempDir();
    for (const d of [a, b]) await writeFile(join(d, "leads.csv"), "id,name\n1,Ada\n");
    const fa = await computeFingerprint(campaign(a), texts);
    expect(fa).toMatchObject({ sequence: ["first", "follow"], replySteps: [], accounts: ["acc-1", "acc-2"], idColumn: "id", csv: { size: 14 } });
    expect(Object.keys(fa.templates)).toEqual(["first", "follow"]);
    expect(await computeFingerprint(campaign(b), texts)).toEqual(fa);
    expect(await hashFilePrefix(join(a, "leads.csv"), 14)).toBe(fa.csv.hash);
  });

  it("names the top-level campaign keys that changed", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "leads.csv"), "id\n1\n");
    const before = await computeFingerprint(campaign(dir), texts);
    const c = campaign(dir);
    const after = await computeFingerprint({ ...c, pacing: { ...c.pacing, perAccount: { ...c.pacing.perAccount, perDay: 20 } } }, texts);
    expect(diffFingerprint(before, after).changes).toEqual([{ severity: "info", what: "campaign settings changed: pacing" }]);
  });

  it("tells an appended CSV from an edited one", async () => {
    const dir = await tempDir();
    const csv = join(dir, "leads.csv");
    await writeFile(csv, "id\n1\n2\n");
    const before = await computeFingerprint(campaign(dir), texts);
    await appendFile(csv, "3\n");
    const appended = await computeFingerprint(campaign(dir), texts);
    expect(diffFingerprint(before, appended, await hashFilePrefix(csv, before.csv.size)).changes).toEqual([
      { severity: "info", what: "2 bytes appended to the CSV: new leads will be picked up" },
    ]);
    await writeFile(csv, "id\n9\n2\n3\n");
    const edited = await computeFingerprint(campaign(dir), texts);
    expect(diffFingerprint(before, edited, await hashFilePrefix(csv, before.csv.size)).changes[0]?.severity).toBe("needs-flag");
  });
});

describe("diffFingerprint", () => {
  const base: Fingerprint = {
    campaign: "accounts=aa,leads=bb,name=cc",
    templates: { first: "t1", follow: "t2" },
    sequence: ["first", "follow"],
    replySteps: ["on-reply"],
    accounts: ["acc-1", "acc-2"],
    idColumn: "id",
    csv: { size: 100, hash: "csv1" },
  };
  const cases: { name: string; now: Partial<Fingerprint>; prefix?: string; expected: [string, RegExp][] }[] = [
    { name: "nothing changed", now: {}, expected: [] },
    { name: "CSV appended", now: { csv: { size: 130, hash: "csv2" } }, prefix: "csv1", expected: [["info", /^30 bytes appended to the CSV/]] },
    { name: "CSV edited", now: { csv: { size: 130, hash: "csv2" } }, prefix: "other", expected: [["needs-flag", /edited, not only appended/]] },
    { name: "CSV shrank", now: { csv: { size: 90, hash: "csv2" } }, expected: [["needs-flag", /edited/]] },
    { name: "step renamed", now: { sequence: ["first", "nudge"] }, expected: [["needs-flag", /"follow" is gone or was renamed/], ["info", /"nudge" was added/]] },
    { name: "step added", now: { sequence: ["first", "follow", "last"] }, expected: [["info", /"last" was added/]] },
    { name: "reply step removed", now: { replySteps: [] }, expected: [["needs-flag", /reply step "on-reply"/]] },
    { name: "steps reordered", now: { sequence: ["follow", "first"] }, expected: [["warning", /reordered/]] },
    { name: "id column changed", now: { idColumn: "user_id" }, expected: [["needs-flag", /id column changed/]] },
    { name: "account removed", now: { accounts: ["acc-1"] }, expected: [["needs-flag", /account acc-2 was removed/]] },
    { name: "account added", now: { accounts: ["acc-1", "acc-2", "acc-3"] }, expected: [["info", /account acc-3 was added/]] },
    { name: "template changed", now: { templates: { first: "t1b", follow: "t2" } }, expected: [["warning", /template of step "first" changed/]] },
    { name: "other settings", now: { campaign: "accounts=aa,leads=bb,name=cd" }, expected: [["info", /^campaign settings changed: name$/]] },
    { name: "unknown hash format", now: { campaign: "x" }, expected: [["info", /^campaign settings changed$/]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { changes } = diffFingerprint(base, { ...base, ...c.now }, c.prefix);
      expect(changes.map((ch) => ch.severity)).toEqual(c.expected.map(([s]) => s));
      c.expected.forEach(([, re], i) => expect(changes[i]?.what).toMatch(re));
    });
  }
});
