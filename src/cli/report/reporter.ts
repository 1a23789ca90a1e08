/**
 * Turns engine events into output. One formatter per event type (the `Formatters` mapped type makes
 * a forgotten one a compile error). Three modes:
 *  - `tty`: dated lines scroll above a live status block (counts, rate, ETA, what it waits for and
 *    a countdown), see tty-reporter.ts;
 *  - `plain`: one dated log line per event worth reading, for files and CI: waits under a minute are
 *    routine and left out, and a run of identical waits is one line;
 *  - `json`: every event as one JSON object per line, for scripts.
 * This module and its siblings are the only code that writes to stdout.
 */
import type { Campaign } from "../../config/types.js";
import type { EngineEvent } from "../../engine/events.js";
import type { Preflight } from "../../engine/preflight.js";
import { formatEvent, type Ctx, type Reporter, type SuppressionTarget } from "./event-lines.js";
import { batchedLines, directLines, type LineSink } from "./line-batcher.js";
import { formatPreflight } from "./preflight.js";
import { formatInstant } from "./time.js";
import { paint } from "./style.js";
import { safeStrings, safeText } from "./safe-text.js";
import { TtyReporter } from "./tty-reporter.js";

export type { Reporter, SuppressionTarget } from "./event-lines.js";

export type ReportMode = "tty" | "plain" | "json";


export interface ReporterOptions {
  mode: ReportMode;
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  campaign: Pick<Campaign, "name" | "accounts" | "pacing" | "sequence">;
  /** The run's clock (simulated in a rehearsal), for countdowns. Default Date.now. */
  now?: () => number;
  /** --limit, for the outcome's words. */
  limit?: number;
  suppression: SuppressionTarget;
  /**
   * plain and json modes: gather lines and write them together, within 100 ms (line-batcher.ts), instead
   * of one write(2) each — for the rehearsal, which prints thousands of lines a second. close() writes
   * the rest. Default false: every line is written when it happens.
   */
  batch?: boolean;
}

/** Waits shorter than this are routine between two sends: not worth a log line (ms). */
export const PLAIN_MIN_WAIT_MS = 60_000;

export function createReporter(opts: ReporterOptions): Reporter {
  const c: Ctx = {
    s: paint(opts.mode === "json" ? {} : opts.out),
    tz: opts.campaign.pacing.window.timezone,
    suppression: opts.suppression,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
  };
  const sink = opts.batch ? batchedLines(opts.out) : directLines(opts.out);
  const write = sink.write;
  if (opts.mode === "json") {
    return {
      emit: (e) => write(JSON.stringify(e)),
      note: (level, message) => write(JSON.stringify({ type: "note", level, message })),
      preflight: (p) => write(JSON.stringify({ type: "preflight", ...p })),
      close: sink.flush,
    };
  }
  const now = opts.now ?? Date.now;
  if (opts.mode === "plain") return new PlainReporter(sink, c, now, opts.campaign.pacing.perAccount.gapMaxMs);
  return new TtyReporter(opts.out, c, opts.campaign, now);
}

/** Dated log lines for files and CI. */
class PlainReporter implements Reporter {
  /** The detail of the wait printed last, while nothing else has been printed since. */
  private lastWait: string | undefined;

  private readonly write: (line: string) => void;

  constructor(
    private readonly sink: LineSink,
    private readonly c: Ctx,
    private readonly now: () => number,
    private readonly gapMaxMs: number,
  ) {
    this.write = sink.write;
  }

  emit(event: EngineEvent): void {
    // CSV values, reply texts and API messages reach a person: escapes made visible (safe-text.ts).
    const e = safeStrings(event);
    if (e.type === "waiting") {
      // The random gap between two sends is the campaign's normal rhythm, whatever its length.
      const routine = e.until - e.at < PLAIN_MIN_WAIT_MS || (e.reason === "pacing" && e.cap === "gap" && e.until - e.at <= this.gapMaxMs);
      if (routine || e.detail === this.lastWait) return;
      this.lastWait = e.detail;
    } else {
      this.lastWait = undefined;
    }
    const line = formatEvent(e, this.c);
    if (line !== null) this.write(e.type === "run.finished" ? line : `${formatInstant(e.at, this.c.tz)}  ${line}`);
  }

  note(level: "info" | "warn", message: string): void {
    this.lastWait = undefined;
    this.write(level === "warn" ? `${this.c.s.yellow("warning")} ${safeText(message)}` : safeText(message));
  }

  preflight(p: Preflight): void {
    for (const line of formatPreflight(p, this.c.tz, this.c.s, this.now())) this.write(line);
  }

  close(): void {
    this.sink.flush();
  }
}
