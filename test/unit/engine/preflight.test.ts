import { describe, expect, it } from "vitest";
import { buildPreflight } from "../../../src/engine/preflight.js";
import { formatPreflight } from "../../../src/cli/report/preflight.js";
import { paint } from "../../../src/cli/report/style.js";
import type { LeadState } from "../../../src/state/types.js";
import { ACCOUNT, DAY, OTHER_ACCOUNT, T0, contacted, makeCampaign } from "./fakes.js";

const campaign = makeCampaign({
  pacing: { ...makeCampaign().pacing, perAccount: { perHour: 10, perDay: 40, gapMinMs: 0, gapMaxMs: 0 } },
});
const leads = Array.from({ length: 100 }, (_, i) => ({ id: String(1000 + i) }));

describe("buildPreflight", () => {
  it("a first start: every lead to contact, first send now, the caps' pace and end, skipped rows in words", () => {
    const p = buildPreflight({
      campaign,
      leads,
      stateOf: () => undefined,
      problems: new Map([["duplicate", 2], ["suppressed", 1]]),
      unrenderable: 0,
      accountNames: new Map([[ACCOUNT, "ada"]]),
      now: T0,
    });
    expect(p).toMatchObject({ firstStart: true, rows: 103, leads: { total: 100, toStart: 100, waitingForFollowUp: 0, finished: 0 }, firstSendAt: T0, messagesPerDay: 80 });
    expect(p.steps).toEqual(["intro", "nudge"]);
    expect(p.replySteps).toEqual(campaign.replySteps.map((r) => r.id));
    const text = formatPreflight(p, "UTC", paint({}), T0).join("\n");
    // The counts add up: 100 leads of 103 rows, 3 skipped; the reply step is named beside the sequence.
    expect(text).toContain("100 leads to contact (of 103 rows in the CSV; 3 skipped, below)");
    expect(text).toContain(`on a reply: ${campaign.replySteps[0]!.id}`);
    expect(p.accounts).toEqual([{ id: ACCOUNT, username: "ada" }, { id: OTHER_ACCOUNT }]);
    expect(p.skipped).toEqual([
      { reason: "duplicate of an earlier row", count: 2 },
      { reason: "on the suppression list", count: 1 },
    ]);
    // 100 intros at 40/day/account over 2 accounts take more than a day; the nudges 3 days later.
    expect(p.lastFirstMessageAt! - T0).toBeGreaterThanOrEqual(DAY);
    expect(p.lastSendAt! - T0).toBeGreaterThan(3 * DAY);
  });

  it("a resume: not a first start; contacted leads wait for their follow-up, and the caps remember today's sends", () => {
    const states = new Map<string, LeadState>(leads.slice(0, 10).map((l, i) => [l.id, contacted(l.id, T0 - 60_000 + i)]));
    const p = buildPreflight({ campaign, leads, stateOf: (id) => states.get(id), problems: new Map(), unrenderable: 0, accountNames: new Map(), now: T0 });
    expect(p.firstStart).toBe(false);
    expect(p.leads).toMatchObject({ toStart: 90, waitingForFollowUp: 10 });
    // ACCOUNT sent 10 in the last minute: at its hourly cap, so the other account goes first, now.
    expect(p.firstSendAt).toBe(T0);
  });
});
