/**
 * `outreach review campaign.yaml`: the replies the classifier could not call, and a person's decision.
 *   outreach review c.yaml                       list them (no API call, no token)
 *   outreach review c.yaml --opt-out ID…         suppress those leads for good
 *   outreach review c.yaml --not-opt-out ID…     not an opt-out: the next run fires their reply steps
 */
import { Command } from "commander";
import { displayPath, loadCampaign } from "../../config/load.js";
import { leadsToReview, type ReviewDecision } from "../../engine/review.js";
import { UserError } from "../../errors.js";
import { recordReview } from "../../platform/review.js";
import { readStateSnapshot } from "../../state/load.js";
import { formatReviewList } from "../report/review-list.js";
import { paint } from "../report/style.js";
import { commandName } from "../../platform/invocation.js";

export function reviewCommand(): Command {
  return new Command("review")
    .description("list replies that may be opt-outs, and record a person's decision on them")
    .argument("<campaign>", "the campaign.yaml")
    .option("--opt-out <ids...>", "these leads asked to stop: suppress them for good")
    .option("--not-opt-out <ids...>", "these leads did not: their reply steps fire on the next run")
    .option("--json", "print the list as JSON")
    .action(async (file: string, flags: { optOut?: string[]; notOptOut?: string[]; json?: boolean }) => {
      const campaign = await loadCampaign(file);
      const decisions = new Map<string, ReviewDecision>();
      for (const id of flags.optOut ?? []) decisions.set(id, "opt-out");
      for (const id of flags.notOptOut ?? []) {
        if (decisions.has(id)) throw new UserError(`lead ${id} is given both --opt-out and --not-opt-out; choose one`);
        decisions.set(id, "not-opt-out");
      }
      if (decisions.size > 0) {
        await recordReview(campaign, decisions);
        const s = paint(process.stdout);
        for (const [id, d] of decisions) {
          process.stdout.write(d === "opt-out" ? `${s.yellow("opted out")} ${id}: suppressed for good\n` : `${s.green("not an opt-out")} ${id}: its reply steps fire on the next run of ${commandName()} run ${displayPath(campaign.file)}\n`);
        }
        return;
      }
      const snapshot = await readStateSnapshot(campaign.stateFile);
      const items = snapshot ? leadsToReview(Object.values(snapshot.leads)) : [];
      process.stdout.write(flags.json ? `${JSON.stringify(items, null, 2)}\n` : formatReviewList(items, campaign));
    });
}
