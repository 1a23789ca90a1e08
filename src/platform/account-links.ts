/**
 * Start-up reads of the team's account links (`GET /account-links`), shared by `outreach run` and
 * `outreach accounts`: a refused connection fails at once (a wrong INBOX_API_URL), while 5xx,
 * timeouts, dropped connections and 429s are waited out like every other read.
 */
import { NetworkError, ServerError, TimeoutError } from "../inbox/errors.js";
import { mayWaitOut } from "./startup-patience.js";
import { explainStartupError } from "./team-gate.js";
import type { AccountLink, InboxApi } from "../inbox/types.js";
import { InboxClient } from "../inbox/client.js";
import { systemClock, type Clock } from "./clock.js";


/** GET /account-links, waiting out 429s (a full quota is no input error); other errors go to the caller. */
export async function listAccountLinksPatiently(
  api: Pick<InboxApi, "listAccountLinks">,
  clock: Clock,
  note: (level: "warn", message: string) => void,
): Promise<AccountLink[]> {
  const startedAt = clock.now();
  let noted = false;
  for (let attempt = 1; ; attempt++) {
    try {
      // The first try fails fast on a refused connection (a wrong INBOX_API_URL, not a blip: the
      // client's read retries would keep the user waiting 15 s in silence); later tries retry as usual.
      return await api.listAccountLinks(attempt === 1 ? { retry: false } : undefined);
    } catch (err) {
      // Nothing listens at that address: a wrong URL or the service is down. Say so now.
      if (err instanceof NetworkError && err.isConnectFailure) throw err;
      // Any other transient failure of the fast first try: try again, with the client's usual retries.
      if (attempt === 1 && (err instanceof ServerError || err instanceof TimeoutError || err instanceof NetworkError)) continue;
      if (!mayWaitOut(err, startedAt, clock)) throw err;
      if (!noted) {
        noted = true;
        note("warn", `the Inbox API is rate limiting the team (429: another client may be using the quota); checking the account links again in ${Math.ceil(err.retryAfterMs / 1000)} s, for up to 10 minutes`);
      }
      await clock.sleep(err.retryAfterMs);
    }
  }
}

/**
 * The team's account links, patiently (see above), with the API's refusals turned into messages a
 * person can act on.
 * @throws UserError (exit 1) when the token is rejected or the API cannot be reached; nothing was sent
 */
export async function fetchAccountLinks(
  api: Pick<InboxApi, "listAccountLinks">,
  clock: Clock,
  note: (level: "warn", message: string) => void,
): Promise<AccountLink[]> {
  try {
    return await listAccountLinksPatiently(api, clock, note);
  } catch (err) {
    throw explainStartupError(err);
  }
}

/**
 * `outreach accounts`: the team's account links with the real client (INBOX_API_URL, INBOX_API_TOKEN
 * from `env`), transient errors retried like every read.
 * @throws UserError without a token, or when the API refuses or cannot be reached
 */
export async function listTeamAccountLinks(
  env: NodeJS.ProcessEnv,
  note: (level: "warn", message: string) => void,
  clock: Clock = systemClock,
): Promise<AccountLink[]> {
  return fetchAccountLinks(new InboxClient({ env, clock }), clock, note);
}
