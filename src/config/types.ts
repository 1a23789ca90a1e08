/**
 * The normalized campaign: what `loadCampaign()` returns after schema validation, normalisation
 * (paths made absolute, durations in ms, days as numbers) and cross-field checks. Every other
 * module works from this type, never from raw YAML.
 */

/** A sending window: inside `days`, between `start` and `end` minutes after local midnight in `timezone`. */
export interface SendingWindow {
  /** IANA zone, e.g. "Europe/London". */
  timezone: string;
  /** Days of the week on which sending is allowed; 0 = Sunday … 6 = Saturday. Never empty. */
  days: number[];
  /** Minutes after local midnight, inclusive. 0..1439. */
  startMinute: number;
  /** Minutes after local midnight, exclusive. 1..1440; always > startMinute (no overnight windows). */
  endMinute: number;
}

/** One rolling-window limit, e.g. 300 requests per 60,000 ms. */
export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface SequenceStep {
  kind: "sequence";
  /** Stable id recorded in the state file; renaming it re-messages people, so it is fingerprinted. */
  id: string;
  /** Absolute path of the Handlebars template. */
  template: string;
  /** Delay after the previous sequence step's actual send time; 0 for the first step. */
  afterMs: number;
  /** Position in the sequence, 0 = first message. */
  index: number;
}

export interface ReplyActions {
  /** Prospect status name, resolved to a status id (created if missing). */
  status?: string;
  /** Tag names, resolved to tag ids (created if missing). */
  tags: string[];
  /** Team member id to assign the thread to. */
  assignTo?: string;
  /** Mark the thread done (archived). */
  markDone?: boolean;
}

export interface ReplyStep {
  kind: "reply";
  id: string;
  /** Absolute template path; absent when the step only carries actions. */
  template?: string;
  /** Wait this long after the reply before acting (still subject to windows and caps when it sends). */
  delayMs: number;
  /** Case-insensitive regular expression source tested against the reply text; absent = any reply. */
  match?: string;
  actions: ReplyActions;
}

export type Step = SequenceStep | ReplyStep;

export interface Campaign {
  name: string;
  /** File-system-safe form of the name, used for default paths. */
  slug: string;
  /** Absolute path of the campaign.yaml. */
  file: string;
  /** Directory of the campaign.yaml; relative paths in it resolve from here. */
  dir: string;
  leads: {
    /** Absolute path of the CSV. */
    file: string;
    /** Single character; absent = detected from the header line (leads/delimiter.ts). */
    delimiter?: string;
    /** Encoding of a CSV without a byte-order mark (iconv-lite name); absent = strict UTF-8. */
    encoding?: string;
    /** Column holding the lead's X user id (externalPlatformId): a digit string. */
    idColumn: string;
    usernameColumn?: string;
    /** Column holding a per-lead IANA zone; an empty cell falls back to pacing.timezone. */
    timezoneColumn?: string;
  };
  /** Do-not-contact list: one X user id per line (a `#` starts a comment). Opt-outs are appended here. */
  suppressionFile?: string;
  /** Whether `suppressionFile` may be missing (then it is an empty list, created by the first opt-out). */
  suppressionMayBeMissing?: boolean;
  /** Sender account link ids; each lead sticks to one for its whole sequence. */
  accounts: string[];
  /** First message and the no-reply follow-ups, in order. Never empty. */
  sequence: SequenceStep[];
  /** Steps fired by a lead's first reply. */
  replySteps: ReplyStep[];
  pacing: {
    window: SendingWindow;
    perAccount: {
      /** Max sends per account in any rolling hour. */
      perHour: number;
      /** Max sends per account in any rolling 24 h. */
      perDay: number;
      /** Random gap between two sends of one account, uniform in [gapMinMs, gapMaxMs]. */
      gapMinMs: number;
      gapMaxMs: number;
    };
    /** Team-wide API quota (all requests). Defaults: 300/min, 10,000/h, 100,000/day (docs' rate-limit page, 2026). */
    api: RateWindow[];
  };
  replies: {
    source: "events" | "webhook";
    /** How often the Events API is polled while the campaign runs (also used to fill webhook seq gaps). */
    pollIntervalMs: number;
    webhook?: { host: string; port: number; path: string };
    /** Extra phrases that count as a request to stop, besides the built-in classifier (replies/opt-out.ts). */
    optOut: string[];
    /** How long a lead stays open for replies after its last sequence step. */
    keepOpenMs: number;
  };
  /** Absolute path of the state file. */
  stateFile: string;
  /** A lead already in conversation with any of the team's account links: skipped (default) or contacted anyway. */
  contacted: "skip" | "allow";
  team: {
    /** Redis URL shared by the team's runners (campaign `team.redis`; OUTREACH_REDIS_URL wins at run time). */
    redisUrl?: string;
    /** Redis unreachable at start: refuse to start, or run alone on `localShare` of every quota window. */
    whenRedisDown: "fail" | "local";
    /** (0, 1]; default 0.25. */
    localShare: number;
  };
}
