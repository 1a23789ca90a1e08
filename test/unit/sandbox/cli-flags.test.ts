import { describe, expect, it } from "vitest";
import { sandboxOptionsFromFlags } from "../../../src/cli/commands/sandbox.js";
import { UserError } from "../../../src/errors.js";

describe("outreach sandbox flags", () => {
  it("maps flags to options", () => {
    expect(
      sandboxOptionsFromFlags(
        {
          port: "4010",
          token: "sandbox_fixed",
          replyRate: "0.5",
          replyDelay: "5m-2h",
          rateLimit: "off",
          unreachableRate: "0.1",
          serverErrorRate: "0.01",
          lostResponseRate: "0.02",
          accounts: "abc, def",
          webhookUrl: "http://127.0.0.1:9000/hook",
        },
        { INBOX_WEBHOOK_SECRET: "ibt_wh_x" },
      ),
    ).toEqual({
      port: 4010,
      token: "sandbox_fixed",
      replyRate: 0.5,
      replyDelayMs: [300_000, 7_200_000],
      rateLimit: "off",
      unreachableRate: 0.1,
      serverErrorRate: 0.01,
      lostResponseRate: 0.02,
      accountLinks: ["abc", "def"],
      webhook: { url: "http://127.0.0.1:9000/hook", secret: "ibt_wh_x" },
    });
    expect(sandboxOptionsFromFlags({ replyDelay: "10m", rateLimit: "default" }, {})).toEqual({ replyDelayMs: [600_000, 600_000] });
  });

  it("takes a team quota scaled to seconds as sliding windows, and refuses a malformed one", () => {
    expect(sandboxOptionsFromFlags({ rateLimit: "20/1s, 600/1m" }, {})).toEqual({
      rateLimit: [
        { limit: 20, windowMs: 1_000 },
        { limit: 600, windowMs: 60_000 },
      ],
    });
    for (const bad of ["20", "0/1s", "20/0s", "20/1s,x"]) expect(() => sandboxOptionsFromFlags({ rateLimit: bad }, {})).toThrow(/--rate-limit/);
  });

  it("takes a stricter team quota as sliding windows, latency in ms and a seed", () => {
    expect(sandboxOptionsFromFlags({ rateLimit: "20/2s, 1000/1h", latency: "5-80", seed: "soak" }, {})).toEqual({
      rateLimit: [
        { limit: 20, windowMs: 2_000 },
        { limit: 1_000, windowMs: 3_600_000 },
      ],
      latencyMs: [5, 80],
      seed: "soak",
    });
    expect(sandboxOptionsFromFlags({ latency: "40" }, {})).toEqual({ latencyMs: 40 });
    for (const rateLimit of ["20", "0/2s", "20/2x", "20/2s,", "fast"]) {
      expect(() => sandboxOptionsFromFlags({ rateLimit }, {}), rateLimit).toThrow(/--rate-limit: expected "off", "default" or windows like 20\/2s/);
    }
    expect(() => sandboxOptionsFromFlags({ latency: "80-5" }, {})).toThrow(/--latency/);
  });

  it("reports every bad flag at once and never echoes the webhook secret", () => {
    let error: unknown;
    try {
      sandboxOptionsFromFlags({ port: "x", replyRate: "2", accounts: "A-B", webhookUrl: "http://h/x" }, {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    for (const flag of ["--port", "--reply-rate", "--accounts", "--webhook-url"]) expect(message).toContain(flag);
    expect(() => sandboxOptionsFromFlags({ webhookUrl: "nope" }, { INBOX_WEBHOOK_SECRET: "s3cret" })).toThrow(/--webhook-url/);
    expect(() => sandboxOptionsFromFlags({ webhookUrl: "nope" }, { INBOX_WEBHOOK_SECRET: "s3cret" })).not.toThrow(/s3cret/);
  });
});
