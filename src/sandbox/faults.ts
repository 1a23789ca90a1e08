/**
 * Injected failures. Each kind draws from its own seeded stream, so enabling one fault does not change
 * which requests another one hits, and a run with the same seed and request order fails the same way.
 */
import { seededRandom } from "./ids.js";
import type { SandboxLiveConfig } from "./options.js";

/** `"lost"` stores the send and then drops the connection, like `lostResponseRate`. */
export type ForcedFailure = { status: number; code: string } | { status: "lost" };

/** Codes for forced statuses, named like the documented v1 codes (reference.md §2). */
const DEFAULT_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "PROSPECT_NOT_FOUND",
  409: "ACCOUNT_LINK_OFFLINE",
  422: "RECIPIENT_UNAVAILABLE",
  429: "RATE_LIMITED",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
};

export function defaultCode(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST");
}

export class Faults {
  private readonly serverErrorDraw: () => number;
  private readonly lostDraw: () => number;
  private readonly latencyDraw: () => number;
  private readonly webhookDraw: () => number;
  private forced: { remaining: number; failure: ForcedFailure } | undefined;

  constructor(seed: string) {
    this.serverErrorDraw = seededRandom(seed, "fault", "server-error");
    this.lostDraw = seededRandom(seed, "fault", "lost-response");
    this.latencyDraw = seededRandom(seed, "fault", "latency");
    this.webhookDraw = seededRandom(seed, "fault", "webhook-drop");
  }

  // Rates of 0 draw nothing, so turning a fault on later starts its stream from the beginning.
  isServerError(config: SandboxLiveConfig): boolean {
    return config.serverErrorRate > 0 && this.serverErrorDraw() < config.serverErrorRate;
  }

  isLostResponse(config: SandboxLiveConfig): boolean {
    return config.lostResponseRate > 0 && this.lostDraw() < config.lostResponseRate;
  }

  dropsWebhook(config: SandboxLiveConfig): boolean {
    return config.dropWebhookRate > 0 && this.webhookDraw() < config.dropWebhookRate;
  }

  latencyMs(config: SandboxLiveConfig): number {
    const l = config.latencyMs;
    if (typeof l === "number") return l;
    const [min, max] = l;
    return Math.round(min + this.latencyDraw() * (max - min));
  }

  /** The next `count` sends fail with `failure` (before processing, except "lost"). */
  failNext(count: number, failure: ForcedFailure): void {
    this.forced = count > 0 ? { remaining: count, failure } : undefined;
  }

  takeForcedFailure(): ForcedFailure | undefined {
    const forced = this.forced;
    if (!forced) return undefined;
    forced.remaining--;
    if (forced.remaining <= 0) this.forced = undefined;
    return forced.failure;
  }
}
