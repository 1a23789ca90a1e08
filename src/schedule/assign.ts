/**
 * Which sender account a lead's first message goes from.
 *
 * Stickiness: the choice is made once, at a lead's first send, and recorded in the state file with
 * that send; every later step (follow-ups, reply steps) reuses the recorded account and never calls
 * this again. The conversation is a DM thread between that account and the lead: a follow-up from
 * another account would open a second thread with a stranger's "just following up". If the recorded
 * account is unavailable, the lead waits for it rather than moving.
 */

/**
 * The least-loaded account among those `available` (all by default); ties go to the earliest in
 * `accounts`, so equal loads fill accounts in list order and leads spread evenly.
 * `load` is the caller's measure (e.g. sends in the last 24 h, or leads assigned); missing = 0.
 * Throws a RangeError when no account is available: the caller should wait instead of asking.
 */
export function chooseAccount(
  accounts: readonly string[],
  load: ReadonlyMap<string, number>,
  available?: (account: string) => boolean,
): string {
  let best: string | undefined;
  let bestLoad = Number.POSITIVE_INFINITY;
  for (const account of accounts) {
    if (available && !available(account)) continue;
    const l = load.get(account) ?? 0;
    if (l < bestLoad) {
      best = account;
      bestLoad = l;
    }
  }
  if (best === undefined) {
    throw new RangeError(
      accounts.length === 0 ? "No sender accounts configured." : `None of the ${accounts.length} sender accounts is available.`,
    );
  }
  return best;
}
