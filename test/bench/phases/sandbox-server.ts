/**
 * Phase: a sandbox in its own process, so the runner being measured has its event loop (and core)
 * to itself, as it would against the real API. Sends {url, origin, token} once listening; closes and
 * exits when the parent disconnects.
 */
import { startSandbox, type SandboxOptions } from "../../../src/sandbox/index.js";
import { phaseArgs } from "../support/child.js";

const sandbox = await startSandbox(phaseArgs<SandboxOptions>());
process.once("disconnect", () => {
  void sandbox.close().then(() => process.exit(0));
});
process.send?.({ url: sandbox.url, origin: sandbox.origin, token: sandbox.token, accountLinkIds: sandbox.accountLinkIds });
