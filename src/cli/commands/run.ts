/** `outreach run campaign.yaml`: the dry run, the live run, and the sandbox rehearsal. */
import { Command, Option } from "commander";
import { displayPath, loadCampaign } from "../../config/load.js";
import type { Campaign } from "../../config/types.js";
import { commandName } from "../../platform/invocation.js";
import { outputClosed } from "../output.js";
import { createReporter, type ReportMode, type SuppressionTarget } from "../report/reporter.js";
import { confirmStart } from "./confirm-start.js";
import { instant, int, range, ratio, settleRunFlags, type RunFlags } from "./run-flags.js";

export function runCommand(): Command {
  return new Command("run")
    .argument("<campaign>", "the campaign.yaml")
    .option("--dry-run", "render every message and show the schedule; send nothing (no token needed)")
    .addOption(new Option("--format <format>", "dry run: output format (--json is the same as --format json)").choices(["text", "json"]).default("text"))
    .option("--out <file>", "dry run: write the full preview (every lead × step) to this file; .txt = text, .json = JSON lines, .html = a page")
    .option("--preview <n>", "dry run: leads shown per step on the terminal", int("--preview", 0), 3)
    .option("--start <instant>", "dry run: project the schedule from this ISO instant instead of now", instant)
    .option("--lookup", "dry run: also check, read-only and with the token, which leads are already in conversation with the team")
    .option("--from-scratch", "dry run of a started campaign: preview every lead as if nothing had been sent yet")
    .option("--allow-partial", "accept a campaign where some leads cannot be sent (they are skipped or marked failed)")
    .option("--sandbox", "rehearse against an embedded Inbox API simulator (no account, no network, throwaway state)")
    .option("--realtime", "sandbox: keep wall-clock time instead of the simulated clock")
    .option("--reply-rate <0..1>", "sandbox: share of prospects who reply", ratio("--reply-rate"))
    .option("--reply-delay <range>", 'sandbox: how long prospects take to reply, e.g. "10m-6h"', range)
    .option("--reply-text <text...>", "sandbox: what prospects reply (one picked per prospect)")
    .option("--unreachable-rate <0..1>", "sandbox: share of prospects whose DMs are closed", ratio("--unreachable-rate"))
    .option("--seed <seed>", "sandbox: seed for who replies and what they say")
    .option("--html <file>", "sandbox: write the campaign report (HTML) at the end of the rehearsal")
    .option("-y, --yes", "start a campaign's first live run without asking (needed without a terminal, e.g. cron)")
    .option("--once", "do only what is due now, then exit (for cron, with --yes on the first run)")
    .option("--limit <n>", "send at most N messages in this run", int("--limit", 1))
    .option("--json", "print one JSON event per line (with --dry-run: --format json)")
    .option("--retry-failed", "give leads whose step failed (e.g. before the Outbound add-on was bought) another attempt")
    .option("--accept-changes", "continue although the CSV, steps or accounts changed in ways that could message people again")
    .option("--repair-state", "continue although the state journal is missing or belongs to another state file (leads messaged since the state file was last saved could be messaged again)")
    .option("--max-consecutive-failures <n>", "pause after N failures of the same kind in a row", int("--max-consecutive-failures", 1), 5)
    .action(async (file: string, typed: RunFlags, cmd: Command) => {
      // Flags first: a misplaced flag is a usage error before any file is read.
      const flags = settleRunFlags(typed, cmd);
      const campaign = await loadCampaign(file);
      // Each mode loads its own modules: a dry run never needs the API client, the sandbox or Redis.
      if (flags.dryRun) return (await import("./dry-run.js")).runDryRun(campaign, flags);
      return flags.sandbox ? rehearse(campaign, flags) : live(campaign, flags);
    });
}

function reporterFor(campaign: Campaign, flags: RunFlags, now: () => number = Date.now) {
  const mode: ReportMode = flags.json ? "json" : process.stdout.isTTY ? "tty" : "plain";
  const suppression: SuppressionTarget = flags.sandbox
    ? { kind: "rehearsal" }
    : campaign.suppressionFile
      ? { kind: "file", path: displayPath(campaign.suppressionFile) }
      : { kind: "none" };
  // A rehearsal prints thousands of lines a second of wall time: written in batches (line-batcher.ts).
  const batch = flags.sandbox === true;
  return createReporter({ mode, out: process.stdout, campaign, now, suppression, batch, ...(flags.limit !== undefined ? { limit: flags.limit } : {}) });
}

async function live(campaign: Campaign, flags: RunFlags): Promise<void> {
  const { runLive } = await import("../../platform/live-run.js");
  const reporter = reporterFor(campaign, flags);
  try {
    await runLive(campaign, {
      ...common(flags),
      env: process.env,
      emit: (e) => reporter.emit(e),
      note: (level, m) => reporter.note(level, m),
      preflight: async (summary) => {
        reporter.preflight(summary);
        await confirmStart(summary, {
          yes: flags.yes === true,
          interactive: !flags.json && process.stdin.isTTY === true && process.stdout.isTTY === true,
          retry: `${commandName()} ${process.argv.slice(2).map(shellQuote).join(" ")} --yes`,
        });
      },
    });
  } finally {
    reporter.close();
  }
}

async function rehearse(campaign: Campaign, flags: RunFlags): Promise<void> {
  const [{ startRehearsal }, { runLive }, { printRehearsalSummary }] = await Promise.all([
    import("../../platform/rehearsal.js"),
    import("../../platform/live-run.js"),
    import("../report/rehearsal-summary.js"),
  ]);
  const rehearsal = await startRehearsal(campaign, {
    realtime: flags.realtime === true,
    ...(flags.replyRate !== undefined ? { replyRate: flags.replyRate } : {}),
    ...(flags.replyDelay !== undefined ? { replyDelayMs: flags.replyDelay } : {}),
    ...(flags.replyText !== undefined ? { replyTexts: flags.replyText } : {}),
    ...(flags.unreachableRate !== undefined ? { unreachableRate: flags.unreachableRate } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
  });
  const reporter = reporterFor(campaign, flags, () => rehearsal.clock.now());
  reporter.note(
    "info",
    `Rehearsal against the embedded sandbox (${flags.realtime ? "real time" : "simulated clock"}); the real state file and suppression list are not touched.`,
  );
  const wallStart = Date.now();
  try {
    const result = await runLive(campaign, {
      ...common(flags),
      env: {},
      solo: true,
      // In-process: the same client and sandbox pipeline without loopback HTTP (most of the CPU it cost).
      connection: { baseUrl: rehearsal.sandbox.url, token: rehearsal.sandbox.token, fetch: rehearsal.sandbox.fetch },
      clock: rehearsal.clock,
      stateFile: rehearsal.stateFile,
      suppressionFile: rehearsal.suppressionFile,
      // The rehearsal's state is a temp file deleted at the end: an fdatasync per send would only make
      // the process wait on the disk (most of a 10,000-lead rehearsal's wall time was spent so).
      fsync: false,
      openJournal: rehearsal.openJournal,
      // A simulated clock only needs to notice replies in time; polling every 30 simulated seconds
      // through a week-long reply window would be ~20,000 requests for nothing.
      ...(flags.realtime ? {} : { pollIntervalMs: Math.max(campaign.replies.pollIntervalMs, 15 * 60_000) }),
      emit: (e) => reporter.emit(e),
      note: (level, m) => reporter.note(level, m),
    });
    reporter.close();
    if (!flags.json) printRehearsalSummary(process.stdout, campaign, result.summary, rehearsal.sandbox, Date.now() - wallStart);
    if (flags.html) {
      const [{ readStateSnapshot }, { writeReportFile }] = await Promise.all([import("../../state/load.js"), import("../../html/report-file.js")]);
      const snapshot = await readStateSnapshot(rehearsal.stateFile);
      if (snapshot) await writeReportFile(flags.html, campaign, snapshot, rehearsal.clock.now());
      if (!flags.json) process.stdout.write(`report written to ${flags.html} (open it in a browser)\n`);
    }
  } finally {
    reporter.close();
    await rehearsal.close();
  }
}

/** An argument as a POSIX shell reads it back (quoted only when it needs to be). */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function common(flags: RunFlags) {
  return {
    once: flags.once === true,
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
    acceptChanges: flags.acceptChanges === true,
    repairState: flags.repairState === true,
    retryFailed: flags.retryFailed === true,
    allowPartial: flags.allowPartial === true,
    maxConsecutiveFailures: flags.maxConsecutiveFailures,
    stop: outputClosed.signal,
  };
}
