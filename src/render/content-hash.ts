import { createHash } from "node:crypto";

/**
 * Fingerprint of a rendered message: sha256 hex, first 32 characters (128 bits, ample against
 * accidental collisions). The state module records it with each send and compares it on
 * reconciliation, so both must use this one function.
 */
export function contentHash(text: string): string {
  // The first 16 bytes as hex, not the 64-digit hex sliced: a slice keeps its whole parent string
  // alive, and a run keeps one of these for every message sent.
  return createHash("sha256").update(text, "utf8").digest().subarray(0, 16).toString("hex");
}
