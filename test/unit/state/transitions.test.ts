import { describe, expect, it } from "vitest";
import { IllegalTransitionError, applyTransition, assertLegalTransition } from "../../../src/state/transitions.js";
import type { StepRecord, StepStatus } from "../../../src/state/types.js";

const at = 1_000;
const rec = (status: StepStatus): StepRecord => ({ status, updatedAt: 1, attempts: 1, sendingAt: 1, contentHash: "h" });

describe("assertLegalTransition", () => {
  const all: StepStatus[] = ["pending", "sending", "sent", "failed", "skipped"];
  const legal = new Set(["pending→sending", "pending→failed", "pending→skipped", "sending→pending", "sending→sent", "sending→failed"]);
  const retryOnly = new Set(["failed→pending", "failed→sending"]);
  for (const from of all) {
    for (const to of all) {
      const edge = `${from}→${to}`;
      const expected = legal.has(edge) ? "legal" : retryOnly.has(edge) ? "retry only" : "illegal";
      it(`${edge}: ${expected}`, () => {
        const plain = (): void => assertLegalTransition(from, to);
        const retry = (): void => assertLegalTransition(from, to, { retry: true });
        if (expected === "legal") {
          expect(plain).not.toThrow();
        } else {
          expect(plain).toThrow(IllegalTransitionError);
        }
        if (expected === "illegal") expect(retry).toThrow(IllegalTransitionError);
        else expect(retry).not.toThrow();
      });
    }
  }
});

describe("applyTransition", () => {
  it("pending (missing) → sending counts an attempt and records time and content hash", () => {
    expect(applyTransition(undefined, "sending", at, { contentHash: "abc" })).toEqual({
      status: "sending",
      updatedAt: at,
      attempts: 1,
      sendingAt: at,
      contentHash: "abc",
    });
  });

  it("sending → sent keeps the attempt evidence and adds the message id", () => {
    expect(applyTransition(rec("sending"), "sent", at, { messageId: "m1", sentAt: 900 })).toEqual({
      status: "sent",
      updatedAt: at,
      attempts: 1,
      sendingAt: 1,
      contentHash: "h",
      sentAt: 900,
      messageId: "m1",
    });
  });

  it("sending → pending (reconciled: not delivered) keeps the attempt count", () => {
    expect(applyTransition(rec("sending"), "pending", at, { reason: "not delivered" })).toEqual({
      status: "pending",
      updatedAt: at,
      attempts: 1,
      reason: "not delivered",
    });
  });

  it("failed → sending only with an explicit retry", () => {
    expect(() => applyTransition(rec("failed"), "sending", at, { contentHash: "h2" })).toThrow(/needs an explicit retry/);
    expect(applyTransition(rec("failed"), "sending", at, { contentHash: "h2", retry: true }).attempts).toBe(2);
  });

  it.each([
    ["sent", "sending"],
    ["sent", "pending"],
    ["sending", "sending"],
    ["sending", "skipped"],
    ["skipped", "sending"],
  ] as const)("rejects %s → %s as a bug", (from, to) => {
    expect(() => applyTransition(rec(from), to, at, { contentHash: "h", messageId: "m" })).toThrow(/^bug: illegal step transition/);
  });

  it("requires a content hash for sending and a message id for sent", () => {
    expect(() => applyTransition(undefined, "sending", at)).toThrow(/content hash/);
    expect(() => applyTransition(rec("sending"), "sent", at)).toThrow(/message id/);
  });
});
