/**
 * Benchmark 3: send throughput of the full live path (runLive: engine, team gate, HTTP client,
 * durable state with fdatasync on `sending`) against a sandbox in another process on loopback, with
 * every limit out of the way: sandbox rate limit off, sending window all week 00:00-24:00, no gap,
 * per-account and team caps far above what the run can reach, 8 account links, 1 step, nobody replies.
 * Targets: >= 500 sends/s; per-send time at the large size within 1.5× of the small one.
 * The figure with fsync off shows what the durability costs.
 */
import { join } from "node:path";
import { runPhase, type PhaseResult } from "./support/child.js";
import { createFixture, openPacing, type Fixture } from "./support/fixture.js";
import { startSandboxProcess } from "./support/sandbox-process.js";
import { fixed, int, mb, note, printTable, secs, verdict } from "./support/table.js";
import type { LiveSendArgs, LiveSendResult } from "./phases/live-send.js";

const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SEND_LARGE ?? 100_000);
const ACCOUNTS = Array.from({ length: 8 }, (_, i) => `benchacct${i}`);
const TARGET_RATE = 500;
const TARGET_SCALING = 1.5;

type Run = LiveSendResult & PhaseResult;

async function measure(fixture: Fixture, leads: number, fsync: boolean, tag: string): Promise<Run> {
  const sandbox = await startSandboxProcess({ rateLimit: "off", accountLinks: ACCOUNTS, replyRate: 0 });
  try {
    const args: LiveSendArgs = {
      campaignFile: fixture.campaignFile,
      url: sandbox.url,
      token: sandbox.token,
      stateFile: join(fixture.dir, "state", `${tag}.json`),
      fsync,
      limit: leads,
    };
    const { result } = await runPhase<Run>("phases/live-send.js", args);
    const stats = await sandbox.stats();
    if (result.sent !== leads || stats.sends !== leads) {
      throw new Error(`expected ${leads} sends, runner reported ${result.sent} and the sandbox stored ${stats.sends} (${JSON.stringify(result.events)})`);
    }
    return result;
  } finally {
    await sandbox.close();
  }
}

const sendSeconds = (r: Run): number => (r.lastSentMs - r.runStartedMs) / 1000;
const rate = (r: Run): number => r.sent / sendSeconds(r);
const perSendMs = (r: Run): number => (sendSeconds(r) * 1000) / r.sent;

const rows: (string | number)[][] = [];
const results = new Map<string, Run>();
for (const leads of [SMALL, LARGE]) {
  const fixture = await createFixture(`send-${leads}`, { leads, steps: 1, pacing: openPacing({ api: true }), accounts: ACCOUNTS });
  try {
    for (const fsync of [true, false]) {
      const r = await measure(fixture, leads, fsync, fsync ? "fsync" : "nofsync");
      results.set(`${leads}/${fsync}`, r);
      rows.push([
        `${int(leads)} leads, fsync ${fsync ? "on" : "off"}`,
        int(rate(r)),
        fixed(perSendMs(r), 3),
        secs(sendSeconds(r) * 1000),
        secs(r.runStartedMs),
        mb(r.maxRssKb),
      ]);
    }
  } finally {
    await fixture.cleanup();
  }
}
printTable(
  "Send throughput, full live path, all limits off, 8 accounts, 1 step (sandbox in its own process on loopback)",
  ["run", "sends/s", "ms/send", "sending", "start-up", "peak RSS"],
  rows,
);
for (const fsync of [true, false]) {
  const small = results.get(`${SMALL}/${fsync}`)!;
  const large = results.get(`${LARGE}/${fsync}`)!;
  const scaling = perSendMs(large) / perSendMs(small);
  note(
    `fsync ${fsync ? "on " : "off"}: ${int(LARGE)} leads ${int(rate(large))} sends/s (target ≥ ${TARGET_RATE}) ${verdict(rate(large) >= TARGET_RATE)}; ` +
      `per-send ${int(LARGE)} / ${int(SMALL)}: ${fixed(scaling)}× (target ≤ ${TARGET_SCALING}×) ${verdict(scaling <= TARGET_SCALING)}`,
  );
}
