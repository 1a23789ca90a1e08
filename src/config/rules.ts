/**
 * Rules that span several fields. They read the RAW document defensively (anything may be the
 * wrong type) so they run even when the schema found problems elsewhere: the user sees every
 * problem in one pass. Values of the wrong type are skipped here; the schema reports them.
 */
import { type ConfigProblem, formatPath, isRecord } from "./problem.js";
import { DEFAULTS } from "./schema.js";
import { slugify } from "./slug.js";

export function ruleProblems(raw: unknown): ConfigProblem[] {
  if (!isRecord(raw)) return [];
  return [...stepProblems(raw.steps), ...accountProblems(raw.accounts), ...pacingProblems(raw.pacing), ...replyProblems(raw.replies), ...stateProblems(raw)];
}

/** A reply step is recognised by its `on:` key, whatever its value (a bad value is a schema problem). */
const isReplyStep = (step: Record<string, unknown>): boolean => "on" in step;

export function stepProblems(steps: unknown): ConfigProblem[] {
  if (!Array.isArray(steps)) return [];
  const problems: ConfigProblem[] = [];
  const firstIndexOfId = new Map<string, number>();
  let sequenceSeen = false;
  steps.forEach((step, index) => {
    if (!isRecord(step)) return;
    const at = (...rest: PropertyKey[]) => ["steps", index, ...rest];
    if (typeof step.id === "string") {
      const first = firstIndexOfId.get(step.id);
      if (first === undefined) firstIndexOfId.set(step.id, index);
      // Ids key the per-lead state; two steps sharing one would make the second look already sent.
      else problems.push({ path: at("id"), anchor: "value", message: `duplicate step id "${step.id}", already used by ${formatPath(["steps", first])}` });
    }
    if (isReplyStep(step)) {
      if (index === 0) {
        problems.push({ path: at("on"), anchor: "key", message: "the first step must be a sequence step (the first message); move reply steps after it" });
      }
      if (!hasReplyWork(step)) {
        problems.push({ path: at(), anchor: "value", message: "a reply step needs a template or at least one action (status, tags, assignTo, markDone: true)" });
      }
      return;
    }
    if (!sequenceSeen) {
      if ("after" in step) problems.push({ path: at("after"), anchor: "key", message: "the first message is sent as soon as the window allows; remove \"after\" from the first sequence step" });
    } else if (!("after" in step)) {
      problems.push({ path: at("after"), anchor: "parent", message: 'missing required key "after": a follow-up needs a delay after the previous step, like "after: 3d"' });
    }
    sequenceSeen = true;
  });
  return problems;
}

/** Whether a reply step would do anything: a message, or an action that changes the thread. */
function hasReplyWork(step: Record<string, unknown>): boolean {
  if (step.template !== undefined) return true;
  const actions = step.actions;
  if (!isRecord(actions)) return actions !== undefined; // a non-mapping is a schema problem, not this one
  return (
    actions.status !== undefined ||
    actions.assignTo !== undefined ||
    actions.markDone === true ||
    (Array.isArray(actions.tags) ? actions.tags.length > 0 : actions.tags !== undefined)
  );
}

export function accountProblems(accounts: unknown): ConfigProblem[] {
  if (!Array.isArray(accounts)) return [];
  const seen = new Map<unknown, number>();
  const problems: ConfigProblem[] = [];
  accounts.forEach((account, index) => {
    const first = seen.get(account);
    // A repeated account would get twice its share of leads and break the per-account caps' intent.
    if (first !== undefined && typeof account === "string") {
      problems.push({ path: ["accounts", index], anchor: "value", message: `duplicate account "${account}", already listed as ${formatPath(["accounts", first])}` });
    } else if (first === undefined) seen.set(account, index);
  });
  return problems;
}

/** The keys of pacing.perAccount (schema.ts). */
const PER_ACCOUNT_KEYS = new Set(["perHour", "perDay", "gap"]);

export function pacingProblems(pacing: unknown): ConfigProblem[] {
  if (!isRecord(pacing) || !isRecord(pacing.perAccount)) return [];
  const { perHour, perDay } = pacing.perAccount;
  // A default that stands in for a misspelt key ("perHuor") is no value the user chose: the unknown
  // key is reported (with its did-you-mean), and comparing against the default would only mislead.
  if ((perHour === undefined || perDay === undefined) && Object.keys(pacing.perAccount).some((k) => !PER_ACCOUNT_KEYS.has(k))) return [];
  const hour = perHour ?? DEFAULTS.perAccount.perHour;
  const day = perDay ?? DEFAULTS.perAccount.perDay;
  if (typeof hour !== "number" || typeof day !== "number" || day >= hour) return [];
  // Point at whichever side the user wrote; when perDay is the default, perHour is the one to change.
  return perDay === undefined
    ? [{ path: ["pacing", "perAccount", "perHour"], anchor: "value", message: `expected at most perDay (${day}, the default), got ${hour}; lower perHour or set perDay` }]
    : [{ path: ["pacing", "perAccount", "perDay"], anchor: "value", message: `expected at least perHour (${hour}), got ${day}` }];
}

export function replyProblems(replies: unknown): ConfigProblem[] {
  if (!isRecord(replies)) return [];
  const source = replies.source ?? DEFAULTS.replies.source;
  if (source === "webhook" && replies.webhook === undefined) {
    return [{ path: ["replies", "webhook"], anchor: "parent", message: 'missing required key "webhook": source: webhook needs at least webhook.port' }];
  }
  if (source === "events" && replies.webhook !== undefined) {
    // Otherwise a forgotten `source: webhook` would silently leave the listener off.
    return [{ path: ["replies", "webhook"], anchor: "key", message: 'webhook settings only apply with "source: webhook"; set the source or remove the block' }];
  }
  return [];
}

/** The default state path comes from the name's slug; a name without a-z/0-9 cannot make one. */
export function stateProblems(raw: Record<string, unknown>): ConfigProblem[] {
  if (raw.state !== undefined || typeof raw.name !== "string" || raw.name === "" || slugify(raw.name) !== "") return [];
  return [{ path: ["name"], anchor: "value", message: `expected a name with letters a-z or digits (it names the state file), got ${JSON.stringify(raw.name)}; or set "state:"` }];
}
