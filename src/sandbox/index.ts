/**
 * A faithful local Inbox API v1: `startSandbox()` serves /api/v1 on loopback with simulated prospects,
 * replies, events, webhooks, team rate limits and injectable faults, plus /_sandbox controls.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Message } from "../inbox/types.js";
import { systemClock } from "../platform/clock.js";
import {
  forcedFailure,
  listSandboxMessages,
  replyNow,
  sandboxStats,
  type MessageFilter,
  type ReplyInput,
  type SandboxMessage,
  type SandboxStats,
} from "./control.js";
import { httpHandler } from "./http-carrier.js";
import { inProcessFetch } from "./in-process-fetch.js";
import { parseConfigPatch, resolveOptions, type SandboxConfigPatch, type SandboxLiveConfig, type SandboxOptions } from "./options.js";
import { SandboxRuntime } from "./server.js";

export type { MessageFilter, ReplyInput, SandboxMessage, SandboxStats } from "./control.js";
export type { ForcedFailure } from "./faults.js";
export { DEFAULT_LIVE_CONFIG, DEFAULT_REPLY_TEXTS } from "./options.js";
export type { ProspectOverride, SandboxConfigPatch, SandboxLiveConfig, SandboxOptions, SandboxRequestLog } from "./options.js";
export { DEFAULT_TEAM_LIMITS } from "./rate-limiter.js";

export interface Sandbox {
  /** Base URL of the API, e.g. http://127.0.0.1:41234/api/v1 (what INBOX_API_URL should be). */
  readonly url: string;
  /** http://host:port, for /_sandbox/* control routes. */
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly teamId: string;
  readonly accountLinkIds: readonly string[];
  /**
   * A fetch that serves `url`'s requests in this process, without a socket (the rehearsal's carrier):
   * the same pipeline, limits and faults as over HTTP. Other URLs are refused (ECONNREFUSED).
   */
  readonly fetch: typeof fetch;
  /** Every stored message, oldest first, optionally filtered (materialises due replies first). */
  messages(filter?: MessageFilter): SandboxMessage[];
  stats(): SandboxStats;
  /** The prospect replies now, in their latest thread (or the one with `accountLinkId`). */
  reply(input: ReplyInput): Message;
  /** Changes faults, limits or reply behaviour live; validated like POST /_sandbox/config. */
  configure(patch: SandboxConfigPatch): void;
  readonly config: Readonly<SandboxLiveConfig>;
  /** The next `count` sends fail with `status` (default code per status), or are stored and lost ("lost"). */
  failNext(count: number, status: number | "lost", code?: string): void;
  /** Materialises replies due on the clock now (a SimulatedClock has no timers); returns how many. */
  tick(): number;
  /** Resolves when every webhook queued so far has been delivered or has failed. */
  webhooksIdle(): Promise<void>;
  /** Back to the start-up state: no threads, messages, events, tags or statuses; stats zeroed; config as started. */
  reset(): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? systemClock;
  const resolved = resolveOptions(options, options.clock !== undefined && options.clock !== systemClock);
  const runtime = new SandboxRuntime(resolved, clock);
  const onRequest = options.onRequest;
  const handle = httpHandler(runtime);
  const server = createServer(
    onRequest
      ? (req, res) => {
          const started = performance.now();
          const done = (): void => {
            onRequest({ method: req.method ?? "?", path: req.url ?? "/", status: res.writableFinished ? res.statusCode : "dropped", ms: performance.now() - started });
          };
          res.once("close", done);
          return handle(req, res);
        }
      : handle,
  );
  await listen(server, resolved.port, resolved.host);
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  const origin = `http://${hostForUrl}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url: `${origin}/api/v1`,
    origin,
    token: resolved.token,
    port,
    teamId: runtime.world.catalog.team.id,
    accountLinkIds: runtime.world.catalog.accountLinks.map((a) => a.id),
    fetch: inProcessFetch(runtime, origin),
    messages: (filter) => {
      runtime.tick();
      return listSandboxMessages(runtime.world, filter);
    },
    stats: () => {
      runtime.tick();
      return sandboxStats(runtime.world);
    },
    reply: (input) => {
      runtime.tick();
      return replyNow(runtime.world, input, clock.now());
    },
    configure: (patch) => runtime.world.configure(parseConfigPatch(patch, "config")),
    get config() {
      return runtime.world.config;
    },
    failNext: (count, status, code) => runtime.world.faults.failNext(count, forcedFailure(status, code)),
    tick: () => runtime.tick(),
    webhooksIdle: () => runtime.world.webhooks.idle(),
    reset: () => runtime.reset(),
    close: () => {
      closing ??= (async () => {
        runtime.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive sockets would hold close() open for seconds; they carry no pending work.
          server.closeAllConnections();
        });
        await runtime.world.webhooks.idle();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
