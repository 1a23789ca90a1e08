/**
 * One line per engine event, in words: the formatter table every reporter mode shares. The
 * `Formatters` mapped type makes a forgotten event type a compile error.
 */
import type { EngineEvent } from "../../engine/events.js";
import type { Preflight } from "../../engine/preflight.js";
import { formatSummary } from "./run-summary.js";
import { formatInstant, formatSpan } from "./time.js";
import type { Style } from "./style.js";
import { commandName } from "../../platform/invocation.js";

/** What every output mode implements (tty, plain, json: see reporter.ts). */
export interface Reporter {
  emit(event: EngineEvent): void;
  /** A free-form notice (startup messages, warnings about state changes). */
  note(level: "info" | "warn", message: string): void;
  /** What a live run is about to do, before it sends anything. */
  preflight(summary: Preflight): void;
  close(): void;
}

/** Where an opt-out goes, for the words of the `lead.opted-out` line. */
export type SuppressionTarget = { kind: "file"; path: string } | { kind: "none" } | { kind: "rehearsal" };

export interface Ctx {
  s: Style;
  tz: string;
  limit?: number;
  suppression: SuppressionTarget;
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
  "lead.opted-out": (e, c) => `${c.s.yellow("opted out")} ${e.leadId} (${e.reason}): no more messages; ${suppressionWords(c.suppression)}`,
  "lead.needs-review": (e, c) =>
    `${c.s.yellow("to review")} ${e.leadId} (${e.reason}): no reply step, nothing more sent until a person decides with: ${commandName()} review <campaign>`,
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

function suppressionWords(target: SuppressionTarget): string {
  switch (target.kind) {
    case "file":
      return `added to ${target.path}`;
    case "none":
      return "no suppression file is set (add `suppression:` to campaign.yaml to keep them out of later campaigns)";
    case "rehearsal":
      return "suppressed for this rehearsal (the real suppression list is not touched)";
  }
}

export function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}
