/** Pure sequence decisions: where a lead stands, and which work goes first in an account's lane. */
import type { SequenceStep } from "../config/types.js";
import type { Work } from "./work-queue.js";

export type SequencePosition =
  | { kind: "start"; index: number }
  | { kind: "due"; index: number; at: number }
  | { kind: "done"; lastSentAt: number }
  | { kind: "failed" };

/** Where a lead stands in the no-reply sequence, from its step records alone. */
export function nextSequenceWork(
  sequence: readonly SequenceStep[],
  steps: Readonly<Record<string, { status: string; sentAt?: number }>>,
): SequencePosition {
  let lastSentAt: number | undefined;
  for (const step of sequence) {
    const rec = steps[step.id];
    if (rec?.status === "failed") return { kind: "failed" };
    if (rec?.status === "sent" || rec?.status === "skipped") {
      if (rec.status === "sent") lastSentAt = rec.sentAt ?? lastSentAt;
      continue;
    }
    if (step.index === 0 || lastSentAt === undefined) return { kind: "start", index: step.index };
    return { kind: "due", index: step.index, at: lastSentAt + step.afterMs };
  }
  return { kind: "done", lastSentAt: lastSentAt ?? 0 };
}

/** Lane priority (0 first): settle uncertain sends, then reply steps, follow-ups, and new leads last. */
export function priorityOf(work: Work): number {
  switch (work.kind) {
    case "reconcile":
      return 1;
    case "reply":
      return 2;
    case "sequence":
      return work.index === 0 ? 6 : 3;
    case "expire":
      return 9;
  }
}
