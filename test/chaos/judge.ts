/**
 * The soak's verdict, from the sandbox's own record of every message and the runner's `status --json`:
 * pure functions, so what counts as a defect is written down once.
 */
import type { SandboxMessage } from "../../src/sandbox/index.js";
import { stepOfContent } from "../support/campaign-fixture.js";

export interface StatusReport {
  steps: { stepId: string; sent: number; failed: number; skipped: number; pending: number }[];
  failures: { reason: string; count: number; leads: string[] }[];
}

export interface Verdict {
  /** "<lead>:<step>×n" for every pair sent more than once. */
  duplicates: string[];
  /** "<lead>:<step>" owed but never sent (and not failed with a reason). */
  missing: string[];
  /** Follow-ups sent although a reply was already in the thread when the runner last read it before sending. */
  followUpsAfterSeenReply: string[];
  /** Follow-ups that crossed a reply landing after that read: v1 has no conditional send. */
  followUpsInFlight: number;
  /** For each follow-up: ms from the runner's last read of the thread to the stored send (the blind window). */
  blindWindowsMs: number[];
  /** Leads that replied (the sandbox holds an inbound message from them). */
  replies: number;
  /** Failure groups of `status` without a reason. */
  failedWithoutReason: string[];
  /** Steps where `status` and the sandbox disagree on how many were sent. */
  statusMismatches: string[];
  failedLeads: number;
}

export function judge(opts: {
  messages: SandboxMessage[];
  leadIds: readonly string[];
  intro: string;
  followUp: string;
  replyStep: string;
  status: StatusReport;
}): Verdict {
  const { messages, intro, followUp, replyStep, status } = opts;
  const sent = new Map<string, SandboxMessage[]>();
  const firstReply = new Map<string, number>();
  for (const m of messages) {
    const at = Date.parse(m.createdAt);
    if (m.direction === "inbound") {
      const prev = firstReply.get(m.externalPlatformId);
      if (prev === undefined || at < prev) firstReply.set(m.externalPlatformId, at);
      continue;
    }
    const key = `${m.externalPlatformId}:${stepOfContent(m.content) ?? "?"}`;
    sent.set(key, [...(sent.get(key) ?? []), m]);
  }
  const failed = new Set(status.failures.flatMap((f) => f.leads));
  const v: Verdict = {
    duplicates: [...sent].filter(([, ms]) => ms.length > 1).map(([k, ms]) => `${k}×${ms.length}`),
    missing: [],
    followUpsAfterSeenReply: [],
    followUpsInFlight: 0,
    blindWindowsMs: [],
    replies: firstReply.size,
    failedWithoutReason: status.failures.filter((f) => /: unknown$/.test(f.reason) || f.reason.trim() === "").map((f) => f.reason),
    statusMismatches: [],
    failedLeads: failed.size,
  };
  for (const lead of opts.leadIds) {
    const count = (step: string): number => sent.get(`${lead}:${step}`)?.length ?? 0;
    const owe = (step: string): void => {
      if (count(step) === 0 && !failed.has(lead)) v.missing.push(`${lead}:${step}`);
    };
    const replyAt = firstReply.get(lead);
    owe(intro);
    const f = sent.get(`${lead}:${followUp}`)?.[0];
    if (f?.threadListedAt !== undefined) v.blindWindowsMs.push(Date.parse(f.createdAt) - Date.parse(f.threadListedAt));
    if (replyAt === undefined) owe(followUp);
    else {
      owe(replyStep);
      if (f && replyAt < Date.parse(f.createdAt)) {
        // Seen: the reply was in the thread when the runner read it last before this send.
        if (f.threadListedAt !== undefined && replyAt <= Date.parse(f.threadListedAt)) v.followUpsAfterSeenReply.push(lead);
        else if (f.threadListedAt === undefined) v.followUpsAfterSeenReply.push(`${lead} (sent without reading the thread)`);
        else v.followUpsInFlight++;
      }
    }
  }
  for (const s of status.steps) {
    let inSandbox = 0;
    for (const [key, ms] of sent) if (key.endsWith(`:${s.stepId}`)) inSandbox += ms.length;
    if (inSandbox !== s.sent) v.statusMismatches.push(`${s.stepId}: status says ${s.sent} sent, the sandbox holds ${inSandbox}`);
    if (s.pending > 0) v.statusMismatches.push(`${s.stepId}: ${s.pending} still pending after the final run`);
  }
  return v;
}
