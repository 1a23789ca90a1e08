/**
 * `outreach sandbox` as its own process (the built CLI, as a user would run it), read and steered
 * through its /_sandbox control routes: the record of what was sent, fault settings, injected replies.
 */
import type { SandboxMessage, SandboxStats } from "../../src/sandbox/index.js";
import { spawnCli, type CliProcess } from "../support/cli.js";

export interface SandboxServer {
  url: string;
  token: string;
  messages(): Promise<SandboxMessage[]>;
  stats(): Promise<SandboxStats>;
  configure(patch: Record<string, unknown>): Promise<void>;
  /** The next `count` sends are answered with this status before being processed (429s: a burst). */
  failNext(count: number, status: number): Promise<void>;
  /** Makes the prospect reply now; false when the sandbox refused (no thread yet). */
  reply(externalPlatformId: string, text: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Starts `outreach sandbox` with these flags (besides --port 0 and --token) and waits for its banner. */
export async function startSandboxServer(flags: string[], token: string): Promise<SandboxServer> {
  const child: CliProcess = spawnCli(["sandbox", "--port", "0", "--token", token, ...flags], { timeoutMs: 3_600_000 });
  const banner = await child.waitForOutput(/export INBOX_API_URL=(\S+)/, 30_000);
  const url = /export INBOX_API_URL=(\S+)/.exec(banner)?.[1] ?? "";
  const origin = new URL(url).origin;
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${origin}/_sandbox${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = async <T>(res: Response): Promise<T> => {
    if (!res.ok) throw new Error(`sandbox control ${res.url} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    token,
    messages: async () => json<SandboxMessage[]>(await call("GET", "/messages")),
    stats: async () => json<SandboxStats>(await call("GET", "/stats")),
    configure: async (patch) => void (await json<unknown>(await call("POST", "/config", patch))),
    failNext: async (count, status) => void (await json<unknown>(await call("POST", "/fail-next", { count, status }))),
    reply: async (externalPlatformId, text) => {
      const res = await call("POST", "/replies", { externalPlatformId, text });
      await res.arrayBuffer();
      return res.ok;
    },
    close: async () => {
      child.kill("SIGTERM");
      await child.done;
    },
  };
}
