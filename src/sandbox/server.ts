/**
 * The request pipeline for /api/v1, in the order a real gateway would apply it:
 * due replies → auth → team quota → route → injected 500 → forced send failure → handler → lost response
 * → latency → response. Every response carries X-RateLimit-* for the tightest team window.
 *
 * It knows nothing of sockets: it takes a SandboxRequest and answers a SandboxReply (or `undefined`, the
 * connection dropped). Two carriers feed it the same requests: HTTP on loopback (http-carrier.ts: the e2e
 * tests, `outreach sandbox`) and the in-process fetch (in-process-fetch.ts: the rehearsal).
 */
import { timingSafeEqual } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Clock } from "../platform/clock.js";
import { threadRoutes } from "./api-threads.js";
import { teamRoutes } from "./api-team.js";
import { controlRoutes, type ControlHost } from "./control.js";
import { ApiError, errorBody, parseJson } from "./http.js";
import type { ResolvedOptions } from "./options.js";
import { matchRoute, type HandlerResult, type Route } from "./router.js";
import { World } from "./world.js";

const API_PREFIX = "/api/v1";
const CONTROL_PREFIX = "/_sandbox";
const apiRoutes: Route[] = [...threadRoutes, ...teamRoutes];
/** setTimeout's ceiling (~24.8 days); a later reply just re-arms when this fires. */
const MAX_TIMER_MS = 2_147_483_647;

/** One request as a carrier hands it over. */
export interface SandboxRequest {
  method: string;
  /** Path and query as requested, e.g. "/api/v1/threads/lookup?accountLinkId=…". */
  target: string;
  /** The Authorization header's value, if any. */
  authorization: string | undefined;
  /** The raw body (empty when none), or the error reading it failed with (an ApiError such as 413). */
  body: Buffer | string | Error;
}

/** One answer: status, headers (Content-Type and Content-Length are the carrier's), JSON body text. */
export interface SandboxReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class SandboxRuntime implements ControlHost {
  world: World;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: Clock,
  ) {
    this.world = this.buildWorld();
  }

  /** Back to the state at start-up: data, stats, limits, faults and config as the options gave them. */
  reset(): void {
    this.world = this.buildWorld();
    this.armTimer();
  }

  /** Materialises every reply due by the clock's now; returns how many arrived. */
  tick(): number {
    const count = this.world.replies.materializeDue(this.clock.now());
    this.armTimer();
    return count;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Answers one request; `undefined` means the connection is to be dropped with no response (the
   * lost-response fault). Never rejects: a sandbox bug is a 500 naming it.
   */
  respond(req: SandboxRequest): Promise<SandboxReply | undefined> {
    return this.dispatch(req).catch((err: unknown) => ({
      status: 500,
      headers: {},
      body: errorBody(500, "INTERNAL_SERVER_ERROR", `Sandbox bug: ${(err as Error).message}`),
    }));
  }

  private buildWorld(): World {
    const world = new World(this.options, this.clock);
    world.replies.onChange = () => this.armTimer();
    return world;
  }

  /** With the system clock, wake up when the next reply is due so its webhook goes out on time. */
  private armTimer(): void {
    if (!this.options.useTimers) return;
    this.stop();
    const due = this.world.replies.nextDueAt();
    if (due === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, due - this.clock.now()));
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref();
  }

  private async dispatch(req: SandboxRequest): Promise<SandboxReply | undefined> {
    const url = new URL(req.target, "http://sandbox.invalid");
    if (url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`)) return this.api(req, url);
    if (url.pathname.startsWith(CONTROL_PREFIX)) return this.control(req, url);
    return reply(404, errorBody(404, "NOT_FOUND", `No route ${req.method} ${url.pathname}. The API lives under ${API_PREFIX}.`));
  }

  private isAuthorized(req: SandboxRequest): boolean {
    const header = req.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match?.[1]) return false;
    const given = Buffer.from(match[1].trim());
    const expected = Buffer.from(this.options.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private async api(req: SandboxRequest, url: URL): Promise<SandboxReply | undefined> {
    const raw = req.body;
    const world = this.world; // a reset mid-request must not split one request across two worlds
    world.stats.requests++;
    if (req.method !== "GET" && req.method !== "HEAD") world.stats.writes++;
    const now = this.clock.now();
    world.replies.materializeDue(now);
    const latency = world.faults.latencyMs(world.config);
    const respond = async (status: number, body: string, extra: Record<string, string> = {}): Promise<SandboxReply> => {
      if (status === 429) world.stats.rateLimited++;
      if (status >= 500) world.stats.serverErrors++;
      // Date from the sandbox's own clock (Node would stamp the wall clock): a rehearsal's simulated
      // time is the server time its clients measure (inbox/server-clock.ts).
      const headers = { Date: new Date(this.clock.now()).toUTCString(), ...this.rateHeaders(world, now), ...extra };
      if (latency > 0) await sleep(latency);
      return { status, headers, body };
    };
    const fail = (e: ApiError): Promise<SandboxReply> => respond(e.status, errorBody(e.status, e.code, e.message), e.headers);

    if (!this.isAuthorized(req)) {
      return fail(new ApiError(401, "UNAUTHORIZED", "Missing or invalid API token. Send Authorization: Bearer <token>."));
    }
    const quota = world.teamLimiter.take(now);
    if (!quota.allowed) {
      const seconds = quota.retryAfterSec ?? 1;
      // Wording and shape of the docs' 429 example (reference.md §4).
      return fail(new ApiError(429, "RATE_LIMITED", `Rate limit exceeded. Try again in ${seconds} seconds.`, { "Retry-After": String(seconds) }));
    }
    const path = url.pathname.slice(API_PREFIX.length) || "/";
    const matched = matchRoute(apiRoutes, req.method, path);
    if (!matched) return fail(new ApiError(404, "NOT_FOUND", `No route ${req.method} ${url.pathname}.`));
    if (world.faults.isServerError(world.config)) {
      return fail(new ApiError(500, "INTERNAL_SERVER_ERROR", "Injected server error (sandbox serverErrorRate)."));
    }
    const isSend = matched.route.isSend;
    const forced = isSend ? world.faults.takeForcedFailure() : undefined;
    if (forced && forced.status !== "lost") {
      world.stats.sendsRejected++;
      const extra: Record<string, string> = forced.status === 429 ? { "Retry-After": "1" } : {};
      return fail(new ApiError(forced.status, forced.code, `Forced failure (sandbox failNext): ${forced.code}.`, extra));
    }
    let result: HandlerResult;
    try {
      if (raw instanceof Error) throw raw;
      const body = req.method === "GET" || req.method === "DELETE" ? {} : parseJson(raw);
      result = matched.route.handler({ world, params: matched.params, query: url.searchParams, body, now });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (isSend) world.stats.sendsRejected++;
      return fail(err);
    }
    if (result.sent && (forced?.status === "lost" || world.faults.isLostResponse(world.config))) {
      // Stored, but the caller never learns it: the case that makes naive retries double-send.
      result.sent.responseLost = true;
      world.stats.lostResponses++;
      if (latency > 0) await sleep(latency);
      return undefined;
    }
    return respond(200, JSON.stringify(result.body));
  }

  private rateHeaders(world: World, now: number): Record<string, string> {
    const snap = world.teamLimiter.snapshot(now);
    if (!snap) return {};
    return {
      "X-RateLimit-Limit": String(snap.limit),
      "X-RateLimit-Remaining": String(snap.remaining),
      "X-RateLimit-Reset": String(snap.resetSec),
    };
  }

  private control(req: SandboxRequest, url: URL): SandboxReply {
    const raw = req.body;
    const send = reply;
    if (!this.isAuthorized(req)) {
      return send(401, errorBody(401, "UNAUTHORIZED", "Missing or invalid API token. Send Authorization: Bearer <token>."));
    }
    this.tick();
    const path = url.pathname.slice(CONTROL_PREFIX.length) || "/";
    const matched = matchRoute(controlRoutes(this), req.method, path);
    if (!matched) return send(404, errorBody(404, "NOT_FOUND", `No control route ${req.method} ${url.pathname}.`));
    try {
      if (raw instanceof Error) throw raw;
      const body = req.method === "GET" ? {} : parseJson(raw);
      const result = matched.route.handler({ world: this.world, params: matched.params, query: url.searchParams, body, now: this.clock.now() });
      return send(200, JSON.stringify(result.body));
    } catch (err) {
      if (err instanceof ApiError) return send(err.status, errorBody(err.status, err.code, err.message));
      const e = err as Error & { name?: string };
      if (e.name === "UserError") return send(400, errorBody(400, "BAD_REQUEST", e.message));
      throw err;
    }
  }
}

function reply(status: number, body: string): SandboxReply {
  return { status, headers: {}, body };
}
