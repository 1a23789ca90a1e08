/**
 * A full team quota at start-up is waited out (another runner may be spending it), for up to
 * STARTUP_429_PATIENCE_MS; not for ever, and never for other errors. Fake clock.
 */
import { describe, expect, it } from "vitest";
import { RateLimitedError, ServerError } from "../../../src/inbox/errors.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { mayWaitOut, STARTUP_429_PATIENCE_MS } from "../../../src/platform/startup-patience.js";

const T0 = Date.UTC(2026, 10, 29, 12);
const limited = (retryAfterMs: number): RateLimitedError => new RateLimitedError("429", { method: "GET", path: "/account-links", status: 429 }, retryAfterMs);

describe("mayWaitOut", () => {
  it("waits out 429s while their Retry-After ends within the patience, then gives up", () => {
    const clock = new SimulatedClock(T0);
    expect(mayWaitOut(limited(1_000), T0, clock)).toBe(true);
    clock.advance(STARTUP_429_PATIENCE_MS - 1_000);
    expect(mayWaitOut(limited(1_000), T0, clock)).toBe(true);
    expect(mayWaitOut(limited(1_001), T0, clock)).toBe(false);
  });

  it("never waits out anything else", () => {
    expect(mayWaitOut(new ServerError("500", { method: "GET", path: "/team", status: 500 }), T0, new SimulatedClock(T0))).toBe(false);
  });
});
