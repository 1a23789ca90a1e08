import { describe, expect, it } from "vitest";
import { UserError } from "../../../src/errors.js";
import { AuthError, NotFoundError, ServerError } from "../../../src/inbox/errors.js";
import type { AccountLink } from "../../../src/inbox/types.js";
import { fetchAccountLinks } from "../../../src/platform/account-links.js";
import { SimulatedClock } from "../../../src/platform/clock.js";

const link = { id: "acc1", username: "ada", status: "active" } as AccountLink;

describe("start-up read of the account links", () => {
  it("a single 500 is retried like every other read, not a failed start", async () => {
    const calls: (object | undefined)[] = [];
    const api = {
      listAccountLinks: async (o?: object) => {
        calls.push(o);
        if (calls.length === 1) throw new ServerError("500 from GET /account-links", { method: "GET", path: "/account-links", status: 500 });
        return [link];
      },
    };
    await expect(fetchAccountLinks(api, new SimulatedClock(0), () => undefined)).resolves.toEqual([link]);
    // The retry goes through the client's usual retry policy (no `retry: false`).
    expect(calls).toEqual([{ retry: false }, undefined]);
  });

  it("a rejected token is a user error that says what to do", async () => {
    const api = {
      listAccountLinks: async () => {
        throw new AuthError("401", { method: "GET", path: "/account-links", status: 401 });
      },
    };
    const err = await fetchAccountLinks(api, new SimulatedClock(0), () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain("rejected INBOX_API_TOKEN");
  });

  it("a 404 at start-up points at INBOX_API_URL and /api/v1; no hint offers a flag the command lacks", async () => {
    const api = {
      listAccountLinks: async () => {
        throw new NotFoundError("Not found (GET /account-links → 404).", { method: "GET", path: "/account-links", status: 404 });
      },
    };
    const err = (await fetchAccountLinks(api, new SimulatedClock(0), () => undefined).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.details.hint).toMatch(/INBOX_API_URL.*\/api\/v1/);
    const rejected = (await fetchAccountLinks(
      { listAccountLinks: async () => { throw new AuthError("401", { method: "GET", path: "/account-links", status: 401 }); } },
      new SimulatedClock(0),
      () => undefined,
    ).catch((e: unknown) => e)) as UserError;
    expect(rejected.details.hint).toContain("outreach run <campaign.yaml> --sandbox");
  });
});
