/**
 * Benchmark "rate-limited": sending under a team quota. The sandbox enforces a limit scaled down to seconds
 * (50 requests per 1 s sliding window, counted on every /api/v1 request, reads included) and the
 * campaign's api limit is set to the same window in code (campaign.yaml only takes per-minute/hour/day
 * windows). The run sends for ~10 s, then is interrupted the way a user would (SIGTERM).
 * Targets: achieved request rate >= 95% of the allowed rate, and no 429 at all.
 *
 * The rate is what the sandbox counted, sampled every 100 ms through /_sandbox/stats (not rate
 * limited). It is taken over the steady state: from one window after sending started (the first
 * window may legitimately burst its whole allowance at once) to the end of the run.
 */
import type { RateWindow } from "../../src/config/types.js";
import { defaultQuotaMargin } from "../../src/schedule/sliding-window.js";
import { runAgainstQuota } from "./support/quota-run.js";
import { reportFigures } from "./support/figures.js";
import { fixed, int, mb, note, printTable, secs, verdict } from "./support/table.js";

const WINDOW: RateWindow = { limit: 50, windowMs: 1000 };
const SEND_FOR_MS = 10_000;
/** More leads than the run can reach in SEND_FOR_MS, so it never runs out of work. */
const LEADS = 2_000;
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `benchacct${i}`);
const TARGET_SHARE = 0.95;

const { run, final, sampler } = await runAgainstQuota({ name: "rate-limited", leads: LEADS, accounts: ACCOUNTS, server: [WINDOW], configured: [WINDOW], sendForMs: SEND_FOR_MS });
const measured = sampler.rateBetween(run.runStartedAt + WINDOW.windowMs, run.endAt);
const allowed = (WINDOW.limit * 1000) / WINDOW.windowMs;
// What the runner's gate itself permits, ignoring response time: it waits windowMs + margin + 1 ms
// past the `limit`-th most recent response (sliding-window.ts).
const margin = defaultQuotaMargin(WINDOW.windowMs);
const ceiling = (WINDOW.limit * 1000) / (WINDOW.windowMs + margin + 1);
const achieved = measured.perSecond;
const share = achieved / allowed;
const holds = run.events["rate.held"] ?? 0;

printTable(
  `Rate-limited: team quota ${WINDOW.limit} requests / ${WINDOW.windowMs} ms (sliding), gate set to match, 8 accounts, ~${SEND_FOR_MS / 1000} s of sending`,
  ["allowed req/s", "gate ceiling req/s", "achieved req/s", "share", "requests", "sends", "429s", "gate holds", "measured over", "peak RSS"],
  [[fixed(allowed, 1), fixed(ceiling, 1), fixed(achieved, 1), `${fixed(share * 100, 1)}%`, int(final.requests), int(final.sends), int(final.rateLimited), int(holds), secs(measured.overMs), mb(run.maxRssKb)]],
);
note(`achieved ${fixed(share * 100, 1)}% of the allowed rate (target ≥ ${TARGET_SHARE * 100}%) ${verdict(share >= TARGET_SHARE)}`);
note(`(the gate's own ceiling with its ${margin} ms margin is ${fixed((ceiling / allowed) * 100, 1)}% of the allowed rate; achieved ${fixed((achieved / ceiling) * 100, 1)}% of that ceiling)`);
note(`429s served: ${final.rateLimited} (target 0) ${verdict(final.rateLimited === 0)}`);
await reportFigures("rate-limited", [
  {
    what: `Team quota ${WINDOW.limit} req / ${WINDOW.windowMs / 1000} s sliding, ~${SEND_FOR_MS / 1000} s of sending`,
    ours: `${fixed(achieved, 1)} req/s, ${final.rateLimited} × 429`,
    baseline: `allowed ${fixed(allowed, 1)} req/s (gate ceiling ${fixed(ceiling, 1)})`,
    ratio: `${fixed(share * 100, 1)}% of allowed`,
    target: `≥ ${TARGET_SHARE * 100}%, 0 × 429`,
    verdict: verdict(share >= TARGET_SHARE && final.rateLimited === 0),
  },
]);
