/** A sandbox running in a child process (phases/sandbox-server.ts), read through its /_sandbox control routes. */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SandboxOptions, SandboxStats } from "../../../src/sandbox/index.js";

export interface SandboxProcess {
  url: string;
  origin: string;
  token: string;
  accountLinkIds: string[];
  stats(): Promise<SandboxStats>;
  close(): Promise<void>;
}

export async function startSandboxProcess(options: SandboxOptions): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(new URL("../phases/sandbox-server.js", import.meta.url)), [JSON.stringify(options)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<{ url: string; origin: string; token: string; accountLinkIds: string[] }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as never));
    child.once("exit", (code) => reject(new Error(`sandbox process exited with ${code} before listening`)));
  });
  const headers = { authorization: `Bearer ${ready.token}` };
  return {
    ...ready,
    stats: async () => {
      const res = await fetch(`${ready.origin}/_sandbox/stats`, { headers });
      if (!res.ok) throw new Error(`GET /_sandbox/stats answered ${res.status}`);
      return (await res.json()) as SandboxStats;
    },
    close: async () => {
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
