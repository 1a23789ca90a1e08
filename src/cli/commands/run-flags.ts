/**
 * `outreach run`'s flags: their parsers, and the rules between them. Shared by run.ts and the dry
 * run (which used to import each other for the type). Flags that only mean something in one mode
 * are a usage error in another: a forgotten `--sandbox` must never turn a rehearsal into a live run
 * that sends real DMs, and a forgotten `--dry-run` must never turn a preview into one either.
 */
import { extname } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { parseDuration, parseRange } from "../../config/duration.js";
import { UserError } from "../../errors.js";

export interface RunFlags {
  dryRun?: boolean;
  format: "text" | "json";
  out?: string;
  preview: number;
  start?: number;
  /** Dry run of a started campaign: plan every lead as if nothing had been sent (the old preview). */
  fromScratch?: boolean;
  /** Dry run: also check, read-only with the token, which leads are already in conversation with the team. */
  lookup?: boolean;
  allowPartial?: boolean;
  sandbox?: boolean;
  realtime?: boolean;
  replyRate?: number;
  replyDelay?: [number, number];
  replyText?: string[];
  unreachableRate?: number;
  seed?: string;
  /** Rehearsal: write the campaign report (HTML) here at the end. */
  html?: string;
  once?: boolean;
  limit?: number;
  json?: boolean;
  /** Start a campaign's first live run without asking (required when stdin/stdout is not a terminal). */
  yes?: boolean;
  acceptChanges?: boolean;
  /** Continue although the state journal is missing or belongs to another state file (load.ts). */
  repairState?: boolean;
  retryFailed?: boolean;
  maxConsecutiveFailures: number;
}

/** Flags that configure the embedded simulator: meaningless (and dangerous to ignore) without --sandbox. */
const SANDBOX_ONLY = ["realtime", "replyRate", "replyDelay", "replyText", "unreachableRate", "seed", "html"] as const;
/** Flags of the preview: ignored by a live run, so a forgotten --dry-run is caught before anything is sent. */
const DRY_RUN_ONLY = ["format", "out", "preview", "start", "fromScratch", "lookup"] as const;

/**
 * The preview format an `--out` file gets from its extension. An `.html` file is the preview page
 * (src/html/, written by the dry-run worker); the terminal then keeps the format asked for.
 */
const OUT_FORMATS: Record<string, RunFlags["format"] | "page"> = {
  ".json": "json",
  ".jsonl": "json",
  ".ndjson": "json",
  ".txt": "text",
  ".text": "text",
  ".log": "text",
  "": "text",
  ".html": "page",
  ".htm": "page",
};

/**
 * Checks the flags against each other and settles the derived ones (`--dry-run --json` is
 * `--format json`; `--out x.json` is JSON). Reads which flags were typed from commander's value sources.
 * @throws UserError (exit 1) naming the flag at fault; nothing has been read or sent yet.
 */
export function settleRunFlags(flags: RunFlags, cmd: Pick<Command, "getOptionValueSource">): RunFlags {
  const typed = (name: string): boolean => {
    const source = cmd.getOptionValueSource(name);
    return source !== undefined && source !== "default";
  };
  const flag = (name: string): string => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!flags.sandbox) {
    const misplaced = SANDBOX_ONLY.filter(typed);
    if (misplaced.length > 0) {
      const names = misplaced.map(flag);
      const only = `${names.join(", ")} only ${misplaced.length === 1 ? "applies" : "apply"} to a --sandbox rehearsal`;
      // A dry run sends nothing whatever its flags: the fault is a flag it has no use for, not a live send.
      if (flags.dryRun) {
        const page = misplaced.includes("html") ? "; for the preview as a page use --out preview.html" : "";
        throw new UserError(`${only}, not to a --dry-run preview. Nothing was sent.`, {
          hint: `drop ${names.join(" ")}${page}, or rehearse with --sandbox instead of --dry-run`,
        });
      }
      throw new UserError(`${only}; without --sandbox this would be a live run that sends real DMs. Nothing was sent.`, {
        hint: `add --sandbox to rehearse, or drop ${names.join(" ")} to run live`,
      });
    }
  }
  if (!flags.dryRun) {
    const misplaced = DRY_RUN_ONLY.filter(typed);
    if (misplaced.length > 0) {
      throw new UserError(`${misplaced.map(flag).join(", ")} only ${misplaced.length === 1 ? "applies" : "apply"} to a preview; nothing was sent`, {
        hint: `add --dry-run to preview, or drop ${misplaced.map(flag).join(" ")}`,
      });
    }
    return flags;
  }
  let format = flags.format;
  if (flags.json) {
    if (typed("format") && format !== "json") throw new UserError(`--json and --format ${format} disagree`, { hint: "use one of them" });
    format = "json";
  }
  if (flags.out !== undefined) {
    const ext = extname(flags.out).toLowerCase();
    const byExtension = OUT_FORMATS[ext];
    if (byExtension === undefined) {
      throw new UserError(`--out ${flags.out}: unknown preview format "${ext}"`, { hint: "use a .txt (text), .json (JSON lines) or .html (a page) file name" });
    }
    if (byExtension === "page") return { ...flags, format };
    if (typed("format") || flags.json) {
      if (format !== byExtension) throw new UserError(`--out ${flags.out} is a ${byExtension} file name but the format asked for is ${format}`, { hint: "drop --format/--json: the extension picks the format" });
    }
    format = byExtension;
  }
  return { ...flags, format };
}

export function int(flag: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} expects a whole number ≥ ${min}, got "${v}"`);
    return n;
  };
}

export function ratio(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`${flag} expects a number from 0 to 1, got "${v}"`);
    return n;
  };
}

export function range(v: string): [number, number] {
  const single = parseDuration(v);
  const r = parseRange(v) ?? (single !== undefined ? ([single, single] as [number, number]) : undefined);
  if (!r) throw new InvalidArgumentError(`expected a duration or a range like "10m-6h", got "${v}"`);
  return r;
}

export function instant(v: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`expected an ISO date-time like 2026-12-01T09:00:00Z, got "${v}"`);
  return t;
}
