import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCampaign } from "../../../src/config/load.js";
import { formatProblem, UserError } from "../../../src/errors.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const FIXTURES = path.join(ROOT, "test/fixtures/config");

/** Runs `loadCampaign` and returns the UserError it must throw. */
async function loadError(file: string): Promise<UserError> {
  const error: unknown = await loadCampaign(file, { cwd: ROOT }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("loadCampaign", () => {
  it("reports a missing campaign file by the path the user gave, with a hint", async () => {
    const error = await loadError("test/fixtures/config/nope.yaml");
    expect(error.message).toBe("campaign file not found: test/fixtures/config/nope.yaml");
    // Not campaigns/example.yaml: that exists only in a clone; `outreach init` works wherever the CLI is installed.
    expect(error.details.hint).toBe("check the path (or start a new one: `outreach init <folder>` writes a small working campaign, with comments)");
  });

  it("a misspelt campaign file: did you mean the YAML file beside it", async () => {
    const error = await loadError("test/fixtures/config/minimall.yaml");
    expect(error.details.hint).toMatch(/^did you mean test\/fixtures\/config\/minimal\.yaml\?/);
  });

  it("reports every problem of a file at once, in file order", async () => {
    const error = await loadError("test/fixtures/config/broken.yaml");
    expect(error.message).toBe("test/fixtures/config/broken.yaml has 7 problems");
    expect(error.details.problems?.map(formatProblem)).toEqual([
      'test/fixtures/config/broken.yaml:6:18 accounts[1]: duplicate account "acc1", already listed as accounts[0]',
      "test/fixtures/config/broken.yaml:11:15 steps[1].template: template not found: test/fixtures/config/missing.hbs (paths are relative to the campaign file)",
      'test/fixtures/config/broken.yaml:12:12 steps[1].after: expected a duration like "3d", "90m" or "1h30m", got "3 days" — did you mean "3d"?',
      'test/fixtures/config/broken.yaml:14:13 pacing.timezone: expected an IANA time zone like "Europe/London", got "Mars/Olympus"',
      'test/fixtures/config/broken.yaml:15:10 pacing.hours: expected the start before the end, like "09:00-17:00" (overnight windows are not supported), got "17:00-09:00"',
      'test/fixtures/config/broken.yaml:17:5 pacing.perAccount.perHuor: unknown key "perHuor" — did you mean "perHour"?',
      'test/fixtures/config/broken.yaml:18:1 replies.webhook: missing required key "webhook": source: webhook needs at least webhook.port',
    ]);
  });

  it("applies every default to a minimal campaign", async () => {
    const campaign = await loadCampaign("test/fixtures/config/minimal.yaml", { cwd: ROOT });
    expect(campaign).toEqual({
      name: "Minimal Campaign!",
      slug: "minimal-campaign",
      file: path.join(FIXTURES, "minimal.yaml"),
      dir: FIXTURES,
      leads: { file: path.join(FIXTURES, "leads.csv"), idColumn: "id" },
      accounts: ["acc1"],
      sequence: [{ kind: "sequence", id: "intro", template: path.join(FIXTURES, "intro.hbs"), afterMs: 0, index: 0 }],
      replySteps: [{ kind: "reply", id: "ack", delayMs: 0, actions: { tags: [], markDone: true } }],
      pacing: {
        window: { timezone: "Europe/London", days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 },
        perAccount: { perHour: 20, perDay: 80, gapMinMs: 45_000, gapMaxMs: 180_000 },
        api: [
          { limit: 300, windowMs: 60_000 },
          { limit: 10_000, windowMs: 3_600_000 },
          { limit: 100_000, windowMs: 86_400_000 },
        ],
      },
      replies: { source: "events", pollIntervalMs: 30_000, optOut: [], keepOpenMs: 604_800_000 },
      stateFile: path.join(FIXTURES, ".outreach/minimal-campaign.json"),
      contacted: "skip",
      team: { whenRedisDown: "fail", localShare: 0.25 },
    });
  });

  it("normalises every setting of a full campaign", async () => {
    const campaign = await loadCampaign(path.join(FIXTURES, "full.yaml"));
    expect(campaign.slug).toBe("cafe-launch-2026");
    expect(campaign.leads).toEqual({
      file: path.join(FIXTURES, "leads.csv"),
      delimiter: ";",
      idColumn: "id",
      usernameColumn: "username",
      timezoneColumn: "tz",
    });
    expect(campaign.suppressionFile).toBe(path.join(FIXTURES, "dnc.txt"));
    expect(campaign.suppressionMayBeMissing).toBeUndefined();
    // Reply steps may sit anywhere; the sequence keeps its own order and indexes.
    expect(campaign.sequence.map((s) => [s.id, s.index, s.afterMs])).toEqual([
      ["intro", 0, 0],
      ["nudge", 1, 129_600_000],
    ]);
    expect(campaign.replySteps).toEqual([
      {
        kind: "reply",
        id: "thanks",
        template: path.join(FIXTURES, "thanks.hbs"),
        delayMs: 5_400_000,
        match: "yes|sure",
        actions: { status: "Interested", tags: ["replied"], assignTo: "member1", markDone: false },
      },
    ]);
    expect(campaign.pacing).toEqual({
      window: { timezone: "Asia/Tokyo", days: [0, 1, 5, 6], startMinute: 510, endMinute: 1440 },
      perAccount: { perHour: 5, perDay: 5, gapMinMs: 120_000, gapMaxMs: 120_000 },
      api: [
        { limit: 100, windowMs: 60_000 },
        { limit: 2000, windowMs: 3_600_000 },
        { limit: 20_000, windowMs: 86_400_000 },
      ],
    });
    expect(campaign.replies).toEqual({
      source: "webhook",
      pollIntervalMs: 60_000,
      webhook: { host: "127.0.0.1", port: 8787, path: "/inbox/webhook" },
      optOut: ["stop"],
      keepOpenMs: 1_209_600_000,
    });
    expect(campaign.stateFile).toBe(path.join(FIXTURES, "state/launch.json"));
  });

  it("loads campaigns/example.yaml, the documented format", async () => {
    // The example's CSV and templates belong to other folders; record which files are checked instead.
    const checked: string[] = [];
    const campaign = await loadCampaign("campaigns/example.yaml", {
      cwd: ROOT,
      fs: {
        readFile: (file) => readFile(file, "utf8"),
        kind: async (file) => {
          checked.push(file);
          return "file";
        },
      },
    });
    const campaigns = path.join(ROOT, "campaigns");
    expect(checked.sort()).toEqual(
      [path.join(campaigns, "leads/example.csv"), ...["intro", "nudge", "thank-you"].map((t) => path.join(ROOT, `templates/${t}.hbs`))].sort(),
    );
    expect(campaign.slug).toBe("founders-intro-example");
    expect(campaign.accounts).toEqual(["df6jbw4h36qm5d9iu2sgn7kx", "k3v9q2m8x7p1w5z4n6b0c2d4"]);
    expect(campaign.sequence.map((s) => [s.id, s.afterMs])).toEqual([
      ["intro", 0],
      ["nudge", 3 * 86_400_000],
    ]);
    expect(campaign.replySteps[0]).toMatchObject({ id: "thank-you", delayMs: 600_000, actions: { status: "Interested", tags: ["replied", "founders-intro"] } });
    expect(campaign.pacing.window).toEqual({ timezone: "America/New_York", days: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 });
    expect(campaign.pacing.perAccount).toEqual({ perHour: 20, perDay: 80, gapMinMs: 45_000, gapMaxMs: 180_000 });
    expect(campaign.replies).toMatchObject({ source: "events", pollIntervalMs: 30_000, keepOpenMs: 7 * 86_400_000 });
    expect(campaign.suppressionFile).toBe(path.join(campaigns, "suppression.txt"));
    expect(campaign.stateFile).toBe(path.join(campaigns, ".outreach/founders-intro-example.json"));
  });
});
