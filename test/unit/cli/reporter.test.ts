import { describe, expect, it } from "vitest";
import { createReporter, type ReporterOptions } from "../../../src/cli/report/reporter.js";
import type { EngineEvent } from "../../../src/engine/events.js";
import { ACCOUNT, MINUTE, T0, makeCampaign } from "../engine/fakes.js";

/** A stream that keeps what was written, as a terminal of `columns` (or a pipe without). */
function sink(columns?: number): NodeJS.WritableStream & { text: string; columns?: number; isTTY?: boolean } {
  const s = { text: "", write: (chunk: string) => ((s.text += chunk), true) } as unknown as NodeJS.WritableStream & { text: string; columns?: number; isTTY?: boolean };
  if (columns !== undefined) s.columns = columns;
  return s;
}

const campaign = makeCampaign();
const base = (out: ReturnType<typeof sink>, mode: ReporterOptions["mode"], now = () => T0): ReporterOptions => ({ mode, out, campaign, now, suppression: { kind: "none" } });

const started: EngineEvent = { type: "run.started", at: T0, campaign: "Unit", leads: 50, accounts: [ACCOUNT], firstStep: "intro", resumed: false, toStart: 50, inProgress: 0, finished: 0 };
const wait = (at: number, ms: number, detail = "sending window closed"): EngineEvent => ({ type: "waiting", at, until: at + ms, reason: "window", detail });

describe("plain reporter (files, CI)", () => {
  it("drops waits under a minute, prints a run of identical waits once, dates every line", () => {
    const out = sink();
    const r = createReporter(base(out, "plain"));
    r.emit(started);
    r.emit(wait(T0, 30_000));
    r.emit(wait(T0 + MINUTE, 5 * MINUTE, "contacted leads stay open for replies"));
    r.emit(wait(T0 + 6 * MINUTE, 9 * MINUTE, "contacted leads stay open for replies"));
    r.emit(wait(T0 + 15 * MINUTE, 2 * MINUTE, "contacted leads stay open for replies"));
    r.emit({ type: "lead.sent", at: T0 + 20 * MINUTE, leadId: "1", stepId: "intro", account: ACCOUNT, messageId: "m", threadId: "t" });
    r.emit(wait(T0 + 21 * MINUTE, 5 * MINUTE, "contacted leads stay open for replies"));
    const lines = out.text.trim().split("\n");
    expect(lines.filter((l) => l.includes("waiting"))).toHaveLength(2);
    expect(lines.every((l) => /^\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+ {2}/.test(l))).toBe(true);
  });

  it("an opt-out with no suppression file says so instead of claiming a file", () => {
    const out = sink();
    createReporter(base(out, "plain")).emit({ type: "lead.opted-out", at: T0, leadId: "1", reason: "stop" });
    expect(out.text).not.toContain("added to the suppression file");
    expect(out.text).toContain("no suppression file is set");
  });
});

describe("terminal reporter", () => {
  it.each([60, 120])("at %i columns the status block fits and names the blocker with a countdown that moves", (columns) => {
    const out = sink(columns);
    let now = T0;
    const r = createReporter(base(out, "tty", () => now));
    r.emit(started);
    r.emit({ type: "waiting", at: T0, until: T0 + 59 * MINUTE, reason: "pacing", cap: "hourly", account: ACCOUNT, detail: `account ${ACCOUNT} reached its hourly cap (20 sends in the last hour)` });
    const screen = (): string[] => out.text.split(/\r\u001b\[2K|\n|\u001b\[1A\u001b\[2K/).filter(Boolean).slice(-2);
    const first = screen();
    expect(first.every((l) => l.length <= columns)).toBe(true);
    expect(first[0]).toContain("to start 50");
    expect(first[1]).toMatch(/^waiting 59m · hourly cap: acc1/);
    now += 61_000;
    r.emit({ type: "lead.replied", at: now, leadId: "1", via: "events", text: "hi" });
    expect(screen()[1]).toMatch(/^waiting 57m 59s · hourly cap: acc1/);
    r.close();
  });

  it("header counts move: a sent first message leaves 'to start'", () => {
    const out = sink(120);
    const r = createReporter(base(out, "tty"));
    r.emit(started);
    r.emit({ type: "lead.sent", at: T0, leadId: "1", stepId: "intro", account: ACCOUNT, messageId: "m", threadId: "t" });
    expect(out.text).toContain("intro 1 · to start 49");
    r.close();
  });
});
