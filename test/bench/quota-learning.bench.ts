/**
 * Benchmark 5: a server stricter than the configuration. The sandbox allows 20 requests per 2 s
 * (sliding, counted on every /api/v1 request); the campaign's api quota says 1,200 a minute — the
 * runner has to learn the real limit from X-RateLimit-Limit/Remaining/Reset (schedule/learned-quota.ts)
 * and the window's length, which no header states. The run sends for ~16 s, then is interrupted as a
 * user would (SIGTERM).
 * Targets: no 429 after the first response, and ≥ 90% of the server's allowed rate (10 requests/s),
 * measured by the sandbox's own counters from the third window on (the first two teach the runner).
 */
import type { RateWindow } from "../../src/config/types.js";
import { runAgainstQuota } from "./support/quota-run.js";
import { reportFigures } from "./support/figures.js";
import { fixed, int, mb, note, printTable, secs, verdict } from "./support/table.js";

const SERVER: RateWindow = { limit: 20, windowMs: 2_000 };
const CONFIGURED: RateWindow = { limit: 1_200, windowMs: 60_000 };
const SEND_FOR_MS = 16_000;
const LEADS = 1_000;
const ACCOUNTS = Array.from({ length: 4 }, (_, i) => `learnacct${i}`);
const TARGET_SHARE = 0.9;

const { run, final, sampler } = await runAgainstQuota({ name: "quota-learning", leads: LEADS, accounts: ACCOUNTS, server: [SERVER], configured: [CONFIGURED], sendForMs: SEND_FOR_MS });
const measured = sampler.rateBetween(run.runStartedAt + 2 * SERVER.windowMs, run.endAt);
const allowed = (SERVER.limit * 1000) / SERVER.windowMs;
const share = measured.perSecond / allowed;

printTable(
  `Quota learning: server allows ${SERVER.limit} requests / ${SERVER.windowMs} ms (sliding), campaign configured for ${CONFIGURED.limit}/min, 4 accounts, ~${SEND_FOR_MS / 1000} s of sending`,
  ["allowed req/s", "achieved req/s", "utilisation", "requests", "sends", "429s", "gate holds", "measured over", "peak RSS"],
  [[fixed(allowed, 1), fixed(measured.perSecond, 2), `${fixed(share * 100, 1)}%`, int(final.requests), int(final.sends), int(final.rateLimited), int(run.events["rate.held"] ?? 0), secs(measured.overMs), mb(run.maxRssKb)]],
);
// The run's first request (the account check) is alone: every 429 the sandbox served came after the first response.
note(`429s after the first response: ${final.rateLimited} (target 0) ${verdict(final.rateLimited === 0)}`);
note(`utilisation ${fixed(share * 100, 1)}% of the server's allowed rate from the third window on (target ≥ ${TARGET_SHARE * 100}%) ${verdict(share >= TARGET_SHARE)}`);
await reportFigures("quota-learning", [
  {
    what: `Server stricter than configured (${SERVER.limit} req / ${SERVER.windowMs / 1000} s sliding, configured ${CONFIGURED.limit}/min): share of the server's rate from the third window on`,
    ours: `${fixed(measured.perSecond, 2)} req/s, ${final.rateLimited} × 429`,
    baseline: `allowed ${fixed(allowed, 1)} req/s`,
    ratio: `${fixed(share * 100, 1)}% of allowed`,
    target: `≥ ${TARGET_SHARE * 100}%, 0 × 429 after the first response`,
    verdict: verdict(share >= TARGET_SHARE && final.rateLimited === 0),
  },
]);
