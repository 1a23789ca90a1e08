/**
 * The zod schema of campaign.yaml AS WRITTEN (before normalisation). It is the single source of
 * truth for validation and for the editor JSON Schema (json-schema.ts), so it holds no transforms:
 * normalise.ts turns the parsed value into a `Campaign`.
 *
 * Every object is strict: an unknown key is an error, because a typo such as `perHuor` would
 * otherwise silently leave a safety limit at its default.
 *
 * Messages given here are *expectations* ("expected a duration like …"); messages.ts appends what
 * was found, so every problem reads `expected X, got Y`. Rules that span several fields live in
 * rules.ts, not here, so they can be checked even when an unrelated field is malformed.
 */
import { z } from "zod";
import { DURATION_RANGE_SOURCE, DURATION_SOURCE, parseDuration, parseRange } from "./duration.js";
import { isKnownEncoding } from "../leads/encoding.js";
import { zoneProblem } from "./time-zones.js";
import { DAY_LIST_SOURCE, DAY_RANGE_SOURCE, HOURS_SOURCE, parseHours } from "./window.js";

/** Defaults, in one place so the schema, the rules and the docs agree. */
export const DEFAULTS = {
  days: "mon-fri",
  hours: "09:00-17:00",
  perAccount: { perHour: 20, perDay: 80, gap: "45s-3m" },
  /** The team-wide Inbox API quota: docs' rate-limit page, 2026. */
  api: { perMinute: 300, perHour: 10_000, perDay: 100_000 },
  replyDelay: "0s",
  replies: {
    source: "events",
    pollEvery: "30s",
    optOut: [] as string[],
    keepOpenFor: "7d",
  },
  webhook: { host: "127.0.0.1", path: "/inbox/webhook" },
  contacted: "skip",
  team: { whenRedisDown: "fail", localShare: 0.25 },
} as const;

/** Account link ids as the Inbox API issues them (GET /account-links). */
export const ACCOUNT_ID_SOURCE = "^[0-9a-z]+$";
/** Step ids are recorded in the state file and appear in logs, so keep them plain. */
export const STEP_ID_SOURCE = "^[a-z0-9][a-z0-9_-]*$";

const ZONE_EXPECTED = 'expected an IANA time zone like "Europe/London"';

const DURATION_EXPECTED = 'expected a duration like "3d", "90m" or "1h30m"';

const duration = (description: string) =>
  z
    .string({ error: DURATION_EXPECTED })
    .regex(new RegExp(`^${DURATION_SOURCE}$`), { error: DURATION_EXPECTED })
    .meta({ description });

const filePath = (description: string) =>
  z.string({ error: "expected a file path" }).min(1, { error: "expected a file path" }).meta({ description });

const positiveInt = (description: string) =>
  z.int({ error: "expected a whole number" }).min(1, { error: "expected a whole number of at least 1" }).meta({ description });

const stepId = z
  .string({ error: 'expected a step id like "intro"' })
  .regex(new RegExp(STEP_ID_SOURCE), { error: 'expected a step id of lowercase letters, digits, "-" and "_", like "follow-up-1"' })
  .meta({ description: "Stable id, recorded per lead in the state file. Renaming a step makes it new: leads get it again." });

const regexSource = z
  .string({ error: "expected a regular expression" })
  .superRefine((source, ctx) => {
    try {
      // Compiled as the reply matcher will use it: case-insensitive.
      new RegExp(source, "i");
    } catch (err) {
      const reason = err instanceof Error ? (err.message.split(": ").pop() ?? err.message) : String(err);
      ctx.addIssue({ code: "custom", message: `expected a valid regular expression (${reason.toLowerCase()})` });
    }
  });

const sequenceStep = z
  .strictObject({
    id: stepId,
    template: filePath("Handlebars template of the message, relative to this file."),
    after: duration(
      "Wait this long after the previous sequence step was actually sent; leads who replied are skipped. " +
        "Required on every follow-up, not allowed on the first step.",
    ).optional(),
    // Declared only to be refused: a mapping with `on:` then fails this branch outright, so zod's
    // union never mistakes a reply step with a small mistake for a sequence step with unknown keys.
    on: z.never().optional().meta({ description: "Only reply steps have `on`." }),
  })
  .meta({ title: "Sequence step", description: "A message sent to every lead who has not replied yet." });

const replyActions = z
  .strictObject({
    status: z.string().min(1).optional().meta({ description: "Prospect status by name (created if missing)." }),
    tags: z.array(z.string().min(1)).optional().meta({ description: "Tags by name (created if missing). Default: none." }),
    assignTo: z.string().min(1).optional().meta({ description: "Team member id to assign the thread to." }),
    markDone: z.boolean().optional().meta({ description: "Mark the thread done (archived). Default: false." }),
  })
  .meta({ description: "What to do to the thread when the step fires." });

const replyStep = z
  .strictObject({
    id: stepId,
    on: z.literal("reply").meta({ description: "Fire once, on the lead's first reply." }),
    delay: duration("Wait this long after the reply before acting. Default: 0s.").default(DEFAULTS.replyDelay),
    match: regexSource
      .optional()
      .meta({ description: "Case-insensitive regular expression tested against the reply text. Default: any reply." }),
    template: filePath("Handlebars template of the answer, relative to this file; optional when the step only has actions.").optional(),
    actions: replyActions.optional(),
  })
  .meta({ title: "Reply step", description: "Fired by a lead's first reply; needs a template or at least one action." });

/** A mapping carrying `on:` means a reply step; messages.ts relies on the literal to tell the two apart. */
export const stepSchema = z.union([sequenceStep, replyStep], {
  error: "expected a step mapping, like {id: intro, template: intro.hbs} or {id: thanks, on: reply, template: thanks.hbs}",
});

const days = z
  .union([
    z
      .array(z.string().regex(new RegExp(DAY_LIST_SOURCE), { error: "expected a day name like mon or Monday" }))
      .min(1, { error: "expected at least one day" }),
    z.string().regex(new RegExp(DAY_RANGE_SOURCE), { error: 'expected a day range like "mon-fri"' }),
  ], { error: 'expected a list of days like [mon, tue] or a range like "mon-fri"' })
  .default(DEFAULTS.days)
  .meta({ description: 'Days on which to send: a list of day names or a range like "mon-fri" or "Mon-Fri" (any case; "Monday" too). Default: "mon-fri".' });

const hours = z
  .string({ error: 'expected hours like "09:00-17:00"' })
  .regex(new RegExp(HOURS_SOURCE), { error: 'expected hours like "09:00-17:00"' })
  // No overnight windows: the scheduler assumes start < end within one local day.
  .refine((text) => {
    const window = parseHours(text);
    return window === undefined || window.startMinute < window.endMinute;
  }, { error: 'expected the start before the end, like "09:00-17:00" (overnight windows are not supported)' })
  .default(DEFAULTS.hours)
  .meta({ description: 'Local sending hours "HH:MM-HH:MM", start before end. Default: "09:00-17:00".' });

const GAP_RE = new RegExp(`^${DURATION_RANGE_SOURCE}$`);
const gap = z
  .string({ error: 'expected a pause like "45s-3m" or "1m"' })
  .regex(GAP_RE, { error: 'expected a pause like "45s-3m" or "1m"' })
  // Only the order is checked here; a malformed gap is reported once, by the pattern above.
  .refine((text) => !GAP_RE.test(text) || parseRange(text) !== undefined, {
    error: 'expected the shorter pause first, like "45s-3m"',
  })
  .default(DEFAULTS.perAccount.gap)
  .meta({ description: 'Random pause between two sends of one account: "min-max" or one duration. Default: "45s-3m".' });

const pacing = z
  .strictObject({
    timezone: z
      .string({ error: ZONE_EXPECTED })
      .superRefine((zone, ctx) => {
        const problem = zoneProblem(zone);
        if (problem === undefined) return;
        // An abbreviation or offset Intl accepts gets the reason and the likely IANA name.
        ctx.addIssue({ code: "custom", message: problem.kind === "unknown" ? ZONE_EXPECTED : `${ZONE_EXPECTED} (${problem.message})` });
      })
      .meta({ description: "IANA zone of the sending window; a lead's own zone wins when leads.timezoneColumn is set." }),
    days,
    hours,
    perAccount: z
      .strictObject({
        perHour: positiveInt("Max sends per account in any rolling hour. Default: 20.").default(DEFAULTS.perAccount.perHour),
        perDay: positiveInt("Max sends per account in any rolling 24 hours; at least perHour. Default: 80.").default(
          DEFAULTS.perAccount.perDay,
        ),
        gap,
      })
      .prefault({})
      .meta({ description: "Per-sender limits. Defaults: 20/hour, 80/day, 45s-3m between sends." }),
    api: z
      .strictObject({
        perMinute: positiveInt("Default: 300 (docs' rate-limit page, 2026).").default(DEFAULTS.api.perMinute),
        perHour: positiveInt("Default: 10000.").default(DEFAULTS.api.perHour),
        perDay: positiveInt("Default: 100000.").default(DEFAULTS.api.perDay),
        windows: z
          .array(
            z.strictObject({
              limit: positiveInt("Requests allowed in any sliding window of this length."),
              per: duration("Length of the sliding window; above 0.").refine((text) => parseDuration(text) !== 0, {
                error: "expected a duration above 0",
              }),
            }),
          )
          .min(1, { error: "expected at least one window" })
          .optional()
          .meta({
            description:
              "Advanced: the quota's sliding windows given explicitly (e.g. a sandbox with limits scaled to seconds); " +
              "when given they replace perMinute, perHour and perDay. Default: absent.",
          }),
      })
      .prefault({})
      .meta({ description: "The team's Inbox API quota across all requests; defaults are the documented limits." }),
  })
  .meta({ description: "When and how fast to send." });

const webhook = z
  .strictObject({
    host: z.string().min(1).default(DEFAULTS.webhook.host).meta({ description: 'Interface to listen on. Default: "127.0.0.1".' }),
    port: z
      .int({ error: "expected a port number" })
      .min(1, { error: "expected a port from 1 to 65535" })
      .max(65_535, { error: "expected a port from 1 to 65535" })
      .meta({ description: "Port to listen on (1-65535). Required." }),
    path: z
      .string()
      .regex(/^\//, { error: 'expected a URL path starting with "/"' })
      .default(DEFAULTS.webhook.path)
      .meta({ description: 'Default: "/inbox/webhook".' }),
  })
  .meta({ description: "Webhook listener, used with source: webhook; verified with INBOX_WEBHOOK_SECRET." });

const replies = z
  .strictObject({
    source: z
      .enum(["events", "webhook"])
      .default(DEFAULTS.replies.source)
      .meta({ description: "events (default: polls GET /events, no public URL needed) or webhook." }),
    // Zero would poll in a tight loop and burn the API quota.
    pollEvery: duration("How often the Events API is polled; above 0. Default: 30s.")
      .refine((text) => parseDuration(text) !== 0, { error: "expected a duration above 0" })
      .default(DEFAULTS.replies.pollEvery),
    webhook: webhook.optional(),
    optOut: z
      .array(z.string().min(1))
      .default([...DEFAULTS.replies.optOut])
      .meta({ description: "Extra phrases that count as a request to stop (whole words, any case), besides the built-in classifier's keywords and phrases in English, Spanish, French, German and Portuguese. Default: none." }),
    keepOpenFor: duration("How long a lead stays open for replies after its last step. Default: 7d.").default(
      DEFAULTS.replies.keepOpenFor,
    ),
  })
  .prefault({})
  .meta({ description: "How replies are detected. Default: poll the Events API every 30s." });

const team = z
  .strictObject({
    redis: z
      .string({ error: "expected a Redis URL like redis://127.0.0.1:6379" })
      .regex(/^rediss?:\/\/\S+$/, { error: "expected a Redis URL like redis://127.0.0.1:6379" })
      .optional()
      .meta({
        description:
          "Redis shared by every runner of the team (the API quota, lead claims). OUTREACH_REDIS_URL overrides it. " +
          "Default: none (this runner keeps the quota alone).",
      }),
    whenRedisDown: z
      .enum(["fail", "local"], { error: 'expected "fail" or "local"' })
      .default(DEFAULTS.team.whenRedisDown)
      .meta({
        description:
          "Redis unreachable at start: fail (default: refuse to start) or local (run alone on localShare of every quota window). " +
          "Redis lost mid-run always holds requests until it is back.",
      }),
    localShare: z
      .number({ error: "expected a number above 0 and at most 1" })
      .gt(0, { error: "expected a number above 0 and at most 1" })
      .max(1, { error: "expected a number above 0 and at most 1" })
      .default(DEFAULTS.team.localShare)
      .meta({ description: "Share of each quota window a runner takes alone with whenRedisDown: local. Default: 0.25 (four runners stay within the quota)." }),
  })
  .meta({ description: "Running as a team: several runners share one quota through Redis." });

export const campaignSchema = z
  .strictObject({
    name: z.string({ error: "expected a campaign name" }).min(1, { error: "expected a campaign name" }).meta({
      description: "Shown in logs; its slug names the default state file.",
    }),
    leads: z
      .strictObject({
        file: filePath("CSV of leads, relative to this file."),
        idColumn: z.string().min(1).meta({ description: "Column with the lead's X user id (externalPlatformId), digits only." }),
        usernameColumn: z.string().min(1).optional().meta({ description: "Column with the X username." }),
        timezoneColumn: z
          .string()
          .min(1)
          .optional()
          .meta({ description: "Column with a per-lead IANA zone: message each lead inside its own local window." }),
        delimiter: z
          .string()
          .length(1, { error: "expected a single character" })
          .optional()
          .meta({ description: 'CSV field delimiter, one character. Default: detected from the header line (",", ";", tab or "|").' }),
        encoding: z
          .string()
          .refine(isKnownEncoding, { error: 'expected a character encoding like "windows-1252", "latin1" or "utf-16le"' })
          .optional()
          .meta({
            description:
              'Character encoding of a CSV without a byte-order mark, e.g. "windows-1252" (Excel\'s plain "CSV" on Windows) or "macintosh". Default: UTF-8, checked strictly; a byte-order mark (UTF-8, UTF-16 LE/BE) always wins.',
          }),
      })
      .meta({ description: "Where the leads come from." }),
    suppression: z
      .union([
        filePath("Do-not-contact list, one X user id per line; opt-outs are appended. It must exist."),
        z.strictObject({
          file: filePath("Do-not-contact list, one X user id per line; opt-outs are appended."),
          create: z
            .boolean()
            .default(false)
            .meta({ description: "true: a missing file is an empty list, created by the first opt-out. Default: false (a missing file is an error: a misspelt path must not mean an empty list)." }),
        }),
      ], { error: "expected a file path, or a mapping like {file: suppression.txt, create: true}" })
      .optional()
      .meta({ description: "Optional do-not-contact list. A path (the file must exist) or {file, create: true} to start without one." }),
    accounts: z
      .array(
        z
          .string({ error: "expected an account link id" })
          .regex(new RegExp(ACCOUNT_ID_SOURCE), { error: "expected an account link id of lowercase letters and digits" }),
        { error: "expected a list of account link ids" },
      )
      .min(1, { error: "expected at least one account link id" })
      .meta({ description: "Sender account link ids (GET /account-links); each lead sticks to one." }),
    steps: z
      .array(stepSchema, { error: "expected a list of steps" })
      .min(1, { error: "expected at least one step" })
      .meta({ description: "The sequence (first message, then follow-ups with `after`) and reply steps (`on: reply`)." }),
    pacing,
    replies,
    state: filePath("State file. Default: .outreach/<slug of name>.json beside this file.").optional(),
    contacted: z
      .enum(["skip", "allow"], { error: 'expected "skip" or "allow"' })
      .default(DEFAULTS.contacted)
      .meta({
        description:
          "A lead who already has a conversation (a thread with messages) with any account link of the team: " +
          'skip (default: never a cold intro into an existing conversation) or allow. Checked with one read per lead, before its first message.',
      }),
    team: team.optional(),
  })
  .meta({ title: "inbox-outreach campaign", description: "A bulk X DM campaign run by `outreach run`." });

/** The validated campaign before normalisation, defaults applied. */
export type CampaignInput = z.output<typeof campaignSchema>;
