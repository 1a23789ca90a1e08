/**
 * Where a runner meets its team: the team's Redis (src/team/) for the shared quota and lead claims,
 * joined with the team's id from GET /team. Used by `outreach run` and the dry run's `--lookup`.
 */
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { Campaign } from "../config/types.js";
import { UserError } from "../errors.js";
import { DEFAULT_BASE_URL } from "../inbox/client-options.js";
import { AuthError, InboxError, NotFoundError } from "../inbox/errors.js";
import { mayWaitOut } from "./startup-patience.js";
import type { InboxApi } from "../inbox/types.js";
import { joinTeam, type Team } from "../team/index.js";
import type { Clock } from "./clock.js";

/** A start-up request's failure as the user should read it: a rejected token or an API error is no bug. */
export function explainStartupError(err: unknown): unknown {
  if (err instanceof AuthError && err.status === 401) {
    return new UserError("the Inbox API rejected INBOX_API_TOKEN (401 Unauthorized); nothing was sent", {
      hint: "create a new token in Inbox → Settings → API and export INBOX_API_TOKEN=…; to rehearse a campaign without one: outreach run <campaign.yaml> --sandbox",
      cause: err,
    });
  }
  if (err instanceof NotFoundError) {
    // The first request of a run is GET /account-links or /team: a 404 there is a base URL without /api/v1.
    return new UserError(`could not start: ${err.message}`, {
      hint: `check INBOX_API_URL: the API lives under /api/v1 (e.g. ${DEFAULT_BASE_URL})`,
      cause: err,
    });
  }
  if (err instanceof InboxError) return new UserError(`could not start: ${err.message}`, { cause: err });
  return err;
}

/**
 * Joins the team's Redis (src/team/) when OUTREACH_REDIS_URL or the campaign's team.redis names one;
 * undefined otherwise (the runner keeps the quota alone, as before). The keys are the team's id, read
 * with GET /team — every token of one team shares one quota (reference.md §4) — unless a runner with
 * the same token already kept it in Redis (that read is the one request outside the shared gate).
 */
export async function joinTeamOf(
  campaign: Campaign,
  env: NodeJS.ProcessEnv,
  api: InboxApi,
  clock: Clock,
  stateFile: string,
  note: (level: "info" | "warn", message: string) => void,
): Promise<Team | undefined> {
  const url = env["OUTREACH_REDIS_URL"] || campaign.team.redisUrl;
  if (!url) return undefined;
  // A digest of where and with what the API is reached: the same token names the same team.
  const tokenDigest = createHash("sha256")
    .update(`outreach team of\n${env["INBOX_API_URL"] || DEFAULT_BASE_URL}\n${env["INBOX_API_TOKEN"] ?? ""}`)
    .digest("hex");
  const read = async (): Promise<string> => {
    try {
      return (await readTeamPatiently(api, clock, note)).id;
    } catch (err) {
      throw explainStartupError(err);
    }
  };
  return joinTeam({
    url,
    team: { tokenDigest, read },
    windows: campaign.pacing.api,
    whenRedisDown: campaign.team.whenRedisDown,
    localShare: campaign.team.localShare,
    owner: { name: campaign.name, host: hostname(), stateFile },
    clock,
    note,
  });
}

/**
 * GET /team, waiting out 429s like the start-up read of the account links (a full quota is no input
 * error; runners starting together share the quota before they share the gate): see STARTUP_429_PATIENCE_MS.
 */
async function readTeamPatiently(api: InboxApi, clock: Clock, note: (level: "info" | "warn", message: string) => void): Promise<{ id: string }> {
  const startedAt = clock.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.getTeam({ retry: false });
    } catch (err) {
      if (!mayWaitOut(err, startedAt, clock)) throw err;
      if (attempt === 1) note("warn", `the Inbox API is rate limiting the team (429); reading the team again in ${Math.ceil(err.retryAfterMs / 1000)} s, for up to 10 minutes`);
      await clock.sleep(err.retryAfterMs);
    }
  }
}
