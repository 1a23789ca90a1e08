/**
 * The terminal experience as a person sees it: the built CLI in a real pseudo-terminal (tmux) at 60
 * and 120 columns, judged by the screen. A first live start asks before sending; a capped run names
 * the cap and the account with a countdown that moves; a resume does not ask; narrow terminals keep
 * the blocker visible. The sandbox's record says what was actually sent.
 */
import { afterEach, describe, expect, it } from "vitest";
import { useSandboxCampaign } from "../support/sandbox-campaign.js";
import { TmuxTerminal } from "../support/tmux.js";

const ACCOUNTS = ["acct1pty"];
const { setUp } = useSandboxCampaign(ACCOUNTS);
let term: TmuxTerminal | undefined;

afterEach(() => {
  term?.close();
  term = undefined;
});

/** The countdown on the status line, e.g. "59m 58s". */
function countdown(screen: string): string | undefined {
  return /waiting (\d+m(?: \d+s)?|\d+s) · hourly cap/.exec(screen)?.[1];
}

describe.each([60, 120])("a live run in a %i-column terminal", (cols) => {
  it("asks before the first send, then shows the hourly cap of the account with a moving countdown; a resume does not ask", async () => {
    const { sandbox, fixture, env } = await setUp(5, {}, { perAccount: { perHour: 2, gap: "0s" }, followUps: 0 });
    term = new TmuxTerminal(["run", fixture.yamlPath], { cols, rows: 24, env });
    const asked = await term.waitFor((s) => s.includes("Send for real now?"), "the confirmation question");
    expect(asked).toContain("About to start");
    expect(sandbox.messages()).toHaveLength(0);
    term.send("y", "Enter");

    const first = await term.waitFor((s) => countdown(s) !== undefined, "the hourly cap on the status line");
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(2);
    expect(first).toMatch(cols >= 120 ? /hourly cap: acct1pty · until .+ — account acct1pty reached its hourly cap/ : /hourly cap: acct1pty/);
    // Every row fits the terminal: the status block never wraps.
    expect(term.screen().every((row) => row.length <= cols)).toBe(true);
    const before = countdown(first);
    const later = await term.waitFor((s) => countdown(s) !== undefined && countdown(s) !== before, "the countdown to move", 15_000);
    expect(countdown(later)).not.toBe(before);

    term.send("C-c");
    const stopped = await term.waitFor(() => term?.exitStatus() !== undefined, "the run to stop");
    expect(term.exitStatus(), stopped).toBe(130);
    term.close();

    // The resume shows the summary without asking, and waits on the same cap (2 sends in the last hour).
    term = new TmuxTerminal(["run", fixture.yamlPath], { cols, rows: 24, env });
    const resumed = await term.waitFor((s) => countdown(s) !== undefined, "the resumed run to wait on the cap");
    expect(resumed).toContain("Resuming");
    expect(resumed).not.toContain("Send for real now?");
    expect(sandbox.messages({ direction: "outbound" })).toHaveLength(2);
    term.send("C-c");
    await term.waitFor(() => term?.exitStatus() !== undefined, "the run to stop");
  }, 180_000);
});
