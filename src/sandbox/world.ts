/**
 * Everything one sandbox run holds in memory, wired together. `reset()` builds a fresh World from the
 * same options, which restores the initial (seeded, deterministic) state.
 */
import type { Clock } from "../platform/clock.js";
import { Catalog } from "./catalog.js";
import { EventLog } from "./events.js";
import { Faults } from "./faults.js";
import { IdGenerator } from "./ids.js";
import type { ResolvedOptions, SandboxConfigPatch, SandboxLiveConfig } from "./options.js";
import { ProspectDirectory } from "./prospects.js";
import { KeyedLimiter, SlidingWindowLimiter } from "./rate-limiter.js";
import { ReplyScheduler } from "./replies.js";
import { Store } from "./store.js";
import { WebhookDispatcher } from "./webhooks.js";

export interface RequestStats {
  /** Every /api/v1 request received. */
  requests: number;
  /** Of those, the ones that may change something (any method but GET and HEAD), whatever their answer. */
  writes: number;
  /** 429s served (team quota and per-account send limit). */
  rateLimited: number;
  /** 5xx served (injected or forced). */
  serverErrors: number;
  /** Sends stored whose response was deliberately lost. */
  lostResponses: number;
  /** Send requests refused (4xx/5xx/429) without storing a message. */
  sendsRejected: number;
}

export class World {
  config: SandboxLiveConfig;
  readonly ids: IdGenerator;
  readonly catalog: Catalog;
  readonly directory: ProspectDirectory;
  readonly events: EventLog;
  readonly store: Store;
  readonly replies: ReplyScheduler;
  readonly faults: Faults;
  readonly webhooks: WebhookDispatcher;
  teamLimiter: SlidingWindowLimiter;
  sendLimiter: KeyedLimiter;
  readonly stats: RequestStats = {
    requests: 0,
    writes: 0,
    rateLimited: 0,
    serverErrors: 0,
    lostResponses: 0,
    sendsRejected: 0,
  };

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: Clock,
  ) {
    this.config = structuredClone(options.live);
    this.ids = new IdGenerator(options.seed);
    this.catalog = new Catalog(options.seed, this.ids, options.teamName, options.accountLinks);
    this.directory = new ProspectDirectory(options.seed, options.prospects);
    this.events = new EventLog(this.catalog.team.id, options.eventRetentionMs);
    this.store = new Store({
      ids: this.ids,
      clock,
      config: () => this.config,
      directory: this.directory,
      catalog: this.catalog,
      events: this.events,
    });
    this.replies = new ReplyScheduler(this.store);
    this.faults = new Faults(options.seed);
    this.webhooks = new WebhookDispatcher(clock);
    this.teamLimiter = new SlidingWindowLimiter(windowsOf(this.config.rateLimit));
    this.sendLimiter = new KeyedLimiter(windowsOf(this.config.sendRateLimit));
    this.events.onAppend((stored) => {
      const target = this.config.webhook;
      if (target) this.webhooks.enqueue(this.events.render(stored), target, this.faults.dropsWebhook(this.config));
    });
  }

  /** Applies a validated patch; changed limits start with empty windows. */
  configure(patch: SandboxConfigPatch): void {
    this.config = { ...this.config, ...patch };
    if (patch.rateLimit !== undefined) this.teamLimiter = new SlidingWindowLimiter(windowsOf(this.config.rateLimit));
    if (patch.sendRateLimit !== undefined) this.sendLimiter = new KeyedLimiter(windowsOf(this.config.sendRateLimit));
  }
}

function windowsOf(limit: SandboxLiveConfig["rateLimit"]): { limit: number; windowMs: number }[] {
  return limit === "off" ? [] : limit;
}
