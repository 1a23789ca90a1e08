import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signPayload, verifySignature } from "../../../src/replies/signature.js";

const secret = "ibt_wh_test_secret";
const nowMs = 1_760_000_000_000;
const nowSec = nowMs / 1000;
const body = Buffer.from('{"id":"evt_1","seq":1,"type":"message.created"}');

describe("signPayload", () => {
  it("produces t=<sec>,v1=<hex HMAC-SHA256(secret, '<t>.' + raw)>", () => {
    const want = createHmac("sha256", secret).update(`${nowSec}.${body.toString()}`).digest("hex");
    expect(signPayload(body, secret, nowSec)).toBe(`t=${nowSec},v1=${want}`);
    expect(signPayload(body.toString(), secret, nowSec)).toBe(`t=${nowSec},v1=${want}`);
  });
});

describe("verifySignature", () => {
  const valid = signPayload(body, secret, nowSec);
  const v1 = valid.split("v1=")[1] ?? "";

  it.each([
    ["valid", body, valid, secret, nowMs, { ok: true }],
    ["wrong secret", body, valid, "other", nowMs, { ok: false, reason: "bad-signature" }],
    ["one byte tampered", Buffer.from(body.toString().replace("1,", "2,")), valid, secret, nowMs, { ok: false, reason: "bad-signature" }],
    ["stale by 301 s", body, signPayload(body, secret, nowSec - 301), secret, nowMs, { ok: false, reason: "stale-timestamp" }],
    ["future by 301 s", body, signPayload(body, secret, nowSec + 301), secret, nowMs, { ok: false, reason: "future-timestamp" }],
    ["exactly 300 s old", body, signPayload(body, secret, nowSec - 300), secret, nowMs, { ok: true }],
    ["exactly 300 s ahead", body, signPayload(body, secret, nowSec + 300), secret, nowMs, { ok: true }],
    ["several v1, second matches", body, `t=${nowSec},v1=${"0".repeat(64)},v1=${v1}`, secret, nowMs, { ok: true }],
    ["several v1, none matches", body, `t=${nowSec},v1=${"0".repeat(64)},v1=${"f".repeat(64)}`, secret, nowMs, { ok: false, reason: "bad-signature" }],
    ["spaces after commas", body, `t=${nowSec}, v1=${v1}`, secret, nowMs, { ok: true }],
    ["upper-case hex", body, `t=${nowSec},v1=${v1.toUpperCase()}`, secret, nowMs, { ok: true }],
    ["missing header", body, undefined, secret, nowMs, { ok: false, reason: "missing-header" }],
    ["empty header", body, "", secret, nowMs, { ok: false, reason: "missing-header" }],
    ["no t", body, `v1=${v1}`, secret, nowMs, { ok: false, reason: "malformed-header" }],
    ["non-numeric t", body, `t=abc,v1=${v1}`, secret, nowMs, { ok: false, reason: "malformed-header" }],
    ["negative t", body, `t=-1,v1=${v1}`, secret, nowMs, { ok: false, reason: "malformed-header" }],
    ["no v1", body, `t=${nowSec}`, secret, nowMs, { ok: false, reason: "malformed-header" }],
    ["only v0", body, `t=${nowSec},v0=${v1}`, secret, nowMs, { ok: false, reason: "malformed-header" }],
    ["garbage", body, "garbage", secret, nowMs, { ok: false, reason: "malformed-header" }],
  ] as const)("%s", (_name, raw, header, key, now, want) => {
    expect(verifySignature(raw, header, key, now)).toEqual(want);
  });

  it("rejects length mismatches without throwing (the timingSafeEqual path)", () => {
    for (const sig of ["", "ab", v1.slice(0, 63), `${v1}0`, "é".repeat(32)]) {
      expect(() => verifySignature(body, `t=${nowSec},v1=${sig}`, secret, nowMs)).not.toThrow();
      expect(verifySignature(body, `t=${nowSec},v1=${sig}`, secret, nowMs)).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("honours a custom tolerance", () => {
    const header = signPayload(body, secret, nowSec - 61);
    expect(verifySignature(body, header, secret, nowMs, 60)).toEqual({ ok: false, reason: "stale-timestamp" });
    expect(verifySignature(body, header, secret, nowMs, 61)).toEqual({ ok: true });
  });
});
