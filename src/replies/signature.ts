/**
 * Webhook signature: `X-Inbox-Signature: t=<unix seconds>,v1=<hex>` where
 * v1 = hex(HMAC-SHA256(key = signing secret as UTF-8, msg = "<t>." + raw body bytes)) (reference.md §8).
 * The sandbox signs with `signPayload`; the listener checks with `verifySignature`, so both sides share one
 * definition of the scheme.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Docs suggest ~5 min and the SDK's default tolerance is 300 s (reference.md §8). */
export const DEFAULT_TOLERANCE_SEC = 300;

export type SignatureFailure =
  | "missing-header"
  | "malformed-header"
  | "stale-timestamp"
  | "future-timestamp"
  | "bad-signature";

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

/** A v1 signature is the hex of a SHA-256 HMAC: 64 lowercase hex characters. */
const V1_LENGTH = 64;

function hmacHex(rawBody: string | Buffer, secret: string, timestampSec: number): string {
  // Two updates instead of concatenating: the body stays exact bytes, never re-decoded as text.
  return createHmac("sha256", secret).update(`${timestampSec}.`).update(rawBody).digest("hex");
}

/** Returns the header value for `rawBody` signed at `timestampSec` (whole Unix seconds). */
export function signPayload(rawBody: string | Buffer, secret: string, timestampSec: number): string {
  const t = Math.floor(timestampSec);
  return `t=${t},v1=${hmacHex(rawBody, secret, t)}`;
}

/**
 * Checks `header` against the exact raw bytes received. Several `v1=` entries are accepted and any match
 * passes (the SDK does this; we infer it serves secret rotation, reference.md §8). `|now − t| > toleranceSec`
 * is rejected in both directions: a far-future `t` would otherwise let a captured request be replayed later.
 */
export function verifySignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
  nowMs: number,
  toleranceSec: number = DEFAULT_TOLERANCE_SEC,
): SignatureCheck {
  if (header === undefined || header.trim() === "") return { ok: false, reason: "missing-header" };

  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") t = value;
    else if (key === "v1") candidates.push(value);
  }
  if (t === undefined || !/^\d{1,15}$/.test(t) || candidates.length === 0) {
    return { ok: false, reason: "malformed-header" };
  }

  const timestampSec = Number(t);
  const skewSec = nowMs / 1000 - timestampSec;
  if (skewSec > toleranceSec) return { ok: false, reason: "stale-timestamp" };
  if (-skewSec > toleranceSec) return { ok: false, reason: "future-timestamp" };

  const expected = Buffer.from(hmacHex(rawBody, secret, timestampSec), "utf8");
  // Compare every candidate, without stopping at the first match, so timing reveals neither which entry
  // matched nor how much of one did. A wrong-length entry cannot be a valid v1 value; it is compared against
  // the expected value itself (a fixed-cost dummy) so it costs the same as a real comparison.
  let matched = false;
  for (const candidate of candidates) {
    const got = Buffer.from(candidate.toLowerCase(), "utf8");
    const sameLength = got.length === V1_LENGTH && got.length === expected.length;
    const equal = timingSafeEqual(sameLength ? got : expected, expected);
    matched = (sameLength && equal) || matched;
  }
  return matched ? { ok: true } : { ok: false, reason: "bad-signature" };
}
