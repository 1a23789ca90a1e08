/**
 * The dry run's timetable: when the first and last messages of each step would go out, simulated
 * send by send with the same rules the runner applies (account pacing, sending windows in each
 * lead's zone, the team API quota), on a virtual timeline with no timers.
 *
 * Assumptions, all chosen so the projection is a worst case (the latest finish):
 * - Nobody replies, so every lead gets every sequence step (replies end sequences early).
 * - The random gap between two sends of an account is its mean, so the result is deterministic.
 * - One API request per send. The runner's other requests (reply polling every pollIntervalMs, a
 *   thread lookup now and then) are a few per minute against a 300/min quota, so they are left out.
 * - A new lead goes to whichever account is free first. The runner picks the least-loaded account,
 *   which under equal pacing is the same thing.
 */
import type { Campaign, SendingWindow } from "../config/types.js";
import { AccountPacer } from "./account-pacer.js";
import { MinHeap } from "./min-heap.js";
import { SlidingWindowGate, defaultQuotaMargin } from "./sliding-window.js";
import { isInsideWindow, nextWindowStart, windowCloseAfter } from "./windows.js";

const DAY = 86_400_000;

export interface ProjectionInput {
  /** When the run starts (epoch ms). */
  start: number;
  /** The leads in CSV order (each with its own zone, if any), or just their count when no lead has one. */
  /** The leads' zones in CSV order (a zone string, undefined for the campaign's, or an object), or a count when all use the campaign's zone. */
  leads: readonly ({ timezone?: string } | string | undefined)[] | number;
  /** Number of sender accounts. */
  accounts: number;
  pacing: Campaign["pacing"];
  /** afterMs of each sequence step, in order; the first is 0. */
  sequenceDelaysMs: readonly number[];
  /**
   * Leads already under way (a resumed campaign): their next sequence step, when it is due, the
   * account (index) they are bound to and their zone. Default none.
   */
  started?: readonly { step: number; dueAt: number; account: number; timezone?: string }[];
  /** Each account's (by index) send times before `start`, so a resumed run's caps hold. Default none. */
  history?: readonly (readonly number[])[];
  /**
   * Called for every projected send, in time order: `lead` indexes `leads` (CSV order of the ready
   * leads; -1 for a lead in `started`), `step` the sequence, `account` the sender (0-based, campaign order), `at` epoch ms.
   * For the HTML preview's per-message times and its calendar.
   */
  onSend?: (lead: number, step: number, account: number, at: number) => void;
  /**
   * Stop at the first projected send (`outreach status` shows only when that is): the result's other
   * instants are then that send's too. Default false: the whole timetable.
   */
  firstSendOnly?: boolean;
}

export interface StepProjection {
  stepIndex: number;
  firstAt: number;
  lastAt: number;
}

export interface Projection {
  /** The first send of the run; `start` when there are no leads. */
  firstSendAt: number;
  /** The last lead's first message. */
  lastFirstStepAt: number;
  /** The last message of the run (the last lead's last step, with nobody replying). */
  lastSendAt: number;
  /** One entry per sequence step that sends at least once. */
  perStep: StepProjection[];
  /** The most sends one account makes in any rolling 24 h of the run (≤ perDay). */
  sendsPerDayPerAccount: number;
}

/** Leads sharing a zone, in CSV order, with their window's open/closed state cached. */
interface Zone {
  window: SendingWindow;
  leads: number[];
  head: number;
  /** Cached state: open (or closed) for every t < `until`. Valid because simulated time never goes back. */
  open: boolean;
  until: number;
}

interface FollowUp {
  lead: number;
  step: number;
  zone: Zone;
}

/**
 * One account's follow-ups, one heap per zone, keyed by the instant each can first go out (due, then
 * inside its lead's window). Per zone, so that a closed window skips its whole heap at once: one heap
 * for all zones re-queued every waiting follow-up at every closing — 100,000 follow-ups waiting over
 * a night cost ~16 s of CPU in `outreach status`.
 */
type FollowUpQueues = Map<Zone, MinHeap<FollowUp>>;

export function projectSchedule(input: ProjectionInput): Projection {
  const { start, accounts, pacing, sequenceDelaysMs: delays } = input;
  if (!Number.isInteger(accounts) || accounts < 1) throw new RangeError(`accounts must be an integer >= 1, got ${accounts}`);
  if (delays.length === 0) throw new RangeError("sequenceDelaysMs must list at least the first step (0)");

  const zones = groupByZone(input.leads, pacing.window);
  const pacer = new AccountPacer({ ...pacing.perAccount, random: () => 0.5 });
  const gate = new SlidingWindowGate(pacing.api, defaultQuotaMargin);
  const names = Array.from({ length: accounts }, (_, i) => String(i));
  // Each account's follow-ups, keyed by the instant they can go out (due, then inside the lead's window).
  const followUps: FollowUpQueues[] = names.map(() => new Map());
  // Each account's send times, for the rolling-24 h peak; `dayStart` trails by 24 h.
  const sent = names.map(() => ({ times: [] as number[], dayStart: 0 }));
  const ready = new MinHeap<number>(); // account index keyed by when it next wants to act
  for (let a = 0; a < accounts; a++) ready.push(a, start);
  input.history?.forEach((times, a) => {
    if (a < accounts && times.length > 0) pacer.restore(names[a]!, [...times]);
  });
  for (const s of input.started ?? []) {
    const zone = zoneOf(zones, s.timezone || pacing.window.timezone, pacing.window);
    queueFollowUp(followUps[s.account % accounts]!, { lead: -1, step: s.step, zone }, nextWindowStart(zone.window, Math.max(start, s.dueAt)));
  }

  const perStep: StepProjection[] = [];
  let firstSendAt = Number.POSITIVE_INFINITY;
  let lastSendAt = start;
  let peakPerDay = 0;

  while (ready.size > 0) {
    const t = ready.peekKey()!;
    const a = ready.pop()!;
    const name = names[a]!;
    const paced = pacer.nextAllowedAt(name, t);
    if (paced > t) {
      ready.push(a, paced);
      continue;
    }
    const quota = gate.nextStartAt(t);
    if (quota > t) {
      ready.push(a, quota);
      continue;
    }

    const work = takeDueFollowUp(followUps[a]!, t) ?? takeNewLead(zones, t);
    if (!work) {
      const next = nextWorkAt(followUps[a]!, zones, t);
      if (next !== undefined) ready.push(a, next);
      continue; // no work ever again: the account retires
    }

    pacer.recordSend(name, t);
    // Two requests a DM against the team's quota, as the runner makes them: the prospect lookup (or,
    // for a follow-up, the thread check) and the send. Counting one projected twice the real rate.
    gate.record(t);
    gate.record(t);
    input.onSend?.(work.lead, work.step, a, t);
    firstSendAt = Math.min(firstSendAt, t);
    lastSendAt = Math.max(lastSendAt, t);
    const stat = perStep[work.step];
    if (stat) stat.lastAt = t;
    else perStep[work.step] = { stepIndex: work.step, firstAt: t, lastAt: t };
    const log = sent[a]!;
    log.times.push(t);
    while (log.times[log.dayStart]! <= t - DAY) log.dayStart++;
    peakPerDay = Math.max(peakPerDay, log.times.length - log.dayStart);

    if (input.firstSendOnly) break;
    const next = work.step + 1;
    if (next < delays.length) {
      const followUp: FollowUp = { lead: work.lead, step: next, zone: work.zone };
      queueFollowUp(followUps[a]!, followUp, nextWindowStart(work.zone.window, t + delays[next]!));
    }
    ready.push(a, t); // the pacer moves it on by the gap
  }

  return {
    firstSendAt: Number.isFinite(firstSendAt) ? firstSendAt : start,
    lastFirstStepAt: perStep[0]?.lastAt ?? start,
    lastSendAt,
    perStep: perStep.filter((s) => s !== undefined),
    sendsPerDayPerAccount: peakPerDay,
  };
}

function queueFollowUp(queues: FollowUpQueues, f: FollowUp, at: number): void {
  let heap = queues.get(f.zone);
  if (!heap) {
    heap = new MinHeap<FollowUp>();
    queues.set(f.zone, heap);
  }
  heap.push(f, at);
}

/**
 * The runner's rule: a follow-up that is due and inside its lead's window goes before any new lead;
 * among those, the one due first. One whose window has closed since it came due (the account was
 * busy) waits, in its zone's heap, for the next opening.
 */
function takeDueFollowUp(queues: FollowUpQueues, t: number): FollowUp | undefined {
  let best: MinHeap<FollowUp> | undefined;
  for (const [zone, heap] of queues) {
    const key = heap.peekKey();
    if (key === undefined || key > t || (best && key >= best.peekKey()!) || !isOpen(zone, t)) continue;
    best = heap;
  }
  return best?.pop();
}

/** The earliest lead in CSV order whose window is open at `t`. */
function takeNewLead(zones: readonly Zone[], t: number): FollowUp | undefined {
  let best: Zone | undefined;
  for (const z of zones) {
    if (z.head >= z.leads.length || !isOpen(z, t)) continue;
    if (!best || z.leads[z.head]! < best.leads[best.head]!) best = z;
  }
  if (!best) return undefined;
  return { lead: best.leads[best.head++]!, step: 0, zone: best };
}

/** When this account next has something to send, or undefined when it never will. */
function nextWorkAt(queues: FollowUpQueues, zones: readonly Zone[], t: number): number | undefined {
  let next = Number.POSITIVE_INFINITY;
  for (const [zone, heap] of queues) {
    const key = heap.peekKey();
    if (key !== undefined) next = Math.min(next, key > t ? key : nextWindowStart(zone.window, t));
  }
  for (const z of zones) {
    if (z.head < z.leads.length) next = Math.min(next, nextWindowStart(z.window, t));
  }
  return Number.isFinite(next) ? next : undefined;
}

function isOpen(z: Zone, t: number): boolean {
  if (t >= z.until) {
    z.open = isInsideWindow(z.window, t);
    z.until = z.open ? windowCloseAfter(z.window, t) : nextWindowStart(z.window, t);
  }
  return z.open;
}

/** The zone entry for `timezone`, added (with no new leads) when the fresh leads had none in it. */
function zoneOf(zones: Zone[], timezone: string, window: SendingWindow): Zone {
  let z = zones.find((x) => x.window.timezone === timezone);
  if (!z) {
    z = { window: { ...window, timezone }, leads: [], head: 0, open: false, until: Number.NEGATIVE_INFINITY };
    zones.push(z);
  }
  return z;
}

function groupByZone(leads: ProjectionInput["leads"], window: SendingWindow): Zone[] {
  const byZone = new Map<string, Zone>();
  const zoneFor = (timezone: string): Zone => {
    let z = byZone.get(timezone);
    if (!z) {
      z = { window: { ...window, timezone }, leads: [], head: 0, open: false, until: Number.NEGATIVE_INFINITY };
      byZone.set(timezone, z);
    }
    return z;
  };
  if (typeof leads === "number") {
    const z = zoneFor(window.timezone);
    for (let i = 0; i < leads; i++) z.leads.push(i);
  } else {
    leads.forEach((lead, i) => zoneFor((typeof lead === "string" ? lead : lead?.timezone) || window.timezone).leads.push(i));
  }
  return [...byZone.values()];
}
