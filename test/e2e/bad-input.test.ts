import { execFileSync } from "node:child_process";
/**
 * The bad-input corpus (test/fixtures/bad/): every way a user can hand `outreach run` something
 * wrong — campaign YAML, CSV, templates, environment, state files, the filesystem. Each case copies
 * `_base/` (a good campaign) into a temp folder, overlays its own folder's files, may break the
 * environment or the files further, and runs the built CLI against one shared sandbox. Each must end
 * with its exit code; a message naming the file (and line, where there is one) and the fix; no stack
 * trace; zero write requests on the sandbox; and the campaign folder byte-for-byte as it was.
 * Concurrent: each case is one short CLI run (~0.6 s of CPU), most of it Node's start-up.
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.js";
import { REPO_ROOT, runCli } from "../support/cli.js";

const CORPUS = join(REPO_ROOT, "test/fixtures/bad");
const ACCOUNTS = ["acctbadinput1", "acctbadinput2"];

interface World {
  sandbox: Sandbox;
  /** A loopback port nothing listens on. */
  closedPort: number;
}

interface BadCase {
  /** Folder under test/fixtures/bad overlaid on _base (may not exist: the case is made by `env`/`prepare`). */
  name: string;
  /** Default: run campaign.yaml. */
  args?: string[];
  /** Default: the sandbox's URL and token. */
  env?: (w: World) => Record<string, string | undefined>;
  /** Breaks the copied folder further (symlinks, directories: what git does not keep). */
  prepare?: (dir: string) => void;
  code: number;
  /** Every pattern must be in stderr: the file (and location) and the fix. */
  says: (string | RegExp)[];
}

/** A well-formed token for cases that fail before it is used (long enough not to occur in any message). */
const UNUSED_TOKEN = "sandbox_unused_token_8c1f0d";
/** A Redis password, for the case that puts one in OUTREACH_REDIS_URL's query. */
const REDIS_PASSWORD = "hunter2-redis-pass";

const state = (dir: string): string => join(dir, "state", "campaign.json");

const CASES: BadCase[] = [
  // campaign.yaml
  { name: "yaml-syntax", code: 1, says: [/campaign\.yaml:5:\d+/, /invalid YAML/, /fix them and run again/] },
  { name: "yaml-unknown-key", code: 1, says: [/campaign\.yaml:10:1/, /pacng/, /pacing/] },
  { name: "yaml-missing-name", code: 1, says: [/campaign\.yaml:\d+:\d+/, /name/] },
  { name: "yaml-bad-duration", code: 1, says: [/campaign\.yaml:9:\d+ steps\[1\]\.after/, /3 days/] },
  { name: "yaml-bad-timezone", code: 1, says: [/campaign\.yaml:11:\d+ pacing\.timezone/, /America\/New_Yrok/] },
  { name: "yaml-bad-hours", code: 1, says: [/campaign\.yaml:13:\d+ pacing\.hours/, /25:00-26:00/] },
  { name: "yaml-bad-days", code: 1, says: [/campaign\.yaml:12:\d+ pacing\.days/, /funday/] },
  { name: "yaml-no-steps", code: 1, says: [/campaign\.yaml:7:\d+ steps/, /at least one step/] },
  { name: "yaml-duplicate-step-id", code: 1, says: [/campaign\.yaml:9:\d+ steps\[1\]\.id/, /intro/] },
  { name: "yaml-bad-account-id", code: 1, says: [/campaign\.yaml:6:\d+ accounts\[0\]/, /lowercase letters and digits/] },
  { name: "yaml-template-missing", code: 1, says: [/campaign\.yaml:9:\d+ steps\[1\]\.template/, /nudge-v2\.hbs/] },
  { name: "yaml-leads-file-missing", code: 1, says: [/campaign\.yaml:4:\d+ leads\.file/, /leads-final\.csv/] },
  { name: "yaml-bad-reply-match", code: 1, says: [/campaign\.yaml:10:\d+ steps\[2\]\.match/, /interested \(yes/] },
  { name: "yaml-not-a-mapping", code: 1, says: [/campaign\.yaml:1:1/, /expected/] },
  { name: "yaml-empty", code: 1, says: [/campaign\.yaml/, /expected/] },
  { name: "yaml-webhook-without-port", code: 1, says: [/campaign\.yaml:\d+:\d+ replies/, /webhook/] },
  { name: "yaml-campaign-missing", args: ["run", "no-such-campaign.yaml"], code: 1, says: [/campaign file not found: .*no-such-campaign\.yaml/, /check the path/] },
  { name: "yaml-campaign-is-directory", args: ["run", "state"], prepare: (d) => mkdirSync(join(d, "state")), code: 1, says: [/could not read the campaign file state: state is a directory, not a file/] },
  // leads CSV
  { name: "csv-missing-id-column", code: 1, says: [/leads\.csv/, /x_user_id/, /user_id/] },
  { name: "csv-empty", code: 1, says: [/leads\.csv/] },
  { name: "csv-handles-not-ids", code: 1, says: [/skip line 2: "@ada" is not an X user id/, /use the numeric X user id/, /leads\.csv has no lead that can be messaged/] },
  { name: "csv-unterminated-quote", code: 1, says: [/leads\.csv:\d+/, /quote/i] },
  { name: "csv-delimiter-mismatch", code: 1, says: [/leads\.csv/, /x_user_id/] },
  { name: "csv-is-directory", prepare: (d) => (rmSync(join(d, "leads.csv")), mkdirSync(join(d, "leads.csv"))), code: 1, says: [/campaign\.yaml:4:\d+ leads\.file: leads CSV leads\.csv is a directory, not a file/] },
  // templates
  { name: "tpl-syntax-error", code: 1, says: [/intro\.hbs:\d+/] },
  { name: "tpl-unknown-variable", code: 1, says: [/last_name/, /--dry-run/] },
  { name: "tpl-empty", code: 1, says: [/leads\.csv: line 2 .* step intro: the message is empty/, /--dry-run/] },
  { name: "tpl-unknown-helper", code: 1, says: [/intro\.hbs/, /shout/] },
  { name: "tpl-empty-value", code: 1, says: [/leads\.csv/, /line 3/, /first_name/, /--allow-partial/] },
  { name: "tpl-too-long", code: 1, says: [/10,?000/, /--dry-run/] },
  // environment
  { name: "env-no-token", env: (w) => ({ INBOX_API_URL: w.sandbox.url }), code: 1, says: [/INBOX_API_TOKEN is not set/, /Settings → API/] },
  { name: "env-rejected-token", env: (w) => ({ INBOX_API_URL: w.sandbox.url, INBOX_API_TOKEN: "sandbox_wrong_token_0000" }), code: 1, says: [/rejected INBOX_API_TOKEN \(401/, /new token/] },
  { name: "env-token-not-latin1", env: (w) => ({ INBOX_API_URL: w.sandbox.url, INBOX_API_TOKEN: "sandbox_tok✓en" }), code: 1, says: [/INBOX_API_TOKEN has a character at position 12/, /Copy the token again/] },
  { name: "env-unreachable-url", env: (w) => ({ INBOX_API_URL: `http://127.0.0.1:${w.closedPort}/api/v1`, INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/Could not reach the Inbox API at http:\/\/127\.0\.0\.1:\d+\/api\/v1 \(ECONNREFUSED\)/, /INBOX_API_URL/] },
  { name: "env-blocked-port", env: () => ({ INBOX_API_URL: "http://127.0.0.1:1/api/v1", INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/Could not send GET \/account-links to the Inbox API at http:\/\/127\.0\.0\.1:1\/api\/v1 \(bad port\)/, /INBOX_API_URL/] },
  { name: "env-https-to-plain-http", env: (w) => ({ INBOX_API_URL: w.sandbox.url.replace("http:", "https:"), INBOX_API_TOKEN: w.sandbox.token }), code: 1, says: [/does not speak HTTPS/, /scheme of INBOX_API_URL/] },
  { name: "env-plain-http-remote", env: () => ({ INBOX_API_URL: "http://api.example.test/api/v1", INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/plain http:\/\/ to another machine/, /INBOX_API_ALLOW_HTTP=1/] },
  { name: "env-url-invalid", env: () => ({ INBOX_API_URL: "inboxapp.com/api/v1", INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/"inboxapp\.com\/api\/v1" is not a valid URL/, /INBOX_API_URL/] },
  // Secrets pasted where they do not belong are never echoed (the loop below checks every case for them).
  { name: "env-url-query-token", env: () => ({ INBOX_API_URL: `https://inboxapp.com/api/v1?token=${UNUSED_TOKEN}`, INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/must not have a query string/, /token=\*\*\*/] },
  { name: "env-redis-password-in-query", env: (w) => ({ INBOX_API_URL: w.sandbox.url, INBOX_API_TOKEN: w.sandbox.token, OUTREACH_REDIS_URL: `redis://127.0.0.1:${w.closedPort}/0?password=${REDIS_PASSWORD}` }), code: 1, says: [/cannot reach the team's Redis/, /password=\*\*\*/] },
  { name: "env-url-credentials", env: () => ({ INBOX_API_URL: "https://me:secret@inboxapp.com/api/v1", INBOX_API_TOKEN: UNUSED_TOKEN }), code: 1, says: [/must not contain credentials/, /INBOX_API_TOKEN/] },
  { name: "env-unknown-account", prepare: (d) => replaceIn(join(d, "campaign.yaml"), "acctbadinput2", "acctnotonteam"), code: 1, says: [/campaign\.yaml accounts: unknown account link id "acctnotonteam"/, /acctbadinput1/] },
  // state files
  { name: "state-corrupt-json", code: 1, says: [/state\/campaign\.json: the state file is not valid JSON/, /campaign\.json\.bak/] },
  { name: "state-not-outreach", code: 1, says: [/state\/campaign\.json: not an outreach state file/, /delete/] },
  { name: "state-other-campaign", code: 1, says: [/belongs to campaign "Winter promo", not "Bad input base"/, /its own state file/] },
  { name: "state-journal-missing", code: 1, says: [/campaign\.json\.journal is missing/, /--repair-state/] },
  { name: "state-journal-foreign", code: 1, says: [/belongs to another state file \(campaign "Winter promo"/, /--repair-state/] },
  { name: "state-journal-older", code: 1, says: [/\(generation 0\) is older than its state file/, /--repair-state/] },
  { name: "state-snapshot-older", code: 1, says: [/\(generation 2\) is older than its journal .*\(generation 5\)/, /put the current state file back/] },
  { name: "state-journal-joined", code: 1, says: [/campaign\.json\.journal:3: a second journal header/, /cut it at line 3/] },
  { name: "state-journal-headerless", code: 1, says: [/has no header naming this state file/, /--repair-state/] },
  { name: "state-journal-corrupt-line", code: 1, says: [/campaign\.json\.journal:2: the state journal is corrupt/, /backup/] },
  { name: "state-journal-without-state", code: 1, says: [/found the journal .*campaign\.json\.journal but not the state file/, /\.bak/] },
  {
    name: "state-locked",
    prepare: (d) => (mkdirSync(join(d, "state")), writeFileSync(`${state(d)}.lock`, JSON.stringify({ pid: process.pid, hostname: hostnameOf(), startedAt: 1795000000000 }))),
    code: 1,
    says: [new RegExp(`another outreach run \\(pid ${process.pid}`), /campaign\.json\.lock/],
  },
  // the filesystem
  { name: "fs-state-is-directory", prepare: (d) => mkdirSync(state(d), { recursive: true }), code: 1, says: [/state\/campaign\.json is a directory, not a file/, /nothing was sent/] },
  { name: "fs-state-folder-is-file", prepare: (d) => writeFileSync(join(d, "state"), "a file"), code: 1, says: [/could not lock the state file state\/campaign\.json\.lock: .*\/state is a file where a folder is needed/, /move that file away/] },
  { name: "fs-state-symlink", prepare: (d) => linkState(d, "campaign.json"), code: 1, says: [/is a symbolic link/, /replace the link/] },
  { name: "fs-journal-symlink", prepare: (d) => linkState(d, "campaign.json.journal"), code: 1, says: [/campaign\.json\.journal is a symbolic link/, /replace the link/] },
  { name: "fs-lock-symlink", prepare: (d) => linkState(d, "campaign.json.lock"), code: 1, says: [/campaign\.json\.lock is a symbolic link/] },
  { name: "fs-suppression-is-directory", prepare: (d) => (replaceIn(join(d, "campaign.yaml"), "state: ", "suppression: optouts\nstate: "), mkdirSync(join(d, "optouts"))), code: 1, says: [/optouts/, /directory/] },
  { name: "fs-status-state-symlink", args: ["status", "campaign.yaml"], prepare: (d) => linkState(d, "campaign.json"), code: 1, says: [/could not read the state file .*campaign\.json: .* is a symbolic link/, /run status again/] },
  // A FIFO where a file is read would block the read for good (a hang): said at once instead.
  { name: "fs-status-state-fifo", args: ["status", "campaign.yaml"], prepare: (d) => fifoState(d, "campaign.json"), code: 1, says: [/campaign\.json is not a regular file \(a FIFO/, /run status again/] },
  { name: "fs-journal-fifo", prepare: (d) => fifoState(d, "campaign.json.journal"), code: 1, says: [/campaign\.json\.journal is not a regular file \(a FIFO/, /nothing was sent/] },
  {
    name: "fs-suppression-fifo",
    prepare: (d) => (replaceIn(join(d, "campaign.yaml"), "state: ", "suppression: optouts.txt\nstate: "), execFileSync("mkfifo", [join(d, "optouts.txt")])),
    code: 1,
    says: [/suppression file .*optouts\.txt is not a regular file \(a FIFO/],
  },
  { name: "fs-status-leads-fifo", args: ["status", "campaign.yaml"], prepare: (d) => (rmSync(join(d, "leads.csv")), execFileSync("mkfifo", [join(d, "leads.csv")])), code: 1, says: [/leads CSV .*leads\.csv is not a regular file \(a FIFO/] },
  {
    name: "fs-campaign-fifo",
    args: ["status", "fifo.yaml"],
    prepare: (d) => execFileSync("mkfifo", [join(d, "fifo.yaml")]),
    code: 1,
    says: [/could not read the campaign file fifo\.yaml: .*fifo\.yaml is not a regular file \(a FIFO/],
  },
  { name: "fs-dry-run-out-is-directory", args: ["run", "campaign.yaml", "--dry-run", "--out", "preview"], prepare: (d) => mkdirSync(join(d, "preview")), code: 1, says: [/could not write the preview to preview: preview is a directory, not a file/] },
];

function replaceIn(file: string, from: string, to: string): void {
  writeFileSync(file, readFileSync(file, "utf8").replace(from, to));
}

function hostnameOf(): string {
  return (process.env["HOSTNAME"] ?? "") || readFileSync("/etc/hostname", "utf8").trim();
}

/** A valid state pair for `_base` in `dir`, with `name` replaced by a symlink to a file outside. */
function linkState(dir: string, name: string): void {
  const folder = join(dir, "state");
  cpSync(join(CORPUS, "state-journal-older", "state"), folder, { recursive: true });
  writeFileSync(`${state(dir)}.journal`, readFileSync(`${state(dir)}.journal`, "utf8").replace('"gen":0', '"gen":2'));
  const target = join(dir, "elsewhere.txt");
  writeFileSync(target, "not outreach's");
  rmSync(join(folder, name), { force: true });
  symlinkSync(target, join(folder, name));
}

/** A valid state pair for `_base` in `dir`, with `name` replaced by a FIFO (nobody writes to it: a read would wait for ever). */
function fifoState(dir: string, name: string): void {
  linkState(dir, name);
  rmSync(join(dir, "state", name), { force: true });
  execFileSync("mkfifo", [join(dir, "state", name)]);
}

/** Every file under `dir` (symlinks as their target path) → sha256, to prove nothing was written. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isSymbolicLink()) out[p] = `-> ${readlinkSync(p)}`;
      else if (entry.isFIFO()) out[p] = "fifo";
      else out[p] = createHash("sha256").update(readFileSync(p)).digest("hex") + ` ${statSync(p).mode & 0o777}`;
    }
  };
  walk(dir);
  return out;
}

let world: World;
let closed: Server;
const dirs: string[] = [];

beforeAll(async () => {
  const sandbox = await startSandbox({ accountLinks: ACCOUNTS, replyRate: 0, rateLimit: "off" });
  // A port that was free a moment ago and is closed again: connection refused.
  closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  world = { sandbox, closedPort };
});

afterAll(async () => {
  await world.sandbox.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.concurrent("the bad-input corpus: exit code, file and fix, no stack, nothing written", () => {
  it("has at least 40 cases, and a folder for every case that needs one", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    const folders = readdirSync(CORPUS).filter((f) => f !== "_base");
    const names = new Set(CASES.map((c) => c.name));
    expect(folders.filter((f) => !names.has(f))).toEqual([]);
  });

  it.each(CASES)("$name", async (c) => {
    const dir = mkdtempSync(join(tmpdir(), `outreach-bad-${c.name}-`));
    dirs.push(dir);
    cpSync(join(CORPUS, "_base"), dir, { recursive: true });
    if (existsSync(join(CORPUS, c.name))) cpSync(join(CORPUS, c.name), dir, { recursive: true });
    c.prepare?.(dir);
    const before = tree(dir);
    const env = c.env ? c.env(world) : { INBOX_API_URL: world.sandbox.url, INBOX_API_TOKEN: world.sandbox.token };
    const r = await runCli(c.args ?? ["run", "campaign.yaml"], { cwd: dir, env, timeoutMs: 90_000 });
    const output = r.stderr + r.stdout;
    const shown = `--- exit ${r.code}\n--- stderr\n${r.stderr}--- stdout\n${r.stdout.slice(-2000)}`;
    expect(output, shown).not.toMatch(/this is a bug|\n\s+at .+:\d+:\d+\)?\n/);
    for (const s of c.says) expect(output, shown).toMatch(s);
    for (const secret of [env.INBOX_API_TOKEN, env.INBOX_WEBHOOK_SECRET, REDIS_PASSWORD]) {
      if (secret && secret.length >= 6) expect(output, `a secret was printed\n${shown}`).not.toContain(secret);
    }
    expect(r.code, shown).toBe(c.code);
    expect(tree(dir)).toEqual(before);
    expect(world.sandbox.stats().writes).toBe(0);
    expect(world.sandbox.messages()).toEqual([]);
  }, 120_000);
});
