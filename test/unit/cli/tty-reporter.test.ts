import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createReporter } from "../../../src/cli/report/reporter.js";
import type { EngineEvent } from "../../../src/engine/events.js";
import { ACCOUNT, T0, makeCampaign } from "../engine/fakes.js";

/** A terminal of `columns` that keeps what was written (escape sequences stripped), for the last status block. */
function terminal(columns = 200): Writable & { columns: number; isTTY: boolean; text: () => string } {
  let written = "";
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      written += chunk.toString();
      done();
    },
  }) as Writable & { columns: number; isTTY: boolean; text: () => string };
  out.columns = columns;
  out.isTTY = true;
  // The block as last drawn: what follows the last erase of its first line.
  out.text = () => written.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "\u0000").split("\u0000").at(-1) ?? "";
  return out;
}

const started = (resumed: boolean): EngineEvent => ({
  type: "run.started",
  at: T0,
  campaign: "Unit",
  leads: 6,
  accounts: [ACCOUNT],
  firstStep: "intro",
  resumed,
  toStart: 4,
  inProgress: 2,
  finished: 0,
});

describe("the live status block", () => {
  it("a resumed run labels its counters as this run's, so 'nothing sent yet' is not read as the campaign's", () => {
    const out = terminal();
    const r = createReporter({ mode: "tty", out, campaign: makeCampaign(), now: () => T0, suppression: { kind: "none" } });
    r.emit(started(true));
    expect(out.text()).toContain("this run: nothing sent yet");
    r.close();
  });

  it("a first run's counters are the campaign's: no label", () => {
    const out = terminal();
    const r = createReporter({ mode: "tty", out, campaign: makeCampaign(), now: () => T0, suppression: { kind: "none" } });
    r.emit(started(false));
    expect(out.text()).toContain("\nnothing sent yet");
    expect(out.text()).not.toContain("this run");
    r.close();
  });

  it("a reply while the run only keeps leads open does not turn the line back to 'sending'", () => {
    const out = terminal();
    const r = createReporter({ mode: "tty", out, campaign: makeCampaign(), now: () => T0 + 60_000, suppression: { kind: "none" } });
    r.emit(started(false));
    r.emit({ type: "waiting", at: T0, until: T0 + 86_400_000, reason: "replies", detail: "contacted leads stay open for replies (replies.keepOpenFor)" });
    r.emit({ type: "lead.replied", at: T0 + 60_000, leadId: "1", text: "thanks", via: "events" } as EngineEvent);
    r.emit({ type: "lead.actions", at: T0 + 60_000, leadId: "1", stepId: "thanks", tags: ["warm"] } as EngineEvent);
    const last = out.text();
    expect(last).toContain("open for replies");
    expect(last).not.toMatch(/sending ·/);
    r.close();
  });
});
