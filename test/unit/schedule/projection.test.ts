import { describe, expect, it } from "vitest";
import type { Campaign } from "../../../src/config/types.js";
import { projectSchedule, type ProjectionInput } from "../../../src/schedule/projection.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const iso = (ms: number): string => new Date(ms).toISOString();
const utc = (s: string): number => Date.parse(s);

function pacing(over: {
  timezone?: string;
  days?: number[];
  hours?: [number, number];
  perHour?: number;
  perDay?: number;
  gapMs?: [number, number];
  api?: Campaign["pacing"]["api"];
}): Campaign["pacing"] {
  const [startH, endH] = over.hours ?? [0, 24];
  const [gapMinMs, gapMaxMs] = over.gapMs ?? [MIN, MIN];
  return {
    window: { timezone: over.timezone ?? "UTC", days: over.days ?? ALL_DAYS, startMinute: startH * 60, endMinute: endH * 60 },
    perAccount: { perHour: over.perHour ?? 1000, perDay: over.perDay ?? 10_000, gapMinMs, gapMaxMs },
    api: over.api ?? [],
  };
}

const T = utc("2026-03-10T00:00:00Z"); // a Tuesday

describe("projectSchedule", () => {
  it("1 account, perHour 2, window 09-10 New York: the 3rd send is the next morning", () => {
    const p = projectSchedule({
      start: utc("2026-03-10T13:00:00Z"), // 09:00 EDT
      leads: 3,
      accounts: 1,
      pacing: pacing({ timezone: "America/New_York", days: [1, 2, 3, 4, 5], hours: [9, 10], perHour: 2 }),
      sequenceDelaysMs: [0],
    });
    // 09:00, 09:01, then the hour cap opens at 10:00 = window end (exclusive) → Wed 09:00 EDT.
    expect(iso(p.firstSendAt)).toBe("2026-03-10T13:00:00.000Z");
    expect(iso(p.lastSendAt)).toBe("2026-03-11T13:00:00.000Z");
    expect(p.lastFirstStepAt).toBe(p.lastSendAt);
    expect(p.sendsPerDayPerAccount).toBe(2);
  });

  it("applies follow-up delays after each lead's own previous send", () => {
    const p = projectSchedule({ start: T, leads: 2, accounts: 1, pacing: pacing({}), sequenceDelaysMs: [0, DAY] });
    expect(p.perStep).toEqual([
      { stepIndex: 0, firstAt: T, lastAt: T + MIN },
      { stepIndex: 1, firstAt: T + DAY, lastAt: T + DAY + MIN },
    ]);
    expect(p.lastFirstStepAt).toBe(T + MIN);
    expect(p.lastSendAt).toBe(T + DAY + MIN);
  });

  it("sends due follow-ups before new leads", () => {
    // gap 10 min, follow-up 30 min later: L0 L1 L2 | L0' L1' L2' | L3 L4 L5 | … | L9 at 180 min, L9' at 210.
    const p = projectSchedule({ start: T, leads: 10, accounts: 1, pacing: pacing({ gapMs: [10 * MIN, 10 * MIN] }), sequenceDelaysMs: [0, 30 * MIN] });
    expect(p.lastFirstStepAt - T).toBe(180 * MIN);
    expect(p.perStep[1]).toEqual({ stepIndex: 1, firstAt: T + 30 * MIN, lastAt: T + 210 * MIN });
  });

  it("uses the mean gap", () => {
    const p = projectSchedule({ start: T, leads: 3, accounts: 1, pacing: pacing({ gapMs: [45_000, 180_000] }), sequenceDelaysMs: [0] });
    expect(p.lastSendAt - T).toBe(2 * 112_500);
  });

  it("follow-ups wait for the lead's window: due Saturday → Monday 09:00", () => {
    const p = projectSchedule({
      start: utc("2026-03-13T09:00:00Z"), // Friday 09:00 London
      leads: 1,
      accounts: 1,
      pacing: pacing({ timezone: "Europe/London", days: [1, 2, 3, 4, 5], hours: [9, 17] }),
      sequenceDelaysMs: [0, DAY, 3 * DAY],
    });
    expect(p.perStep.map((s) => iso(s.firstAt))).toEqual([
      "2026-03-13T09:00:00.000Z",
      "2026-03-16T09:00:00.000Z", // due Sat 09:00 → Mon 09:00
      "2026-03-19T09:00:00.000Z", // Mon + 3 days = Thu
    ]);
  });

  it("spreads new leads over accounts", () => {
    const p = projectSchedule({ start: T, leads: 6, accounts: 3, pacing: pacing({ gapMs: [10 * MIN, 10 * MIN] }), sequenceDelaysMs: [0] });
    expect(p.lastSendAt - T).toBe(10 * MIN); // 3 at T, 3 at T+10 min
    expect(p.sendsPerDayPerAccount).toBe(2);
  });

  it("honours the team API quota (with its safety margin: 1% of the window) across accounts", () => {
    const p = projectSchedule({
      start: T,
      leads: 3,
      accounts: 3,
      pacing: pacing({ gapMs: [0, 0], api: [{ limit: 1, windowMs: MIN }] }),
      sequenceDelaysMs: [0],
    });
    expect(p.lastSendAt - T).toBe(2 * (MIN + 600 + 1));
  });

  it("counts two requests a DM against the quota, as the runner makes them (a lookup or thread check, and the send)", () => {
    // 10 requests a minute: 5 DMs a minute, not 10 (a tester's ETA came out ~2x early).
    const p = projectSchedule({ start: T, leads: 20, accounts: 1, pacing: pacing({ gapMs: [0, 0], api: [{ limit: 10, windowMs: MIN }] }), sequenceDelaysMs: [0] });
    expect(p.lastSendAt - T).toBe(3 * (MIN + 600 + 1));
  });

  it("rolling day cap: 5/day with an always-open window", () => {
    const p = projectSchedule({ start: T, leads: 11, accounts: 1, pacing: pacing({ perDay: 5, gapMs: [HOUR, HOUR] }), sequenceDelaysMs: [0] });
    // Sends at 0..4 h, then 24..28 h, then 48 h.
    expect(p.lastSendAt - T).toBe(2 * DAY);
    expect(p.sendsPerDayPerAccount).toBe(5);
  });

  it("per-lead zones: a lead whose window opens first goes first, whatever its CSV position", () => {
    const leads: ProjectionInput["leads"] = [{ timezone: "Europe/London" }, { timezone: "Asia/Tokyo" }, {}, { timezone: "" }];
    const p = projectSchedule({
      start: T,
      leads,
      accounts: 1,
      pacing: pacing({ timezone: "America/New_York", days: [1, 2, 3, 4, 5], hours: [9, 10] }),
      sequenceDelaysMs: [0],
    });
    expect(iso(p.firstSendAt)).toBe("2026-03-10T00:00:00.000Z"); // Tokyo 09:00
    expect(iso(p.lastSendAt)).toBe("2026-03-10T13:01:00.000Z"); // two New York leads: 09:00 and 09:01 EDT
    expect(p.perStep).toHaveLength(1);
  });

  it("no leads: everything is the start", () => {
    const p = projectSchedule({ start: T, leads: [], accounts: 2, pacing: pacing({}), sequenceDelaysMs: [0, DAY] });
    expect(p).toEqual({ firstSendAt: T, lastFirstStepAt: T, lastSendAt: T, perStep: [], sendsPerDayPerAccount: 0 });
  });

  it("100,000 leads × 3 steps with per-lead zones completes and sends every step", () => {
    const zones = ["America/New_York", "Europe/London", "Asia/Kolkata", "Asia/Kathmandu", "America/Los_Angeles", ""];
    const leads = Array.from({ length: 100_000 }, (_, i) => ({ timezone: zones[i % zones.length]! }));
    const p = projectSchedule({
      start: T,
      leads,
      accounts: 50,
      pacing: pacing({ timezone: "America/New_York", days: [1, 2, 3, 4, 5], hours: [9, 17], perHour: 20, perDay: 80, gapMs: [45_000, 180_000], api: [{ limit: 300, windowMs: MIN }, { limit: 10_000, windowMs: HOUR }, { limit: 100_000, windowMs: DAY }] }),
      sequenceDelaysMs: [0, 3 * DAY, 4 * DAY],
    });
    expect(p.perStep.map((s) => s.stepIndex)).toEqual([0, 1, 2]);
    expect(p.sendsPerDayPerAccount).toBeLessThanOrEqual(80);
    // 300,000 sends at ≤ 80/account/day over 50 accounts need at least 75 days.
    expect(p.lastSendAt - T).toBeGreaterThan(75 * DAY);
  });
});
