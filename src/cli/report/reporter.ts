/**
 * Turns engine events into output. One formatter per event type (the `Formatters` mapped type makes
 * a forgotten one a compile error). Three modes:
 *  - `tty`: important lines scroll above a live progress line (counts per step, rate, ETA, what it waits for);
 *  - `plain`: one timestamped log line per event worth reading, for files and CI;
 *  - `json`: every event as one JSON object per line, for scripts.
 * This module and its siblings are the only code that writes to stdout.
 */
import type { EngineEvent, RunSummary } from "../../engine/events.js";
import { formatInstant, formatSpan } from "./time.js";
import { safeStrings, safeText } from "./safe-text.js";
import { paint, type Style } from "./style.js";

export type ReportMode = "tty" | "plain" | "json";

export interface Reporter {
  emit(event: EngineEvent): void;
  /** A free-form notice (startup messages, warnings about state changes). */
  note(level: "info" | "warn", message: string): void;
  close(): void;
}

interface Ctx {
  s: Style;
  tz: string;
}

type Formatters = { [K in EngineEvent["type"]]: (e: Extract<EngineEvent, { type: K }>, c: Ctx) => string | null };

const formatters: Formatters = {
  "run.started": (e, c) =>
    `${c.s.bold(e.campaign)}: ${e.leads} leads (${e.toStart} to start, ${e.inProgress} in progress, ${e.finished} finished) from ${e.accounts.length} account${e.accounts.length === 1 ? "" : "s"}${e.resumed ? c.s.dim(" — resumed from the state file") : ""}`,
  "leads.problem": (e, c) => `${c.s.yellow("skip")} line ${e.line}: ${e.message}`,
  "reconcile.started": (e) => `checking ${e.count} send${e.count === 1 ? "" : "s"} left uncertain by the last run before sending anything`,
  "reconcile.resolved": (e, c) =>
    e.outcome === "delivered"
      ? `${c.s.green("confirmed")} ${e.leadId} ${e.stepId}: was delivered (message ${e.messageId ?? "?"}); not sending again`
      : e.outcome === "not-delivered"
        ? `${c.s.cyan("reconciled")} ${e.leadId} ${e.stepId}: not delivered; it will be sent`
        : `${c.s.yellow("unknown")} ${e.leadId} ${e.stepId}: the API could not be read; will check again`,
  "lead.sent": (e, c) => `${c.s.green("sent")} ${e.stepId} → ${e.leadId} ${c.s.dim(`from ${e.account}`)}`,
  "lead.failed": (e, c) => `${c.s.red("failed")} ${e.stepId} → ${e.leadId}: ${e.reason}`,
  "lead.skipped": (e, c) => `${c.s.dim("skipped")} ${e.stepId} → ${e.leadId}: ${e.reason}`,
  "lead.replied": (e, c) => `${c.s.cyan("reply")} from ${e.leadId}${e.afterStep ? ` after ${e.afterStep}` : ""} ${c.s.dim(`(${e.via})`)}: “${truncate(e.text, 60)}”`,
  "lead.opted-out": (e, c) => `${c.s.yellow("opted out")} ${e.leadId} (${e.reason}): no more messages; added to the suppression file`,
  "lead.needs-review": (e, c) =>
    `${c.s.yellow("to review")} ${e.leadId} (${e.reason}): no reply step, nothing more sent until a person decides with: outreach review <campaign>`,
  "lead.actions": (e) =>
    `actions for ${e.leadId} (${e.stepId}): ${[e.status ? `status ${e.status}` : "", e.tags.length ? `tags ${e.tags.join(", ")}` : "", e.assignedTo ? `assigned to ${e.assignedTo}` : "", e.markedDone ? "marked done" : ""].filter(Boolean).join("; ")}`,
  "lead.retrying": (e, c) => `${c.s.cyan("retrying")} ${e.stepId} → ${e.leadId} (it failed earlier: ${e.previousReason})`,
  "send.retry": (e, c) => `${c.s.yellow("retry")} ${e.stepId} → ${e.leadId}: ${e.reason}; next try ${formatInstant(e.retryAt, c.tz)}`,
  "rate.held": (e, c) => `${c.s.yellow("holding")} all requests until ${formatInstant(e.until, c.tz)}: ${e.reason}`,
  "clock.skew": (e, c) =>
    `${c.s.yellow("clock")} this machine's clock is ${formatSpan(Math.abs(e.offsetMs))} ${e.offsetMs < 0 ? "ahead of" : "behind"} the Inbox API's. Sends and replies are matched in the API's time, so nothing is sent twice, but sending windows and follow-up delays run on this clock: set it right (enable NTP).`,
  waiting: (e, c) => `${c.s.dim("waiting")} until ${formatInstant(e.until, c.tz)} (${formatSpan(e.until - e.at)}): ${e.detail}`,
  "replies.gap": (e, c) => `${c.s.yellow("replies")} ${e.message}`,
  "run.stopping": (e) => `stopping: letting ${e.inFlight} send${e.inFlight === 1 ? "" : "s"} in flight finish…`,
  "run.finished": (e, c) => formatSummary(e.summary, e.outcome, c),
};

export function formatEvent(event: EngineEvent, c: Ctx): string | null {
  return (formatters[event.type] as (e: EngineEvent, c: Ctx) => string | null)(event, c);
}

export function formatSummary(sum: RunSummary, outcome: string, c: Ctx): string {
  const lines = [
    "",
    c.s.bold(`Run ${outcome}`) + c.s.dim(` — ${formatInstant(sum.startedAt, c.tz)} → ${formatInstant(sum.endedAt, c.tz)} (${formatSpan(sum.endedAt - sum.startedAt)} of campaign time)`),
    `  leads ${sum.leads} · finished ${sum.finished} · replied ${sum.replied} (${pct(sum.replied, contacted(sum))} of contacted) · opted out ${sum.optedOut}${sum.needsReview > 0 ? ` · to review ${sum.needsReview}` : ""} · failed ${sum.failedLeads} · sent this run ${sum.sentThisRun}`,
    `  ${pad("step", 14)}${pad("sent", 7)}${pad("failed", 8)}${pad("skipped", 9)}${pad("pending", 9)}replies`,
    ...sum.steps.map(
      (st) => `  ${pad(`${st.stepId}${st.kind === "reply" ? " ↩" : ""}`, 14)}${pad(String(st.sent), 7)}${pad(String(st.failed), 8)}${pad(String(st.skipped), 9)}${pad(String(st.pending), 9)}${st.kind === "sequence" ? String(st.replies) : ""}`,
    ),
  ];
  if (sum.nextDueAt !== undefined) lines.push(`  next due: ${formatInstant(sum.nextDueAt, c.tz)}`);
  if (sum.pausedReason) lines.push(`  ${c.s.yellow("paused:")} ${sum.pausedReason}`);
  return lines.join("\n");
}

export function createReporter(opts: { mode: ReportMode; out: NodeJS.WritableStream & { isTTY?: boolean }; timezone: string }): Reporter {
  const c: Ctx = { s: paint(opts.mode === "json" ? {} : opts.out), tz: opts.timezone };
  const write = (line: string): void => void opts.out.write(`${line}\n`);
  if (opts.mode === "json") {
    return {
      emit: (e) => write(JSON.stringify(e)),
      note: (level, message) => write(JSON.stringify({ type: "note", level, message })),
      close: () => undefined,
    };
  }
  if (opts.mode === "plain") {
    return {
      emit: (event) => {
        // CSV values, reply texts and API messages reach a person: escapes made visible (safe-text.ts).
        const e = safeStrings(event);
        // Short pacing pauses between two sends are routine; a log line each would drown the sends.
        if (e.type === "waiting" && e.reason === "pacing" && e.until - e.at < 5 * 60_000) return;
        const line = formatEvent(e, c);
        if (line !== null) write(e.type === "run.finished" ? line : `${formatInstant(e.at, c.tz)}  ${line}`);
      },
      note: (level, message) => write(level === "warn" ? `${c.s.yellow("warning")} ${safeText(message)}` : safeText(message)),
      close: () => undefined,
    };
  }
  return new TtyReporter(opts.out, c);
}

/** Scrolling lines plus one live progress line, redrawn in place. */
class TtyReporter implements Reporter {
  private progress = "";
  private readonly sent = new Map<string, number>();
  private failed = 0;
  private replies = 0;
  /** First messages still to send, for the ETA. */
  private remaining = 0;
  private firstStep = "";
  /** Campaign-clock instants of recent sends (rate over campaign time, so a rehearsal reads right too). */
  private readonly recent: number[] = [];
  private waitingLine = "";

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly c: Ctx,
  ) {}

  emit(event: EngineEvent): void {
    const e = safeStrings(event);
    if (e.type === "run.started") {
      this.remaining = e.toStart;
      this.firstStep = e.firstStep;
    }
    if (e.type === "lead.sent") {
      this.sent.set(e.stepId, (this.sent.get(e.stepId) ?? 0) + 1);
      this.recent.push(e.at);
      if (this.recent.length > 50) this.recent.shift();
      if (e.stepId === this.firstStep) this.remaining = Math.max(0, this.remaining - 1);
    }
    if (e.type === "lead.failed") this.failed++;
    if (e.type === "lead.replied") this.replies++;
    this.waitingLine = e.type === "waiting" ? formatEvent(e, this.c) ?? "" : "";
    // Per-send lines would flood a terminal; the progress line carries them.
    const line = e.type === "lead.sent" || e.type === "waiting" ? null : formatEvent(e, this.c);
    this.clear();
    if (line !== null) this.out.write(`${line}\n`);
    if (e.type !== "run.finished") this.draw(e.at);
  }

  note(level: "info" | "warn", message: string): void {
    this.clear();
    this.out.write(`${level === "warn" ? `${this.c.s.yellow("warning")} ` : ""}${safeText(message)}\n`);
  }

  close(): void {
    this.clear();
  }

  private draw(at: number): void {
    const perStep = [...this.sent].map(([k, v]) => `${k} ${v}`).join(" · ") || "nothing sent yet";
    const parts = [perStep, `failed ${this.failed}`, `replies ${this.replies}`];
    // Rate and ETA only once there is a sample worth extrapolating from.
    const first = this.recent[0];
    const last = this.recent[this.recent.length - 1];
    if (this.recent.length >= 5 && first !== undefined && last !== undefined && last > first) {
      const perHour = ((this.recent.length - 1) / (last - first)) * 3_600_000;
      parts.push(`${perHour.toFixed(perHour < 10 ? 1 : 0)}/h`);
      if (this.remaining > 0) parts.push(`ETA ${formatSpan((this.remaining / perHour) * 3_600_000)} (first messages, at this rate)`);
    }
    if (this.waitingLine) parts.push(this.waitingLine);
    const width = Math.max(40, (this.out.columns ?? 120) - 1);
    const plain = `${formatInstant(at, this.c.tz)}  ${parts.join(" · ")}`;
    this.progress = plain.length > width ? `${plain.slice(0, width - 1)}…` : plain;
    this.out.write(this.progress);
  }

  private clear(): void {
    if (this.progress) this.out.write("\r\u001b[2K");
    this.progress = "";
  }
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + " ".repeat(n - s.length);
}

function contacted(sum: RunSummary): number {
  return sum.steps[0] ? sum.steps[0].sent : 0;
}

function pct(a: number, b: number): string {
  return b === 0 ? "0%" : `${((a / b) * 100).toFixed(1)}%`;
}
