/**
 * The engine's run loop under the pacing that made it spin (issue 8): per-account gaps of a few
 * milliseconds and timers that wake a millisecond early, a loop that could never make progress (the
 * progress guard), and a stop while every request waits behind a quota hold.
 */
import { describe, expect, it } from "vitest";
import { runCampaign } from "../../../src/engine/engine.js";
import type { AccountPacing, EngineDeps } from "../../../src/engine/ports.js";
import type { InboxApi } from "../../../src/inbox/types.js";
import { SimulatedClock } from "../../../src/platform/clock.js";
import { AccountLanes } from "../../../src/schedule/account-lanes.js";
import { AccountPacer } from "../../../src/schedule/account-pacer.js";
import { thread } from "../replies/fixtures.js";
import { ACCOUNT, DAY, OTHER_ACCOUNT, T0, contacted, harness, lead, makeCampaign, message, sequenceSteps, type Harness } from "./fakes.js";

/** Node's timers may fire up to 1 ms before Date.now() reaches the instant asked for: so does this clock. */
class EarlyTimerClock extends SimulatedClock {
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return super.sleep(ms > 1 ? ms - 1 : ms, signal);
  }
}

/** Fails the test instead of hanging it when the engine asks the same question forever at one instant. */
function spinDetecting(pacing: AccountPacing): AccountPacing {
  let lastNow = Number.NaN;
  let sameNow = 0;
  return {
    nextAllowedAt(account, now) {
      sameNow = now === lastNow ? sameNow + 1 : 0;
      lastNow = now;
      if (sameNow > 10_000) throw new Error(`the engine spun: 10,000 pacing checks at ${now}`);
      return pacing.nextAllowedAt(account, now);
    },
    recordSend: (account, at) => pacing.recordSend(account, at),
    restore: (account, times) => pacing.restore(account, times),
  };
}

/** A sandbox-like API: every send gets a message id; one thread per lead. Records (lead, step) sends. */
function sendingApi(h: Harness, sent: string[]): InboxApi {
  let n = 0;
  return {
    ...h.api.api,
    quickSend: async (body: { externalPlatformId: string; content: string }) => {
      sent.push(`${body.externalPlatformId} ${body.content.slice(1, body.content.indexOf("]"))}`);
      const id = `m${++n}`;
      return { message: message(`thr_${body.externalPlatformId}`, ACCOUNT, h.clock.now(), body.content, id), thread: thread({ id: `thr_${body.externalPlatformId}` }) };
    },
    sendInThread: async (threadId: string, body: { content: string }) => {
      sent.push(`${threadId.slice(4)} ${body.content.slice(1, body.content.indexOf("]"))}`);
      return message(threadId, ACCOUNT, h.clock.now(), body.content, `m${++n}`);
    },
  } as InboxApi;
}

function loopHarness(clock: SimulatedClock, leads: number, pacing: (real: AccountPacer) => AccountPacing): { h: Harness; deps: EngineDeps; sent: string[] } {
  const campaign = makeCampaign({
    accounts: [ACCOUNT],
    sequence: sequenceSteps(0, 1_000),
    replySteps: [],
    replies: { source: "events", pollIntervalMs: 1_000, optOut: ["stop"], keepOpenMs: 0 },
  });
  // The engine-spin case: gaps of 5–15 ms, caps far away. A fixed random keeps the draw reproducible.
  let r = 0;
  const real = new AccountPacer({ perHour: 100_000, perDay: 100_000, gapMinMs: 5, gapMaxMs: 15, random: () => (r = (r * 9301 + 49297) % 233280) / 233280 });
  const h = harness({ campaign, leads: Array.from({ length: leads }, (_, i) => lead(String(3000 + i), i + 1)) });
  const sent: string[] = [];
  const deps: EngineDeps = { ...h.deps, clock, api: sendingApi({ ...h, clock }, sent), pacing: pacing(real), lanes: new AccountLanes() };
  return { h, deps, sent };
}

describe("engine run loop", () => {
  it("finishes a campaign with 5–15 ms gaps when timers wake a millisecond early (the engine-spin case)", async () => {
    const clock = new EarlyTimerClock(T0);
    const { deps, sent } = loopHarness(clock, 50, spinDetecting);
    const result = await runCampaign(deps);
    expect(result.outcome).toBe("completed");
    const expected = Array.from({ length: 50 }, (_, i) => [`${3000 + i} intro`, `${3000 + i} nudge`]).flat();
    expect([...sent].sort()).toEqual(expected.sort());
  });

  it("pauses with an internal-error message when the loop stops making progress, instead of spinning", async () => {
    const clock = new SimulatedClock(T0);
    // A deliberately broken pacing: the account is always free "in one millisecond", never now.
    const { deps, sent } = loopHarness(clock, 3, (real) => ({ ...spinDetecting(real), nextAllowedAt: (_a, now) => now + 1 }));
    const result = await runCampaign(deps);
    expect(result.outcome).toBe("paused");
    expect(result.summary.pausedReason).toMatch(/^internal error: the run loop made no progress in \d+ passes; .* This is a bug/);
    expect(sent).toEqual([]);
    // It gave up within a second of (simulated) time, not after hours.
    expect(clock.now() - T0).toBeLessThan(1_000);
  });

  it("a stop drops a send waiting behind a quota hold at once; the step is left pending, not sending", async () => {
    const clock = new SimulatedClock(T0);
    const { h, deps, sent } = loopHarness(clock, 2, (real) => real);
    const stop = new AbortController();
    let queued = 0;
    // A gate on hold for the whole test: like the real limiter, it rejects a waiting job when its signal aborts.
    const heldGate: EngineDeps["gate"] = {
      schedule: (_fn, opts) =>
        new Promise((_resolve, reject) => {
          queued++;
          opts?.signal?.addEventListener("abort", () => reject(opts.signal?.reason), { once: true });
          if (queued === 1) setImmediate(() => stop.abort());
        }),
      observe: () => undefined,
      holdUntil: () => undefined,
    };
    const result = await runCampaign({ ...deps, gate: heldGate, stop: stop.signal });
    expect(result.outcome).toBe("interrupted");
    expect(sent).toEqual([]);
    // Pending: no record (the first-contact check was still waiting in the gate) or a pending one, never `sending`.
    const intro = h.store.lead("3000")?.steps["intro"];
    expect(intro?.status ?? "pending").toBe("pending");
    expect(intro?.attempts ?? 0).toBe(0);
  });
});

describe("engine: an account removed from the campaign (accepted with --accept-changes)", () => {
  // Seen by a tester: after removing an account, its leads still got their nudge from it.
  it("sends nothing more to its leads — not from it, not from another account — and says why", async () => {
    const clock = new SimulatedClock(T0 + 4 * DAY);
    const { h, deps, sent } = loopHarness(clock, 2, (real) => real);
    h.store.map.set("3000", contacted("3000", T0));
    const result = await runCampaign({ ...deps, campaign: { ...deps.campaign, accounts: [OTHER_ACCOUNT] } });
    expect(result.outcome).toBe("completed");
    // Only the lead that was never contacted gets messages, from the remaining account.
    expect(sent.filter((s) => s.startsWith("3000"))).toEqual([]);
    expect(sent.sort()).toEqual(["3001 intro", "3001 nudge"]);
    expect(h.store.lead("3000")).toMatchObject({ finishReason: "skipped", steps: { nudge: { status: "skipped", reason: expect.stringContaining(`account ${ACCOUNT} was removed`) } } });
    expect(h.of("lead.skipped")).toEqual([expect.objectContaining({ leadId: "3000", stepId: "nudge" })]);
  });
});
