/**
 * HTTP plumbing shared by the API and control routes: the v1 error body, JSON responses, body reading.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A v1 error, rendered as `{"error":{"code","message","status"}}`: the nested shape of the error-codes and
 * newer rate-limit pages (reference.md §2).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, "BAD_REQUEST", message);
export const notFound = (code: string, message: string): ApiError => new ApiError(404, code, message);

export function errorBody(status: number, code: string, message: string): string {
  return JSON.stringify({ error: { code, message, status } });
}

/** Request bodies above 1 MiB are refused; a DM is at most 10,000 characters (reference.md §10). */
const MAX_BODY_BYTES = 1_048_576;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "PAYLOAD_TOO_LARGE", "Request body exceeds 1 MiB.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body counts as `{}` (PATCH bodies are optional in the spec). */
export function parseJson(raw: Buffer | string): unknown {
  if (raw.length === 0) return {};
  try {
    return JSON.parse(typeof raw === "string" ? raw : raw.toString("utf8")) as unknown;
  } catch (cause) {
    throw badRequest(`Request body is not valid JSON: ${(cause as Error).message}`);
  }
}

export function writeJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

/**
 * Reads a v1 query array given as `key=a&key=b`, `key[]=a` or `key[0]=a` (reference.md §3).
 */
export function queryArray(params: URLSearchParams, key: string): string[] | undefined {
  const values: string[] = [];
  for (const [k, v] of params) {
    if (k === key || k === `${key}[]` || new RegExp(`^${key}\\[\\d+\\]$`).test(k)) values.push(v);
  }
  return values.length > 0 ? values : undefined;
}

/** Parses an integer query parameter within bounds; absent → `fallback`. */
export function queryInt(params: URLSearchParams, key: string, min: number, max: number, fallback: number | undefined): number | undefined {
  const raw = params.get(key);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`Query parameter ${key} must be an integer, got "${raw}".`);
  const n = Number(raw);
  if (n < min || n > max) throw badRequest(`Query parameter ${key} must be between ${min} and ${max}, got ${n}.`);
  return n;
}
