/**
 * The terminal display of a run: dated lines scroll above a two-line status block, redrawn in place.
 *   line 1 — progress: sent per step, leads still to start, replies, failures (they move as the run goes);
 *   line 2 — what happens now: sending (rate, ETA of the first messages with caps and windows applied),
 *            or the real blocker (an account's cap, the sending window, a follow-up's delay, a team-quota
 *            hold or Retry-After) with a countdown that moves every second.
 * Each line is cut to the terminal's width with the most important part first, so 60 columns keep
 * the counts and the blocker; the block is never wider than the terminal, so it never wraps.
 */
import { safeStrings, safeText } from "./safe-text.js";
import type { Campaign } from "../../config/types.js";
import type { EngineEvent, WaitReason } from "../../engine/events.js";
import type { Preflight } from "../../engine/preflight.js";
import { projectSchedule } from "../../schedule/projection.js";
import { formatPreflight } from "./preflight.js";
import { formatEvent, type Ctx, type Reporter } from "./event-lines.js";
import { formatInstant, formatSpan } from "./time.js";

/** How often the countdown moves (ms of wall time). */
const TICK_MS = 1000;
/** The ETA's projection is recomputed at most this often (ms of wall time): it walks every remaining send. */
const ETA_EVERY_MS = 5000;

type Activity = { kind: "idle" } | { kind: "sending" } | ({ kind: "waiting"; until: number } & WaitReason) | { kind: "held"; until: number; reason: string };

export class TtyReporter implements Reporter {
  private drawn = 0;
  private readonly sent = new Map<string, number>();
  private failed = 0;
  private replies = 0;
  private toStart: number | undefined;
  private firstStep = "";
  /** A resumed run: its counters start at 0 while the campaign already has sends, so they are labelled "this run". */
  private resumed = false;
  /** Campaign-clock instants of recent sends (rate over campaign time, so a rehearsal reads right too). */
  private readonly recent: number[] = [];
  private activity: Activity = { kind: "idle" };
  private eta: { at: number; computedAt: number; toStart: number } | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly c: Ctx,
    private readonly campaign: Pick<Campaign, "accounts" | "pacing" | "sequence">,
    private readonly now: () => number,
  ) {
    // Only a wait has a countdown to move; the timer never keeps the process alive.
    this.timer = setInterval(() => {
      if (this.drawn > 0 && (this.activity.kind === "waiting" || this.activity.kind === "held")) this.draw();
    }, TICK_MS);
    this.timer.unref();
  }

  emit(event: EngineEvent): void {
    // CSV values, reply texts and API messages reach a person: escapes made visible (safe-text.ts).
    const e = safeStrings(event);
    this.track(e);
    // Per-send lines would flood a terminal and waits live in the status block; the rest scroll, dated.
    const line = e.type === "lead.sent" || e.type === "waiting" ? null : formatEvent(e, this.c);
    this.clear();
    if (line !== null) this.out.write(e.type === "run.finished" ? `${line}\n` : `${formatInstant(e.at, this.c.tz)}  ${line}\n`);
    if (e.type !== "run.finished") this.draw();
  }

  note(level: "info" | "warn", message: string): void {
    this.clear();
    this.out.write(`${level === "warn" ? `${this.c.s.yellow("warning")} ` : ""}${safeText(message)}\n`);
    if (this.toStart !== undefined) this.draw();
  }

  preflight(p: Preflight): void {
    this.clear();
    this.out.write(`${formatPreflight(p, this.c.tz, this.c.s, this.now()).join("\n")}\n`);
  }

  close(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private track(e: EngineEvent): void {
    switch (e.type) {
      case "run.started":
        this.toStart = e.toStart;
        this.firstStep = e.firstStep;
        this.resumed = e.resumed;
        this.activity = { kind: "sending" };
        return;
      case "lead.sent":
        this.sent.set(e.stepId, (this.sent.get(e.stepId) ?? 0) + 1);
        this.recent.push(e.at);
        if (this.recent.length > 50) this.recent.shift();
        this.leftStart(e.stepId);
        this.activity = { kind: "sending" };
        return;
      case "lead.failed":
        this.failed++;
        this.leftStart(e.stepId);
        return;
      case "lead.skipped":
        this.leftStart(e.stepId);
        return;
      case "lead.replied":
        this.replies++;
        return;
      case "waiting": {
        const { type: _t, at: _a, ...wait } = e;
        this.activity = { kind: "waiting", ...wait };
        return;
      }
      case "rate.held":
        this.activity = { kind: "held", until: e.until, reason: e.reason };
        return;
      default:
        // A reply, an action or a notice does not end a wait: only its instant passing (or a send) does.
        // Otherwise a reply during keepOpenFor left the line on "sending" with nothing being sent.
        if ((this.activity.kind === "waiting" || this.activity.kind === "held") && this.activity.until <= e.at) this.activity = { kind: "sending" };
    }
  }

  /** A lead's first step was sent, failed or skipped: it is no longer waiting to start. */
  private leftStart(stepId: string): void {
    if (stepId === this.firstStep && this.toStart !== undefined) this.toStart = Math.max(0, this.toStart - 1);
  }

  private draw(): void {
    const width = Math.max(20, (this.out.columns ?? 120) - 1);
    const now = this.now();
    const perStep = [...this.sent].map(([k, v]) => `${k} ${v}`).join(" · ") || "nothing sent yet";
    const progress = [this.resumed ? `this run: ${perStep}` : perStep, `to start ${this.toStart ?? "?"}`, `replies ${this.replies}`, `failed ${this.failed}`].join(" · ");
    const lines = [fit(progress, width), fit(this.activityLine(now), width)];
    this.clear();
    this.out.write(lines.join("\n"));
    this.drawn = lines.length;
  }

  private activityLine(now: number): string {
    const clock = formatInstant(now, this.c.tz);
    const a = this.activity;
    if (a.kind === "waiting") {
      return `waiting ${countdown(a.until, now)} · ${shortReason(a)} · until ${formatInstant(a.until, this.c.tz)} — ${a.detail}`;
    }
    if (a.kind === "held") return `held ${countdown(a.until, now)} · team quota: ${a.reason} · until ${formatInstant(a.until, this.c.tz)}`;
    const parts = [a.kind === "idle" ? "starting" : "sending"];
    const rate = this.ratePerHour();
    if (rate !== undefined) parts.push(`${rate.toFixed(rate < 10 ? 1 : 0)}/h`);
    parts.push(this.etaText(now), clock);
    return parts.join(" · ");
  }

  /** Sends per hour of campaign time over the recent sends, once there is a sample worth extrapolating from. */
  private ratePerHour(): number | undefined {
    const first = this.recent[0];
    const last = this.recent[this.recent.length - 1];
    if (this.recent.length < 5 || first === undefined || last === undefined || last <= first) return undefined;
    return ((this.recent.length - 1) / (last - first)) * 3_600_000;
  }

  /**
   * When the last first message goes out, projected with the campaign's caps, gaps and windows (the
   * dry run's projection) from now — not extrapolated from a rate, which knows nothing of an hourly
   * cap or a closed window. Follow-ups are not counted: who replies decides them.
   */
  private etaText(now: number): string {
    const toStart = this.toStart;
    if (toStart === undefined) return "ETA: cannot estimate yet";
    if (toStart === 0) return "every first message sent";
    const wall = Date.now();
    if (!this.eta || (this.eta.toStart !== toStart && wall - this.eta.computedAt >= ETA_EVERY_MS)) {
      try {
        const p = projectSchedule({
          start: now,
          leads: toStart,
          accounts: Math.max(1, this.campaign.accounts.length),
          pacing: this.campaign.pacing,
          sequenceDelaysMs: [0],
        });
        this.eta = { at: p.lastFirstStepAt, computedAt: wall, toStart };
      } catch {
        return "ETA: cannot estimate";
      }
    }
    return `ETA first messages ${formatInstant(Math.max(this.eta.at, now), this.c.tz)} (${formatSpan(Math.max(0, this.eta.at - now))}, caps & windows)`;
  }

  private clear(): void {
    if (this.drawn === 0) return;
    // To the start of the block: clear each of its lines, bottom up.
    let seq = "\r\u001b[2K";
    for (let i = 1; i < this.drawn; i++) seq += "\u001b[1A\u001b[2K";
    this.out.write(seq);
    this.drawn = 0;
  }
}

/** The blocker in a few words, so it survives a narrow terminal. */
function shortReason(w: WaitReason): string {
  switch (w.reason) {
    case "pacing":
      return w.cap === "hourly" ? `hourly cap: ${w.account}` : w.cap === "daily" ? `daily cap: ${w.account}` : w.account ? `gap: ${w.account}` : "account pacing";
    case "window":
      return "sending window closed";
    case "follow-up":
      return "follow-up delay";
    case "replies":
      return "open for replies";
    case "retry":
      return "retry";
  }
}

function countdown(until: number, now: number): string {
  return until > now ? formatSpan(until - now) : "any moment";
}

/** Cuts a line to `width` characters (an ellipsis marks the cut). */
function fit(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
