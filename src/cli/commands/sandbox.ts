/**
 * `outreach sandbox`: runs the local Inbox API simulator in the foreground until SIGINT/SIGTERM, printing
 * the base URL, its token and the `export` line that points `outreach run` at it. The webhook secret is
 * read from INBOX_WEBHOOK_SECRET and never printed; the sandbox's own token is printed on purpose.
 */
import { Command } from "commander";
import { parseDuration, parseRange } from "../../config/duration.js";
import type { RateWindow } from "../../config/types.js";
import { UserError } from "../../errors.js";
import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox/index.js";
import { SandboxLog } from "../report/sandbox-log.js";
import { paint } from "../report/style.js";

export interface SandboxFlags {
  port?: string;
  host?: string;
  token?: string;
  replyRate?: string;
  replyDelay?: string;
  rateLimit?: string;
  unreachableRate?: string;
  serverErrorRate?: string;
  lostResponseRate?: string;
  latency?: string;
  seed?: string;
  accounts?: string;
  webhookUrl?: string;
  quiet?: boolean;
}

/** Turns flags (strings, as typed) into options, reporting every bad flag at once. */
export function sandboxOptionsFromFlags(flags: SandboxFlags, env: NodeJS.ProcessEnv): SandboxOptions {
  const problems: string[] = [];
  const options: SandboxOptions = {};
  const rate = (flag: string, value: string | undefined, set: (n: number) => void): void => {
    if (value === undefined) return;
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) problems.push(`${flag}: expected a number from 0 to 1, got "${value}"`);
    else set(n);
  };
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65_535) problems.push(`--port: expected 0..65535 (0 = any free port), got "${flags.port}"`);
    else options.port = port;
  }
  if (flags.host !== undefined) options.host = flags.host;
  if (flags.token !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(flags.token)) problems.push("--token: expected printable characters without spaces");
    else options.token = flags.token;
  }
  rate("--reply-rate", flags.replyRate, (n) => (options.replyRate = n));
  rate("--unreachable-rate", flags.unreachableRate, (n) => (options.unreachableRate = n));
  rate("--server-error-rate", flags.serverErrorRate, (n) => (options.serverErrorRate = n));
  rate("--lost-response-rate", flags.lostResponseRate, (n) => (options.lostResponseRate = n));
  if (flags.latency !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(flags.latency.trim());
    if (!m || (m[2] !== undefined && Number(m[2]) < Number(m[1]))) problems.push(`--latency: expected milliseconds like 40 or a range like 5-80, got "${flags.latency}"`);
    else options.latencyMs = m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
  }
  if (flags.seed !== undefined) options.seed = flags.seed;
  if (flags.replyDelay !== undefined) {
    const range = parseRange(flags.replyDelay);
    if (!range) problems.push(`--reply-delay: expected a duration like 10m or a range like 5m-2h, got "${flags.replyDelay}"`);
    else options.replyDelayMs = range;
  }
  if (flags.rateLimit !== undefined) {
    if (flags.rateLimit === "off") options.rateLimit = "off";
    else if (flags.rateLimit !== "default") {
      const windows = parseRateWindows(flags.rateLimit);
      if (windows) options.rateLimit = windows;
      else problems.push(`--rate-limit: expected "off", "default" or windows like 20/2s,1000/1h, got "${flags.rateLimit}"`);
    }
  }
  if (flags.accounts !== undefined) {
    const ids = flags.accounts.split(",").map((s) => s.trim()).filter((s) => s !== "");
    const bad = ids.filter((id) => !/^[0-9a-z]+$/.test(id));
    if (ids.length === 0 || bad.length > 0) problems.push(`--accounts: expected comma-separated ids of [0-9a-z], got "${flags.accounts}"`);
    else options.accountLinks = ids;
  }
  if (flags.webhookUrl !== undefined) {
    const secret = env["INBOX_WEBHOOK_SECRET"] ?? "";
    if (!URL.canParse(flags.webhookUrl)) problems.push(`--webhook-url: expected a URL, got "${flags.webhookUrl}"`);
    else if (secret === "") problems.push("--webhook-url: INBOX_WEBHOOK_SECRET must be set to sign deliveries");
    else options.webhook = { url: flags.webhookUrl, secret };
  }
  if (problems.length > 0) {
    throw new UserError(`invalid sandbox flags:\n  ${problems.join("\n  ")}`, { hint: "see: outreach sandbox --help" });
  }
  return options;
}

/** "20/2s,1000/1h" → sliding windows (requests per duration); undefined when any part is malformed. */
export function parseRateWindows(text: string): RateWindow[] | undefined {
  const windows: RateWindow[] = [];
  for (const part of text.split(",")) {
    const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(part);
    const limit = m ? Number(m[1]) : 0;
    const windowMs = m?.[2] ? parseDuration(m[2]) : undefined;
    if (!Number.isSafeInteger(limit) || limit < 1 || windowMs === undefined || windowMs <= 0) return undefined;
    windows.push({ limit, windowMs });
  }
  return windows;
}

export function sandboxCommand(): Command {
  return new Command("sandbox")
    .option("--port <n>", "TCP port; 0 = any free port", "0")
    .option("--host <addr>", "address to listen on", "127.0.0.1")
    .option("--token <token>", "API token clients must send (default: a random sandbox_… token)")
    .option("--reply-rate <r>", "share of prospects who reply, 0..1 (default 0.2)")
    .option("--reply-delay <d>", "reply delay: 10m, or a range like 5m-2h (default 1m-1h)")
    .option("--rate-limit <mode>", "team quota: default (300/min, 10k/h, 100k/day), off, or sliding windows like 20/2s,1000/1h")
    .option("--unreachable-rate <r>", "share of prospects whose DMs are closed, 0..1 (default 0)")
    .option("--server-error-rate <r>", "share of API requests answered 500, 0..1 (default 0)")
    .option("--lost-response-rate <r>", "share of sends stored but answered with a dropped connection, 0..1 (default 0)")
    .option("--latency <ms>", "delay before each API response: 40, or a range like 5-80 (ms; default 0)")
    .option("--seed <s>", "seed for everything invented: ids, who replies, which faults fire (default sandbox)")
    .option("--accounts <ids>", "comma-separated account link ids (default: two generated ids)")
    .option("--webhook-url <url>", "POST events here, signed with INBOX_WEBHOOK_SECRET")
    .option("--quiet", "do not log each request (the summary on stop is still printed)")
    .action(async (flags: SandboxFlags) => {
      const options = sandboxOptionsFromFlags(flags, process.env);
      const log = new SandboxLog((line) => void process.stdout.write(`${line}\n`), paint(process.stdout), flags.quiet === true);
      const sandbox = await start({ ...options, onRequest: (r) => log.request(r) });
      process.stdout.write(banner(sandbox, options, flags.quiet === true));
      await untilSignalled();
      const stats = sandbox.stats();
      await sandbox.close();
      // Stopping a foreground server with Ctrl-C is the normal way to end it: exit 0, not 130.
      process.stdout.write(`${log.summary(stats).join("\n")}\n`);
    });
}

async function start(options: SandboxOptions): Promise<Sandbox> {
  try {
    return await startSandbox(options);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const where = `${options.host ?? "127.0.0.1"}:${options.port ?? 0}`;
    if (code === "EADDRINUSE") {
      throw new UserError(`port ${options.port} is already in use (${where})`, {
        hint: "stop whatever holds it, pick another with --port, or use --port 0 for any free port",
        cause,
      });
    }
    if (code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new UserError(`cannot listen on ${where} (${code})`, {
        hint: "use a port above 1023 and a local address such as 127.0.0.1",
        cause,
      });
    }
    throw cause;
  }
}

function banner(sandbox: Sandbox, options: SandboxOptions, quiet: boolean): string {
  const c = sandbox.config;
  const limits = c.rateLimit === "off" ? "off" : c.rateLimit.map((w) => `${w.limit}/${w.windowMs / 1000}s`).join(", ");
  const lines = [
    `Inbox API sandbox listening on ${sandbox.url}`,
    `  token          ${sandbox.token}`,
    `  account links  ${sandbox.accountLinkIds.join(", ")}`,
    `  replies        ${Math.round(c.replyRate * 100)}% of prospects, after ${c.replyDelayMs[0] / 1000}s–${c.replyDelayMs[1] / 1000}s`,
    `  rate limit     ${limits}`,
    `  faults         unreachable ${c.unreachableRate}, 500s ${c.serverErrorRate}, lost responses ${c.lostResponseRate}`,
    `  webhook        ${options.webhook ? `${options.webhook.url} (signed with INBOX_WEBHOOK_SECRET)` : "none"}`,
    "",
    `export INBOX_API_URL=${sandbox.url} INBOX_API_TOKEN=${sandbox.token}`,
    "",
    `curl -s -H "Authorization: Bearer ${sandbox.token}" ${sandbox.url}/team`,
    `inspect: curl -s -H "Authorization: Bearer ${sandbox.token}" ${sandbox.origin}/_sandbox/messages   (also /_sandbox/stats)`,
    quiet ? "Requests are not logged (--quiet); press Ctrl-C to stop and see the tally." : "Each request is logged below (--quiet to turn that off); press Ctrl-C to stop and see the tally.",
    "",
  ];
  return lines.join("\n");
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
