/**
 * The dry run's `--lookup`: for every lead of the CSV, the read-only check a live run makes before a
 * first message (engine/first-contact.ts) — is the lead already in conversation with any account link
 * of the team? One GET /prospects/lookup per lead, through the team quota (the team's Redis when
 * configured), with the token; nothing is written anywhere, nothing is claimed.
 */
import type { Campaign } from "../config/types.js";
import { findConversation, type Conversation } from "../engine/first-contact.js";
import { InboxClient } from "../inbox/client.js";
import { createApiLimiter, type ApiLimiter } from "../schedule/api-limiter.js";
import { systemClock } from "./clock.js";
import { collectLeads } from "./collect-leads.js";
import { explainStartupError, joinTeamOf } from "./team-gate.js";

export interface ConversationLookup {
  /** Leads checked. */
  checked: number;
  /** Leads in conversation, in CSV order. */
  found: { leadId: string; line: number; conversation: Conversation }[];
}

/** Lookups in flight at once (the gate paces them to the quota). */
const BATCH = 256;

/** @throws UserError for a missing or rejected token (nothing else was read). */
export async function lookupConversations(campaign: Campaign, env: NodeJS.ProcessEnv, note: (level: "info" | "warn", message: string) => void): Promise<ConversationLookup> {
  // Row problems were already listed by the preview.
  const leads = await collectLeads(campaign, { file: campaign.suppressionFile, mayBeMissing: campaign.suppressionMayBeMissing === true }, () => undefined);
  let gate: ApiLimiter | undefined;
  const api = new InboxClient({ env, clock: systemClock, onResponse: (info, status) => gate?.observe(info, status) });
  const team = await joinTeamOf(campaign, env, api, systemClock, campaign.stateFile, note);
  const gated = team?.gate ?? createApiLimiter({ windows: campaign.pacing.api, clock: systemClock });
  gate = gated;
  try {
    const found: ConversationLookup["found"] = [];
    for (let i = 0; i < leads.length; i += BATCH) {
      const batch = leads.slice(i, i + BATCH);
      const answers = await Promise.all(batch.map((lead) => findConversation({ api, gate: gated }, lead.id)));
      answers.forEach((conversation, j) => {
        const lead = batch[j]!;
        if (conversation) found.push({ leadId: lead.id, line: lead.line, conversation });
      });
    }
    return { checked: leads.length, found };
  } catch (err) {
    throw explainStartupError(err);
  } finally {
    await gated.stop();
    await team?.close();
  }
}
