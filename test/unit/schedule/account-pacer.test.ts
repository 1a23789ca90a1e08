import { describe, expect, it } from "vitest";
import { AccountPacer } from "../../../src/schedule/account-pacer.js";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.parse("2026-03-10T14:00:00Z");

/** A random source that replays `values` in a loop. */
const replay = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe("AccountPacer", () => {
  it("a fresh account may send now", () => {
    const p = new AccountPacer({ perHour: 2, perDay: 5, gapMinMs: MIN, gapMaxMs: 3 * MIN });
    expect(p.nextAllowedAt("a", T0)).toBe(T0);
    expect(p.sentInLast("a", HOUR, T0)).toBe(0);
  });

  it.each([
    [0, 45_000],
    [0.5, 112_500],
    [0.999999, 180_000],
  ])("random %d → gap %i ms (uniform in [45 s, 3 min])", (r, gap) => {
    const p = new AccountPacer({ perHour: 100, perDay: 1000, gapMinMs: 45_000, gapMaxMs: 180_000, random: () => r });
    p.recordSend("a", T0);
    expect(p.nextAllowedAt("a", T0)).toBe(T0 + gap);
  });

  it("draws once per send: nextAllowedAt is stable, and later than now only by the gap", () => {
    const p = new AccountPacer({ perHour: 1000, perDay: 10_000, gapMinMs: 45_000, gapMaxMs: 180_000 });
    let t = T0;
    for (let i = 0; i < 500; i++) {
      p.recordSend("a", t);
      const next = p.nextAllowedAt("a", t);
      expect(p.nextAllowedAt("a", t)).toBe(next);
      expect(next - t).toBeGreaterThanOrEqual(45_000);
      expect(next - t).toBeLessThanOrEqual(180_000);
      expect(p.nextAllowedAt("a", next + 5)).toBe(next + 5); // past the gap: now
      t = next;
    }
  });

  it("rolling hour cap: the (perHour+1)-th send waits until the first is an hour old", () => {
    const p = new AccountPacer({ perHour: 3, perDay: 100, gapMinMs: MIN, gapMaxMs: MIN });
    for (const m of [0, 1, 2]) p.recordSend("a", T0 + m * MIN);
    expect(p.nextAllowedAt("a", T0 + 3 * MIN)).toBe(T0 + HOUR);
    p.recordSend("a", T0 + HOUR);
    // Window (T0+1min+1h-… ]: the send at +1 min is the oldest of the last three now.
    expect(p.nextAllowedAt("a", T0 + HOUR + MIN)).toBe(T0 + MIN + HOUR);
    expect(p.sentInLast("a", HOUR, T0 + HOUR)).toBe(3);
  });

  it("rolling day cap applies across hours", () => {
    const p = new AccountPacer({ perHour: 10, perDay: 4, gapMinMs: 0, gapMaxMs: 0 });
    for (const h of [0, 1, 2, 3]) p.recordSend("a", T0 + h * HOUR);
    expect(p.nextAllowedAt("a", T0 + 4 * HOUR)).toBe(T0 + DAY);
    p.recordSend("a", T0 + DAY);
    expect(p.nextAllowedAt("a", T0 + DAY)).toBe(T0 + HOUR + DAY);
    expect(p.sentInLast("a", DAY, T0 + DAY)).toBe(4);
  });

  it("accounts are independent", () => {
    const p = new AccountPacer({ perHour: 1, perDay: 10, gapMinMs: 0, gapMaxMs: 0 });
    p.recordSend("a", T0);
    expect(p.nextAllowedAt("a", T0)).toBe(T0 + HOUR);
    expect(p.nextAllowedAt("b", T0)).toBe(T0);
  });

  it("restore: unsorted history, only the last perDay kept, caps and gap apply", () => {
    const p = new AccountPacer({ perHour: 2, perDay: 4, gapMinMs: 2 * MIN, gapMaxMs: 2 * MIN, random: replay(0.5) });
    // Five sends, unsorted: the one 26 h ago is beyond the last perDay and dropped.
    p.restore("a", [T0 - 30 * MIN, T0 - 25 * HOUR, T0 - 10 * MIN, T0 - 26 * HOUR, T0 - 2 * HOUR]);
    expect(p.sentInLast("a", 2 * DAY, T0)).toBe(4);
    expect(p.sentInLast("a", DAY, T0)).toBe(3);
    expect(p.sentInLast("a", HOUR, T0)).toBe(2);
    // Hour cap: the 2nd most recent (-30 min) must be an hour old → T0 + 30 min.
    expect(p.nextAllowedAt("a", T0)).toBe(T0 + 30 * MIN);
    // Day cap binds once the 4th most recent is < 24 h old: fill the hour, then look a day out.
    p.recordSend("a", T0 + 30 * MIN);
    expect(p.nextAllowedAt("a", T0 + 30 * MIN)).toBe(T0 - 2 * HOUR + DAY);
    // Restoring again replaces, not appends.
    p.restore("a", [T0 - 5 * HOUR]);
    expect(p.nextAllowedAt("a", T0)).toBe(T0);
  });

  it("sentInLast ignores sends after now", () => {
    const p = new AccountPacer({ perHour: 10, perDay: 10, gapMinMs: 0, gapMaxMs: 0 });
    for (const m of [0, 10, 20, 30]) p.recordSend("a", T0 + m * MIN);
    expect(p.sentInLast("a", 15 * MIN, T0 + 20 * MIN)).toBe(2);
    expect(p.sentInLast("a", HOUR, T0 + 25 * MIN)).toBe(3);
  });

  it.each([
    [{ perHour: 0, perDay: 1, gapMinMs: 0, gapMaxMs: 0 }],
    [{ perHour: 1, perDay: 1.5, gapMinMs: 0, gapMaxMs: 0 }],
    [{ perHour: 1, perDay: 1, gapMinMs: 5, gapMaxMs: 1 }],
  ])("rejects bad options %j", (opts) => expect(() => new AccountPacer(opts)).toThrow(RangeError));

  it("a large perDay cap is counted exactly as the ring grows past its first slots and wraps", () => {
    // 300 sends a minute apart with perDay 250: the ring grows 64 → 128 → 250, then wraps.
    const p = new AccountPacer({ perHour: 1000, perDay: 250, gapMinMs: 0, gapMaxMs: 0 });
    for (let i = 0; i < 300; i++) p.recordSend("a", T0 + i * MIN);
    const now = T0 + 299 * MIN;
    expect(p.sentInLast("a", HOUR, now)).toBe(60);
    expect(p.sentInLast("a", DAY, now)).toBe(250); // only the last perDay sends are kept
    // The 250th most recent send (i = 50) must be a day old before the next one.
    expect(p.nextAllowedAt("a", now)).toBe(T0 + 50 * MIN + DAY);
  });
});

describe("AccountPacer.blockedBy", () => {
  it("names the limit that holds the account longest, and none when it is free", () => {
    const p = new AccountPacer({ perHour: 2, perDay: 3, gapMinMs: MIN, gapMaxMs: MIN });
    expect(p.blockedBy("a", T0)).toBeUndefined();
    p.recordSend("a", T0);
    expect(p.blockedBy("a", T0)).toEqual({ cap: "gap", until: T0 + MIN });
    p.recordSend("a", T0 + MIN);
    expect(p.blockedBy("a", T0 + MIN)).toEqual({ cap: "hourly", until: T0 + HOUR });
    p.recordSend("a", T0 + HOUR);
    expect(p.blockedBy("a", T0 + HOUR)).toEqual({ cap: "daily", until: T0 + DAY });
    expect(p.blockedBy("a", T0 + DAY)).toBeUndefined();
  });
});
