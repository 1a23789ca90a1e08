/**
 * The actions of a reply step: set the prospect's status and add tags (by name, resolved to ids,
 * created when missing, cached in the state), assign the thread, mark it done. Each is an
 * idempotent write, so running them again after a crash changes nothing; the step's `:actions`
 * record stops them running twice in the normal case.
 */
import type { ReplyStep } from "../config/types.js";
import type { Lead } from "../leads/types.js";
import type { LeadState } from "../state/types.js";
import type { EngineEvent } from "./events.js";
import type { EngineDeps } from "./ports.js";

export async function runReplyActions(
  deps: EngineDeps,
  emit: (e: EngineEvent) => void,
  lead: Lead,
  state: LeadState,
  step: ReplyStep,
  recordKey: string,
): Promise<void> {
  const { api, gate, store, clock } = deps;
  const { actions } = step;
  const call = <T>(fn: () => Promise<T>): Promise<T> => gate.schedule(fn, { priority: 2 });
  const startedAt = clock.now();
  // A retry after a failed attempt finds it still `sending` (the actions are idempotent: run them again).
  if (store.lead(lead.id)?.steps[recordKey]?.status !== "sending")
    await store.setStep(lead.id, recordKey, { status: "sending", updatedAt: startedAt, attempts: (state.steps[recordKey]?.attempts ?? 0) + 1, sendingAt: startedAt });

  if (actions.status !== undefined || actions.tags.length > 0) {
    const prospectId = state.prospectId ?? (await call(() => api.lookupProspect(lead.id)))?.externalId ?? undefined;
    if (!prospectId) throw new Error(`prospect ${lead.id} is not known to Inbox, so its status and tags cannot be set`);
    if (prospectId !== state.prospectId) await store.patchLead(lead.id, { prospectId });
    const statusId = actions.status !== undefined ? await resolveStatus(deps, actions.status) : undefined;
    const tagIds: string[] = [];
    for (const name of actions.tags) tagIds.push(await resolveTag(deps, name));
    await call(() =>
      api.updateProspectContext(prospectId, {
        ...(statusId !== undefined ? { statusId } : {}),
        ...(tagIds.length > 0 ? { addTags: tagIds } : {}),
      }),
    );
  }
  if ((actions.assignTo !== undefined || actions.markDone) && state.threadId) {
    const threadId = state.threadId;
    await call(() =>
      api.updateThread(threadId, {
        ...(actions.assignTo !== undefined ? { assigneeId: actions.assignTo } : {}),
        ...(actions.markDone ? { done: true } : {}),
      }),
    );
  }
  const now = clock.now();
  const rec = store.lead(lead.id)?.steps[recordKey];
  await store.setStep(lead.id, recordKey, { status: "sent", updatedAt: now, attempts: rec?.attempts ?? 1, sendingAt: startedAt, sentAt: now });
  emit({
    type: "lead.actions",
    at: now,
    leadId: lead.id,
    stepId: step.id,
    tags: actions.tags,
    ...(actions.status !== undefined ? { status: actions.status } : {}),
    ...(actions.assignTo !== undefined ? { assignedTo: actions.assignTo } : {}),
    ...(actions.markDone ? { markedDone: true } : {}),
  });
}

/**
 * Name → id lookups in flight, per run: two leads replying at once must not both create the same
 * tag (names are unique, so the second create would fail).
 */
const inFlight = new WeakMap<EngineDeps, Map<string, Promise<string>>>();

function once(deps: EngineDeps, key: string, resolve: () => Promise<string>): Promise<string> {
  let map = inFlight.get(deps);
  if (!map) inFlight.set(deps, (map = new Map()));
  let p = map.get(key);
  if (!p) {
    p = resolve().finally(() => map.delete(key));
    map.set(key, p);
  }
  return p;
}

/** Tags and statuses are both named, team-wide, unique by name, and cached in the state by name. */
interface NamedKind {
  cache: "tagIds" | "statusIds";
  list(deps: EngineDeps): Promise<{ id: string; name: string }[]>;
  create(deps: EngineDeps, name: string): Promise<{ id: string }>;
}

const STATUS: NamedKind = {
  cache: "statusIds",
  list: (d) => d.gate.schedule(() => d.api.listStatuses()),
  create: (d, name) => d.gate.schedule(() => d.api.createStatus({ name })),
};

const TAG: NamedKind = {
  cache: "tagIds",
  list: (d) => d.gate.schedule(() => d.api.listTags()),
  create: (d, name) => d.gate.schedule(() => d.api.createTag({ name })),
};

function resolveStatus(deps: EngineDeps, name: string): Promise<string> {
  return once(deps, `status:${name}`, () => resolveName(deps, STATUS, name));
}

function resolveTag(deps: EngineDeps, name: string): Promise<string> {
  return once(deps, `tag:${name}`, () => resolveName(deps, TAG, name));
}

/** Name → id: the state's cache, then the team's list (case-insensitive), else created. */
async function resolveName(deps: EngineDeps, kind: NamedKind, name: string): Promise<string> {
  const cached = deps.store.meta[kind.cache][name];
  if (cached) return cached;
  const existing = (await kind.list(deps)).find((x) => x.name.toLowerCase() === name.toLowerCase());
  const id = existing?.id ?? (await kind.create(deps, name)).id;
  await deps.store.patchMeta({ [kind.cache]: { ...deps.store.meta[kind.cache], [name]: id } });
  return id;
}
