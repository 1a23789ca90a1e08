import { describe, expect, it } from "vitest";
import { stableId } from "../../../src/sandbox/ids.js";
import { DEFAULT_LIVE_CONFIG, type SandboxLiveConfig } from "../../../src/sandbox/options.js";
import { ProspectDirectory } from "../../../src/sandbox/prospects.js";

const config = (patch: Partial<SandboxLiveConfig> = {}): SandboxLiveConfig => ({ ...structuredClone(DEFAULT_LIVE_CONFIG), ...patch });
const ids = Array.from({ length: 2_000 }, (_, i) => String(1_000_000_000_000 + i * 7919));

describe("ProspectDirectory", () => {
  it("derives the same profile from the same seed and id, and others from another seed", () => {
    const a = new ProspectDirectory("s1", {});
    const b = new ProspectDirectory("s1", {});
    const c = new ProspectDirectory("s2", {});
    expect(a.shortProfile("12345")).toEqual(b.shortProfile("12345"));
    expect(a.profile("12345", 0, 0, config())).toEqual(b.profile("12345", 0, 0, config()));
    expect(ids.slice(0, 50).map((id) => a.username(id))).not.toEqual(ids.slice(0, 50).map((id) => c.username(id)));
  });

  it("makes X-shaped usernames and cuid2-shaped external ids", () => {
    const d = new ProspectDirectory("s1", {});
    for (const id of ids.slice(0, 100)) {
      expect(d.username(id)).toMatch(/^[a-z0-9_]{1,15}$/);
      expect(d.externalId(id)).toMatch(/^[a-z][0-9a-z]{23}$/);
    }
    expect(stableId("x")).toHaveLength(24);
  });

  it("applies overrides", () => {
    const d = new ProspectDirectory("s1", { "42": { username: "SarahChen", displayName: "Sarah Chen" } });
    expect(d.shortProfile("42")).toMatchObject({ username: "sarahchen", handle: "@sarahchen", displayName: "Sarah Chen" });
  });

  it("makes about `unreachableRate` of prospects unreachable, plus the listed and unknown ones", () => {
    const d = new ProspectDirectory("s1", {});
    const cfg = config({ unreachableRate: 0.25, unreachableIds: ["111"], unknownIds: ["222"] });
    const share = ids.filter((id) => !d.reachability(id, cfg).ok).length / ids.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
    expect(d.reachability("111", cfg)).toMatchObject({ ok: false, status: 422, code: "RECIPIENT_UNAVAILABLE" });
    expect(d.reachability("222", cfg)).toMatchObject({ ok: false, status: 404, code: "PROSPECT_NOT_FOUND" });
    expect(d.reachability("111", config())).toEqual({ ok: true });
  });

  it("decides replies per prospect: rate, delay range and texts", () => {
    const d = new ProspectDirectory("s1", {});
    const cfg = config({ replyRate: 0.3, replyDelayMs: [1_000, 2_000], replyTexts: ["yes", "no"] });
    const plans = ids.map((id) => d.replyPlan(id, cfg));
    const replying = plans.filter((p) => p !== undefined);
    expect(replying.length / ids.length).toBeGreaterThan(0.25);
    expect(replying.length / ids.length).toBeLessThan(0.35);
    for (const p of replying) {
      expect(p.delayMs).toBeGreaterThanOrEqual(1_000);
      expect(p.delayMs).toBeLessThanOrEqual(2_000);
      expect(["yes", "no"]).toContain(p.text);
    }
    expect(ids.map((id) => d.replyPlan(id, cfg))).toEqual(plans);
    expect(ids.every((id) => d.replyPlan(id, config({ replyRate: 0 })) === undefined)).toBe(true);
  });
});
