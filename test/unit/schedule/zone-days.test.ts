import { afterEach, describe, expect, it, vi } from "vitest";

const DAY = 86_400_000;
type Windows = typeof import("../../../src/schedule/windows.js");

/** A fresh copy of windows.ts: its zone caches start empty, as in a new process. */
async function freshWindows(): Promise<Windows> {
  vi.resetModules();
  return import("../../../src/schedule/windows.js");
}

const RealFormat = Intl.DateTimeFormat;
/** Counts the Intl formatters made from now on (each one, the first above all, costs start-up time). */
function countFormatters(): { readonly made: number } {
  const counter = { made: 0 };
  Intl.DateTimeFormat = new Proxy(RealFormat, {
    construct(target, args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      counter.made++;
      return new target(...args);
    },
  });
  return counter;
}

afterEach(() => {
  Intl.DateTimeFormat = RealFormat;
});

describe("zone offsets kept for a later process (zoneDays → seedZoneDays)", () => {
  // 2026-03-08: New York springs forward at 07:00 UTC; 2026-03-29: Berlin at 01:00 UTC.
  const from = Math.floor(Date.UTC(2026, 2, 1) / DAY);
  const to = Math.floor(Date.UTC(2026, 3, 5) / DAY);
  const zones = ["America/New_York", "Europe/Berlin", "Asia/Kathmandu"];

  it("reads the same local times and zone names over the kept days, without making an Intl formatter", async () => {
    const writer = await freshWindows();
    const tables = zones.map((zone) => writer.zoneDays(zone, from, to));
    // Only the transition days are kept slice by slice.
    expect(tables[0]!.days.filter(([, offset]) => offset === null)).toHaveLength(1);
    expect(tables[2]!.slices).toHaveLength(0);
    const instants: number[] = [];
    for (let t = from * DAY; t < (to + 1) * DAY; t += 37 * 60_000) instants.push(t);
    const expected = zones.map((zone) => instants.map((t) => [writer.localParts(zone, t), writer.zoneShortName(zone, writer.localParts(zone, t).offsetMs, t)]));

    const reader = await freshWindows();
    for (const table of JSON.parse(JSON.stringify(tables)) as typeof tables) reader.seedZoneDays(table);
    const formatters = countFormatters();
    const read = zones.map((zone) => instants.map((t) => [reader.localParts(zone, t), reader.zoneShortName(zone, reader.localParts(zone, t).offsetMs, t)]));
    expect(read).toEqual(expected);
    expect(formatters.made).toBe(0);
    expect(read[0]!.map(([, name]) => name)).toContain("EDT");
    expect(read[0]!.map(([, name]) => name)).toContain("EST");
  });

  it("still reads a day outside the kept ones, from Intl", async () => {
    const writer = await freshWindows();
    const table = writer.zoneDays("Europe/Berlin", from, from + 2);
    const later = (to + 100) * DAY;
    const expected = writer.localParts("Europe/Berlin", later);
    const reader = await freshWindows();
    reader.seedZoneDays(table);
    const formatters = countFormatters();
    expect(reader.localParts("Europe/Berlin", later)).toEqual(expected);
    expect(formatters.made).toBe(1);
  });
});
