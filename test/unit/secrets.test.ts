import { describe, expect, it } from "vitest";
import { redactSecrets, redactUrl, secretValues } from "../../src/secrets.js";

describe("secrets never appear in output", () => {
  it("secretValues: the token, the webhook secret and a Redis password in either URL form; short values ignored", () => {
    expect(
      secretValues({
        INBOX_API_TOKEN: "tok_abcdef123\n",
        INBOX_WEBHOOK_SECRET: "whsec_987654",
        OUTREACH_REDIS_URL: "redis://:p%40ss-word@10.0.0.5:6379/0?password=other-pass",
      }),
    ).toEqual(["tok_abcdef123\n", "other-pass", "tok_abcdef123", "whsec_987654", "p%40ss-word", "p@ss-word"].sort((a, b) => b.length - a.length));
    expect(secretValues({ INBOX_API_TOKEN: "abc" })).toEqual([]);
  });

  it("redactSecrets replaces every occurrence", () => {
    expect(redactSecrets("a tok_abcdef123 b tok_abcdef123", ["tok_abcdef123"])).toBe("a *** b ***");
  });

  it("redactUrl masks a password and every query value, keeps the rest", () => {
    expect(redactUrl("redis://:hunter2@127.0.0.1:6379/0?password=hunter2&db=1")).toBe("redis://:***@127.0.0.1:6379/0?password=***&db=***");
    expect(redactUrl("https://inboxapp.com/api/v1?token=sk_live_1")).toBe("https://inboxapp.com/api/v1?token=***");
    expect(redactUrl("https://inboxapp.com/api/v1")).toBe("https://inboxapp.com/api/v1");
    expect(redactUrl("not a url sk_live_1")).toBe("(an unparsable URL)");
  });
});
