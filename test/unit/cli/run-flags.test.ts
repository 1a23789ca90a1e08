import { describe, expect, it } from "vitest";
import { settleRunFlags, type RunFlags } from "../../../src/cli/commands/run-flags.js";
import { UserError } from "../../../src/errors.js";

const defaults: RunFlags = { format: "text", preview: 3, maxConsecutiveFailures: 5 };

/** Flags as commander leaves them, with the names the user typed marked as such. */
function settle(typed: Partial<RunFlags>): RunFlags {
  const flags = { ...defaults, ...typed };
  return settleRunFlags(flags, { getOptionValueSource: (name: string) => (name in typed ? "cli" : name in defaults ? "default" : undefined) });
}

function errorOf(typed: Partial<RunFlags>): string {
  try {
    settle(typed);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error("expected a usage error");
}

describe("settleRunFlags", () => {
  it.each<[string, Partial<RunFlags>, string]>([
    ["--reply-rate without --sandbox", { replyRate: 0.5 }, "--reply-rate only applies to a --sandbox rehearsal"],
    ["several sandbox flags", { realtime: true, seed: "x" }, "--realtime, --seed only apply to a --sandbox rehearsal"],
    ["--out without --dry-run", { out: "p.txt" }, "--out only applies to a preview"],
    ["--from-scratch without --dry-run", { fromScratch: true }, "--from-scratch only applies to a preview"],
    ["--html without --sandbox", { html: "r.html" }, "--html only applies to a --sandbox rehearsal"],
    ["an unknown extension", { dryRun: true, out: "p.pdf" }, 'unknown preview format ".pdf"'],
    ["--json against --format text", { dryRun: true, json: true, format: "text" }, "--json and --format text disagree"],
  ])("%s is a usage error", (_name, typed, message) => {
    expect(errorOf(typed)).toContain(message);
  });

  it.each<[string, Partial<RunFlags>, RunFlags["format"]]>([
    ["--dry-run --json", { dryRun: true, json: true }, "json"],
    ["--out x.json", { dryRun: true, out: "x.json" }, "json"],
    ["--out x.txt", { dryRun: true, out: "x.txt" }, "text"],
    ["--out x (no extension)", { dryRun: true, out: "x" }, "text"],
    ["--out x.html (the page; the terminal keeps text)", { dryRun: true, out: "x.html" }, "text"],
  ])("%s → format %s", (_name, typed, format) => {
    expect(settle(typed).format).toBe(format);
  });

  it("--dry-run --html: the flag is out of place; nothing claims a live run would send", () => {
    const message = errorOf({ dryRun: true, html: "x.html" });
    expect(message).toContain("--html only applies to a --sandbox rehearsal, not to a --dry-run preview");
    expect(message).not.toMatch(/live run|real DMs/);
  });

  it("sandbox flags with --sandbox are fine", () => {
    expect(settle({ sandbox: true, replyRate: 0.2, seed: "s" })).toMatchObject({ sandbox: true, replyRate: 0.2 });
  });
});
