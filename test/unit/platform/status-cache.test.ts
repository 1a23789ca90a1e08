/**
 * The rules by which `outreach status` may answer from a kept summary (platform/status-cache.ts):
 * inputs with the same identity, none changed within RACY_MS of the pass that made it (git's "racy"
 * rule), the same campaign, and a summary made no later than now. And the entry's file: one per
 * campaign path, under XDG_CACHE_HOME.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StatusSummary } from "../../../src/engine/status-summary.js";
import {
  RACY_MS,
  readNoFollowSync,
  fileIdentity,
  keepsChangeTime,
  keptCampaign,
  keptSummary,
  readStatusCache,
  statusCachePath,
  summaryInputs,
  statusCampaign,
  writeStatusCache,
  type StatusCacheEntry,
} from "../../../src/platform/status-cache.js";
import { makeCampaign } from "../engine/fakes.js";
import { bytesChecksum, laneChecksum } from "../../../src/files/checksum.js";

const T = Date.UTC(2026, 10, 30, 12);
const campaign = statusCampaign({ ...makeCampaign(), team: { redisUrl: "redis://:secret@host:6379", whenRedisDown: "fail", localShare: 1 } });
const summary = { computedAt: T } as StatusSummary;
const entry = (over: Partial<StatusCacheEntry> = {}): StatusCacheEntry => ({
  format: 2,
  node: process.version,
  code: "build",
  campaignFile: campaign.file,
  campaignId: "campaign 1 2 3",
  campaignReadAt: T,
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

describe("keptCampaign", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kept-campaign-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A campaign whose named files exist, kept with the campaign file's identity as it is now. */
  async function kept(): Promise<{ entry: StatusCacheEntry; file: string }> {
    const file = join(dir, "campaign.yaml");
    writeFileSync(file, "name: x\n");
    mkdirSync(join(dir, "t"));
    for (const f of ["leads.csv", "t/a.hbs", "t/b.hbs", "t/r.hbs"]) writeFileSync(join(dir, f), "x");
    const c = statusCampaign({
      ...makeCampaign({ file, dir, leads: { file: join(dir, "leads.csv"), idColumn: "x_user_id" } }),
    });
    const steps = { ...c, sequence: c.sequence.map((s, i) => ({ ...s, template: join(dir, "t", i === 0 ? "a.hbs" : "b.hbs") })), replySteps: c.replySteps.map((s) => ({ ...s, template: join(dir, "t/r.hbs") })) };
    const id = (await fileIdentity(file))!;
    return { entry: entry({ campaignFile: file, campaign: steps, campaignId: id.identity, campaignReadAt: id.changedMs + RACY_MS + 1 }), file };
  }

  it("is the kept campaign while the campaign file keeps its identity and had last changed more than RACY_MS before it was read", async () => {
    const { entry: e, file } = await kept();
    expect(await keptCampaign(e, await fileIdentity(file))).toBe(e.campaign);
  });

  it("is not used once the campaign file was rewritten, even to the same size with its mtime put back", async () => {
    const { entry: e, file } = await kept();
    const { utimesSync, statSync } = await import("node:fs");
    const { mtime } = statSync(file);
    writeFileSync(file, "name: y\n");
    utimesSync(file, mtime, mtime);
    expect(await keptCampaign(e, await fileIdentity(file))).toBeUndefined();
  });

  it("is not used when the campaign file changed within RACY_MS of the read, or is gone, or a named file is gone", async () => {
    const { entry: e, file } = await kept();
    const id = (await fileIdentity(file))!;
    expect(await keptCampaign({ ...e, campaignReadAt: id.changedMs + RACY_MS }, id)).toBeUndefined();
    expect(await keptCampaign(e, undefined)).toBeUndefined();
    rmSync(join(dir, "t/r.hbs"));
    expect(await keptCampaign(e, id)).toBeUndefined();
  });
});

describe("the entry's file", () => {
  let home: string;
  let saved: string | undefined;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "kept-entry-"));
    saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = home;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });
  const { format: _f, node: _n, code: _c, ...written } = entry();

  it("reads back what was written", async () => {
    await writeStatusCache(written);
    expect(await readStatusCache(campaign.file)).toMatchObject(written);
  });

  it("is not used once edited by hand or damaged, even when it still parses (it could crash status or print what no status would)", async () => {
    await writeStatusCache(written);
    const file = statusCachePath(campaign.file);
    const text = readFileSync(file, "utf8");
    for (const edited of [text.replace("state 1 2 3", "state 1 2 4"), text.replace(`${T}`, `${T - 1}`), text.replace(/^.*\n/, "")]) {
      writeFileSync(file, edited);
      expect(await readStatusCache(campaign.file)).toBeUndefined();
    }
  });

  it("is not used when written by another build of outreach (its loader, defaults or counts may differ)", async () => {
    await writeStatusCache(written);
    const file = statusCachePath(campaign.file);
    const body = readFileSync(file, "utf8").split("\n").slice(1).join("\n");
    const other = JSON.stringify({ ...JSON.parse(body), code: "another build" });
    // The checksum is FNV-1a 32 over UTF-16 code units (status-cache.ts): written right here so only the build differs.
    let h = 0x811c9dc5;
    for (let i = 0; i < other.length; i++) h = Math.imul(h ^ other.charCodeAt(i), 0x01000193);
    writeFileSync(file, `${(h >>> 0).toString(16).padStart(8, "0")}\n${other}`);
    expect(await readStatusCache(campaign.file)).toBeUndefined();
    writeFileSync(file, `${(h >>> 0).toString(16).padStart(8, "0")}\n${body}`);
    expect(await readStatusCache(campaign.file)).toBeUndefined();
  });

  it("is not read through a symlink, and writing replaces the symlink, not its target", async () => {
    await writeStatusCache(written);
    const file = statusCachePath(campaign.file);
    const target = join(home, "elsewhere.json");
    writeFileSync(target, readFileSync(file));
    rmSync(file);
    symlinkSync(target, file);
    expect(await readStatusCache(campaign.file)).toBeUndefined();
    const before = readFileSync(target, "utf8");
    await writeStatusCache({ ...written, readAt: T + 5 });
    expect(readFileSync(target, "utf8")).toBe(before);
    expect(await readStatusCache(campaign.file)).toMatchObject({ readAt: T + 5 });
  });
});

describe("summaryInputs", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kept-inputs-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names the files the pass must read with every symlink resolved, so a link re-pointed during the pass and back cannot label one file's summary with another's identity", async () => {
    for (const d of ["state-v1", "exports"]) mkdirSync(join(dir, d));
    writeFileSync(join(dir, "state-v1", "s.json"), "{}");
    writeFileSync(join(dir, "exports", "a.csv"), "id\n1\n");
    writeFileSync(join(dir, "exports", "b.csv"), "id\n2\n");
    symlinkSync(join(dir, "state-v1"), join(dir, "state"));
    symlinkSync("exports/a.csv", join(dir, "leads.csv"));
    const c = statusCampaign(makeCampaign({ stateFile: join(dir, "state", "s.json"), leads: { file: join(dir, "leads.csv"), idColumn: "id" } }));
    const before = (await summaryInputs(c))!;
    expect(before.files).toEqual({ stateFile: join(dir, "state-v1", "s.json"), leadsFile: join(dir, "exports", "a.csv") });
    rmSync(join(dir, "leads.csv"));
    symlinkSync("exports/b.csv", join(dir, "leads.csv"));
    const repointed = (await summaryInputs(c))!;
    expect(repointed.files.leadsFile).toBe(join(dir, "exports", "b.csv"));
    expect(repointed.identity).not.toBe(before.identity);
  });

  it("keeps nothing for a state file that is a symlink or missing", async () => {
    writeFileSync(join(dir, "real.json"), "{}");
    writeFileSync(join(dir, "leads.csv"), "id\n1\n");
    symlinkSync(join(dir, "real.json"), join(dir, "s.json"));
    const c = (stateFile: string) => statusCampaign(makeCampaign({ stateFile, leads: { file: join(dir, "leads.csv"), idColumn: "id" } }));
    expect(await summaryInputs(c(join(dir, "s.json")))).toBeUndefined();
    expect(await summaryInputs(c(join(dir, "none.json")))).toBeUndefined();
    expect(await summaryInputs(c(join(dir, "real.json")))).toMatchObject({ files: { stateFile: join(dir, "real.json") } });
  });

  it("keeps nothing, without hanging, for a FIFO in the CSV's place (each input is opened to be examined)", async () => {
    writeFileSync(join(dir, "s.json"), "{}");
    execFileSync("mkfifo", [join(dir, "leads.csv")]);
    const c = statusCampaign(makeCampaign({ stateFile: join(dir, "s.json"), leads: { file: join(dir, "leads.csv"), idColumn: "id" } }));
    expect(await summaryInputs(c)).toBeUndefined();
    expect(await fileIdentity(join(dir, "leads.csv"))).toBeUndefined();
  });
});

describe("keepsChangeTime", () => {
  it("trusts ext4, xfs, btrfs, tmpfs, NFS; not FAT, exFAT or FUSE, whose ctime `touch` can set back or that report any", () => {
    // statfs(2) f_type values: linux/magic.h.
    for (const fsType of [0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x6969]) expect(keepsChangeTime(fsType)).toBe(true);
    for (const fsType of [0x4d44, 0x2011bab0, 0x65735546]) expect(keepsChangeTime(fsType)).toBe(false);
  });
});

describe("fileIdentity", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kept-identity-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("names the file a symlink leads to (to be read from), so the link re-pointed is another identity", async () => {
    for (const v of ["v1", "v2"]) {
      mkdirSync(join(dir, v));
      writeFileSync(join(dir, v, "campaign.yaml"), "name: same text\n");
    }
    symlinkSync("v1", join(dir, "current"));
    const first = (await fileIdentity(join(dir, "current", "campaign.yaml")))!;
    expect(first.real).toBe(join(dir, "v1", "campaign.yaml"));
    rmSync(join(dir, "current"));
    symlinkSync("v2", join(dir, "current"));
    const second = (await fileIdentity(join(dir, "current", "campaign.yaml")))!;
    expect(second.real).toBe(join(dir, "v2", "campaign.yaml"));
    expect(second.identity).not.toBe(first.identity);
    expect(await fileIdentity(join(dir, "none.yaml"))).toBeUndefined();
    expect(await fileIdentity(dir)).toBeUndefined();
  });
});

describe.each([
  ["bytesChecksum", bytesChecksum],
  ["laneChecksum (Node.js before 20.15)", laneChecksum],
])("%s", (_name, bytesChecksum) => {
  it("is the same for the same bytes wherever they lie (aligned or not, a pooled Buffer or not), and changes with any bit", () => {
    const data = Buffer.from(Array.from({ length: 1027 }, (_, i) => (i * 37) % 256));
    const sum = bytesChecksum(data);
    for (let offset = 0; offset < 8; offset++) {
      const holder = Buffer.alloc(data.length + 8);
      data.copy(holder, offset);
      expect(bytesChecksum(holder.subarray(offset, offset + data.length))).toBe(sum);
    }
    expect(bytesChecksum(Buffer.from(data.toString("latin1"), "latin1"))).toBe(sum);
    for (const at of [0, 5, 512, 1024, 1026]) {
      const flipped = Buffer.from(data);
      flipped[at] = flipped[at]! ^ 4;
      expect(bytesChecksum(flipped)).not.toBe(sum);
    }
    expect(bytesChecksum(data.subarray(0, 1026))).not.toBe(sum);
  });
});

describe("kept files that are not regular files", () => {
  it("a FIFO (or a directory) where a kept file should be is no kept file: never read, so never a hang", () => {
    const dir = mkdtempSync(join(tmpdir(), "kept-fifo-"));
    try {
      execFileSync("mkfifo", [join(dir, "entry.leads")]);
      mkdirSync(join(dir, "entry.facts"));
      expect(readNoFollowSync(join(dir, "entry.leads"))).toBeUndefined();
      expect(readNoFollowSync(join(dir, "entry.facts"))).toBeUndefined();
      expect(readNoFollowSync(join(dir, "none"))).toBeUndefined();
      writeFileSync(join(dir, "entry.json"), "kept");
      expect(readNoFollowSync(join(dir, "entry.json"))?.toString()).toBe("kept");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
