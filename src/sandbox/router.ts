/**
 * A small route table: method + path pattern (`:name` segments match Inbox ids) → handler.
 * Literal routes must come before parameterised ones (`/threads/lookup` before `/threads/:threadId`).
 */
import type { z } from "zod";
import { badRequest } from "./http.js";
import type { SentRecord } from "./store.js";
import type { World } from "./world.js";

export interface RequestContext {
  world: World;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; `{}` when the request had none. */
  body: unknown;
  /** Clock time at which the request is handled (one reading per request). */
  now: number;
}

export interface HandlerResult {
  body: unknown;
  /** Set by send handlers: the stored message, so the server can apply the lost-response fault to it. */
  sent?: SentRecord;
}

export type Handler = (ctx: RequestContext) => HandlerResult;

export interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
  /** Sends get the send-only faults (failNext, lostResponseRate) and the per-account limit. */
  isSend: boolean;
}

export function route(method: string, path: string, handler: Handler, isSend = false): Route {
  const keys: string[] = [];
  const source = path.replace(/:([a-zA-Z]+)/g, (_, key: string) => {
    keys.push(key);
    return "([^/]+)";
  });
  return { method, pattern: new RegExp(`^${source}/?$`), keys, handler, isSend };
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.keys.forEach((key, i) => {
      params[key] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route: r, params };
  }
  return undefined;
}

/** Validates with zod and reports every issue at once as a 400 BAD_REQUEST. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${i.path.join(".") || what}: ${i.message}`);
  throw badRequest(`Invalid ${what}: ${issues.join("; ")}`);
}
