import { createHash } from "node:crypto";

/**
 * Fingerprint of a rendered message: sha256 hex, first 32 characters (128 bits, ample against
 * accidental collisions). The state module records it with each send and compares it on
 * reconciliation, so both must use this one function.
 */
export function contentHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, 32);
}
