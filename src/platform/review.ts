import { hostname } from "node:os";
import { displayPath } from "../config/load.js";
import type { Campaign } from "../config/types.js";
import { applyReview, type ReviewDecision } from "../engine/review.js";
import { UserError } from "../errors.js";
import { appendSuppression } from "../leads/suppression.js";
import { acquireLock } from "../state/lock.js";
import { readStateSnapshot } from "../state/load.js";
import { openState } from "../state/store.js";
import { systemClock, type Clock } from "./clock.js";
import { commandName } from "./invocation.js";

/**
 * `outreach review --opt-out/--not-opt-out`: takes the campaign's lock (a run in progress is refused
 * with its pid, so the two never write the state at once), records the decisions, releases the lock.
 * Throws UserError when there is no state, the lock is held, or an id is not awaiting review.
 */
export async function recordReview(campaign: Campaign, decisions: ReadonlyMap<string, ReviewDecision>, clock: Clock = systemClock): Promise<void> {
  const snapshot = await readStateSnapshot(campaign.stateFile);
  if (!snapshot) {
    throw new UserError(`no state yet for "${campaign.name}" (${displayPath(campaign.stateFile)} does not exist); nothing to review`);
  }
  const lock = await acquireLock(campaign.stateFile, { pid: process.pid, hostname: hostname(), now: clock.now() });
  try {
    const store = await openState({ file: campaign.stateFile, campaign: campaign.name, fingerprint: snapshot.meta.fingerprint, clock });
    try {
      const suppressionFile = campaign.suppressionFile;
      const { notAwaiting } = await applyReview(store, campaign, decisions, async (id, note) => {
        if (suppressionFile) await appendSuppression(suppressionFile, id, note);
      }, clock.now());
      if (notAwaiting.length > 0) {
        throw new UserError(`not awaiting review: ${notAwaiting.join(", ")}; nothing was changed`, {
          hint: `list the leads to review with: ${commandName()} review ${displayPath(campaign.file)}`,
        });
      }
    } finally {
      await store.close();
    }
  } finally {
    await lock.release();
  }
}
