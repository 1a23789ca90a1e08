import { describe, expect, it } from "vitest";
import { commandName, sameCommand } from "../../../src/platform/invocation.js";

describe("commandName: commands in messages work when pasted", () => {
  it.each<[string, string | undefined, NodeJS.ProcessEnv, string]>([
    ["installed on PATH", "/usr/local/bin/outreach", { PATH: "/usr/bin:/usr/local/bin" }, "outreach"],
    ["npx in a clone", "/repo/node_modules/.bin/outreach", { PATH: "/repo/node_modules/.bin:/usr/bin", npm_command: "exec" }, "npx outreach"],
    // npm 11 runs `npx outreach` in the clone from its own copy (the package's bin is never linked into its own node_modules).
    ["npx in a clone, npm 11", "/root/.npm/_npx/3f2a/node_modules/.bin/outreach", { PATH: "/root/.npm/_npx/3f2a/node_modules/.bin:/usr/bin", npm_command: "exec" }, "npx outreach"],
    ["the clone's bin, off PATH", "/repo/node_modules/.bin/outreach", { PATH: "/usr/bin" }, "npx outreach"],
    ["node with a path inside the cwd", "/repo/dist/src/cli/bin.js", { PATH: "/usr/bin" }, "node dist/src/cli/bin.js"],
    ["node with a path outside the cwd", "/elsewhere/dist/src/cli/bin.js", { PATH: "/usr/bin" }, "node /elsewhere/dist/src/cli/bin.js"],
  ])("%s", (_name, argv1, env, expected) => {
    expect(commandName(argv1, env, "/repo")).toBe(expected);
  });
});

describe("sameCommand: the command as it was run, to paste again", () => {
  const env = { PATH: "/usr/bin" };
  it("keeps every flag as typed (a resume with --allow-partial is refused without it), quoting what a shell would split", () => {
    expect(sameCommand(["node", "/repo/dist/src/cli/bin.js", "run", "campaign.yaml", "--allow-partial", "--limit", "50"], env, "/repo")).toBe(
      "node dist/src/cli/bin.js run campaign.yaml --allow-partial --limit 50",
    );
    expect(sameCommand(["node", "/repo/dist/src/cli/bin.js", "run", "my campaign.yaml", "--sandbox", "--reply-text", "it's ok"], env, "/repo")).toBe(
      "node dist/src/cli/bin.js run 'my campaign.yaml' --sandbox --reply-text 'it'\\''s ok'",
    );
  });

  it("leaves out --repair-state, which sets a journal aside once and must be chosen again", () => {
    expect(sameCommand(["node", "/repo/dist/src/cli/bin.js", "run", "c.yaml", "--repair-state", "--yes"], env, "/repo")).toBe("node dist/src/cli/bin.js run c.yaml --yes");
  });
});
