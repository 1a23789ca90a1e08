/**
 * What a sandbox can be told: start-up options, the subset that can be changed while it runs, and their
 * defaults. One zod schema validates both the programmatic options and `POST /_sandbox/config`.
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { RateWindow } from "../config/types.js";
import { UserError } from "../errors.js";
import type { Clock } from "../platform/clock.js";
import { DEFAULT_TEAM_LIMITS } from "./rate-limiter.js";

/** A fixed per-prospect profile; fields not given are generated from the id. */
export interface ProspectOverride {
  username?: string;
  displayName?: string;
  isProtected?: boolean;
}

/** The settings that `configure()` / `POST /_sandbox/config` may change while the sandbox runs. */
export interface SandboxLiveConfig {
  /** Team quota, counted on every /api/v1 request. Default 300/min, 10,000/h, 100,000/day (reference.md §4). */
  rateLimit: RateWindow[] | "off";
  /** Extra limit on sends per account link (the G1 docs had 10/min; the current ones state none). Default "off". */
  sendRateLimit: RateWindow[] | "off";
  /** Share of prospects (by hash of id + seed) whose DMs are closed: sends fail 422 RECIPIENT_UNAVAILABLE. Default 0. */
  unreachableRate: number;
  /** Prospects that can never be messaged (422 RECIPIENT_UNAVAILABLE), whatever the rate. Default []. */
  unreachableIds: string[];
  /** X ids that do not exist: sends fail 404 PROSPECT_NOT_FOUND and lookups return null. Default []. */
  unknownIds: string[];
  /** Account links X signed out: listed with status "offline"; sends fail 409 ACCOUNT_LINK_OFFLINE. Default []. */
  offlineAccountLinks: string[];
  /** Share of prospects (by hash of id + seed) who answer our first message. Default 0.2. */
  replyRate: number;
  /** Reply delay range in clock ms, picked per prospect. Default 1 min – 1 h (invented: short enough for a rehearsal). */
  replyDelayMs: [number, number];
  /** What prospects say, picked per prospect; includes an opt-out. */
  replyTexts: string[];
  /** Share of /api/v1 requests answered 500 before any processing. Default 0. */
  serverErrorRate: number;
  /** Wall-clock delay before each /api/v1 response (after processing): fixed or [min, max]. Default 0. */
  latencyMs: number | [number, number];
  /** Share of successful sends whose connection is destroyed after the message is stored. Default 0. */
  lostResponseRate: number;
  /** Share of webhook deliveries silently skipped (the event stays in GET /events). Default 0. */
  dropWebhookRate: number;
  /** Where events are POSTed, signed with `secret`; absent = no webhooks. */
  webhook?: { url: string; secret: string };
}

export interface SandboxOptions extends Partial<SandboxLiveConfig> {
  /** TCP port; default 0 = any free port. */
  port?: number;
  /** Default "127.0.0.1" (loopback only). */
  host?: string;
  /** Bearer token every request must carry; default a random `sandbox_…`. */
  token?: string;
  /** Everything invented (ids, who replies, which faults fire) derives from it. Default "sandbox". */
  seed?: string;
  /** Clock for message times, reply delays, rate windows and event retention. Default systemClock. */
  clock?: Clock;
  /** Also materialise due replies on a wall-clock timer (so webhooks go out on time without requests).
   * Default: true unless a clock is injected (a SimulatedClock must not be raced by real timers). */
  timers?: boolean;
  /** Default "Sandbox Team". */
  teamName?: string;
  /** Account link ids (each must match ^[0-9a-z]+$). Default: two ids derived from the seed. */
  accountLinks?: string[];
  /** Fixed profiles by X id. */
  prospects?: Record<string, ProspectOverride>;
  /** How long GET /events keeps events, in clock ms. Default 7 days (reference.md §7). */
  eventRetentionMs?: number;
  /** Called once per HTTP request when its response ends (or its connection drops). Default: none. */
  onRequest?: (entry: SandboxRequestLog) => void;
}

/** One request as `outreach sandbox` logs it. */
export interface SandboxRequestLog {
  method: string;
  /** Path and query as requested, e.g. "/api/v1/threads/lookup?accountLinkId=…". */
  path: string;
  /** HTTP status sent, or "dropped" when the connection closed without a response (a lost-response fault). */
  status: number | "dropped";
  /** Wall time from request to the end of the response, ms. */
  ms: number;
}

export const DEFAULT_REPLY_TEXTS: readonly string[] = [
  "Sounds good, send details",
  "Thanks for reaching out! What does pricing look like?",
  "Sure, happy to chat next week.",
  "Who is this?",
  "not interested, please stop",
];

export const DEFAULT_LIVE_CONFIG: Readonly<SandboxLiveConfig> = {
  rateLimit: DEFAULT_TEAM_LIMITS.map((w) => ({ ...w })),
  sendRateLimit: "off",
  unreachableRate: 0,
  unreachableIds: [],
  unknownIds: [],
  offlineAccountLinks: [],
  replyRate: 0.2,
  replyDelayMs: [60_000, 3_600_000],
  replyTexts: [...DEFAULT_REPLY_TEXTS],
  serverErrorRate: 0,
  latencyMs: 0,
  lostResponseRate: 0,
  dropWebhookRate: 0,
};

export const SEVEN_DAYS_MS = 7 * 86_400_000;

const rate = z.number().min(0).max(1);
const digits = z.string().regex(/^\d+$/, "expected an X user id (digits)");
const windows = z.union([
  z.literal("off"),
  z.array(z.object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() })),
]);
const range = z
  .tuple([z.number().min(0), z.number().min(0)])
  .refine(([min, max]) => min <= max, "expected [min, max] with min <= max");

export const liveConfigPatchSchema = z
  .object({
    rateLimit: windows,
    sendRateLimit: windows,
    unreachableRate: rate,
    unreachableIds: z.array(digits),
    unknownIds: z.array(digits),
    offlineAccountLinks: z.array(z.string()),
    replyRate: rate,
    replyDelayMs: range,
    replyTexts: z.array(z.string().min(1)).min(1),
    serverErrorRate: rate,
    latencyMs: z.union([z.number().min(0), range]),
    lostResponseRate: rate,
    dropWebhookRate: rate,
    webhook: z.object({ url: z.url(), secret: z.string().min(1) }),
  })
  .partial()
  .strict();

export type SandboxConfigPatch = Partial<SandboxLiveConfig>;

/** Validates a patch (from code or JSON), collecting every problem into one message. */
export function parseConfigPatch(input: unknown, where: string): SandboxConfigPatch {
  const result = liveConfigPatchSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new UserError(`Invalid sandbox ${where}: ${problems.join("; ")}`);
  }
  const patch: SandboxConfigPatch = {};
  // Copy only keys that were given: exactOptionalPropertyTypes forbids explicit undefined.
  for (const [key, value] of Object.entries(result.data)) {
    if (value !== undefined) Object.assign(patch, { [key]: value });
  }
  return patch;
}

export function applyPatch(config: SandboxLiveConfig, patch: SandboxConfigPatch): SandboxLiveConfig {
  return { ...config, ...patch };
}

/** Start-up options after defaults, validated. */
export interface ResolvedOptions {
  port: number;
  host: string;
  token: string;
  seed: string;
  useTimers: boolean;
  teamName: string;
  accountLinks: string[] | undefined;
  prospects: Record<string, ProspectOverride>;
  eventRetentionMs: number;
  live: SandboxLiveConfig;
}

export function resolveOptions(options: SandboxOptions, clockInjected: boolean): ResolvedOptions {
  const { port, host, token, seed, clock: _clock, timers, teamName, accountLinks, prospects, eventRetentionMs, onRequest: _onRequest, ...live } =
    options;
  const patch = parseConfigPatch(live, "options");
  for (const id of accountLinks ?? []) {
    if (!/^[0-9a-z]+$/.test(id)) throw new UserError(`Invalid sandbox account link id "${id}": expected [0-9a-z]+`);
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new UserError(`Invalid sandbox port ${port}: expected 0..65535`);
  }
  return {
    port: port ?? 0,
    host: host ?? "127.0.0.1",
    token: token ?? `sandbox_${randomBytes(16).toString("hex")}`,
    seed: seed ?? "sandbox",
    useTimers: timers ?? !clockInjected,
    teamName: teamName ?? "Sandbox Team",
    accountLinks: accountLinks && accountLinks.length > 0 ? [...accountLinks] : undefined,
    prospects: prospects ?? {},
    eventRetentionMs: eventRetentionMs ?? SEVEN_DAYS_MS,
    live: applyPatch(structuredClone(DEFAULT_LIVE_CONFIG) as SandboxLiveConfig, patch),
  };
}
