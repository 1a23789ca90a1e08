/** Helpers shared by the inbox client tests. */
import { inspect } from "node:util";

export const TOKEN = "tok_SECRET_do_not_leak_1234567890";

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

export type Reply = Response | Error | ((req: RecordedRequest, signal: AbortSignal) => Promise<Response>);

/**
 * A fetch that records each request and answers from a script (last reply repeats). Replies are real
 * `Response` objects, so the client reads headers and bodies exactly as it would from undici.
 */
export function scriptedFetch(...replies: Reply[]): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req: RecordedRequest = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : undefined,
    };
    requests.push(req);
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)];
    if (reply === undefined) throw new Error("no scripted reply");
    if (reply instanceof Error) throw reply;
    if (typeof reply === "function") return reply(req, init?.signal ?? new AbortController().signal);
    return reply.clone();
  };
  return { fetch: impl as typeof fetch, requests };
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A fetch reply that never answers until its signal aborts, then rejects with the signal's reason. */
export const hang = (_req: RecordedRequest, signal: AbortSignal): Promise<Response> =>
  new Promise((_resolve, reject) => {
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/** Every way an error could be shown or logged: message, JSON, util.inspect (walks `cause`), each cause. */
export function everyRendering(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    parts.push(String(current), safeJson(current), inspect(current, { depth: 20, showHidden: true }));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return "";
  }
}

export const THREAD = {
  id: "l44e15irdq4db30i77cgphhx",
  platform: "twitter",
  platformId: "1566123362161725440:1876543210987654321",
};
export const MESSAGE = { id: "p8rvk2m5j0xn4wq7ybftcael", threadId: THREAD.id, content: "Hi" };
