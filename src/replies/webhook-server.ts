/**
 * The webhook listener: receives Inbox event deliveries over HTTP and hands verified envelopes to the engine.
 *
 * Why it works the way it does (reference.md §8):
 * - The signature covers the exact raw bytes, so the body is read as a Buffer and verified before parsing;
 *   re-serialised JSON would not verify.
 * - New-style deliveries are attempted once, with no retries and an undocumented timeout, so we answer 200
 *   before doing any work and run `onEvent` on a later tick.
 * - `id` is the dedupe key and `seq` exposes gaps; missed deliveries are recovered through the Events API
 *   (§7), which the engine does when `onGap` fires.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { UserError } from "../errors.js";
import type { InboxEvent } from "../inbox/types.js";
import type { Clock } from "../platform/clock.js";
import { RecentIds } from "./recent-ids.js";
import { DEFAULT_TOLERANCE_SEC, verifySignature } from "./signature.js";

/** Far above any documented payload (a message.created carries one message and a short profile). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** A delivery is one small POST; slow senders should not hold sockets open for Node's 300 s default. */
const REQUEST_TIMEOUT_MS = 30_000;
const SIGNATURE_HEADER = "x-inbox-signature";

export interface WebhookListenerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The only path that accepts deliveries, e.g. "/inbox/webhook". */
  path: string;
  /** The webhook's signing secret (INBOX_WEBHOOK_SECRET). Never logged or echoed. */
  secret: string;
  clock: Clock;
  /** Larger bodies get 413 without being read. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Allowed |now − t| of the signature timestamp. Default 300 s. */
  toleranceSec?: number;
  /** Dedupe memory, shareable with the EventsPoller. Default: a private set of the last 10,000 ids. */
  seen?: RecentIds;
  /** Last seq already processed (the persisted cursor), so a gap before the first delivery is reported too. */
  afterSeq?: number | null;
  /** Each verified envelope, once per id, on a later tick than the 200 response. */
  onEvent: (event: InboxEvent) => void;
  /**
   * Seqs fromSeq..toSeq (inclusive) have not been delivered (yet): fill them from the Events API. A hint, not
   * proof: deliveries may arrive out of order, and if the webhook subscribes to a subset of event types the
   * per-team seq skips the rest (§8), so the engine should coalesce fills rather than run one per call.
   */
  onGap?: (fromSeq: number, toSeq: number) => void;
  /** A request was refused; `reason` is a short code such as "bad-signature" or "body-too-large". */
  onRejected?: (reason: string, remote?: string) => void;
  /** `onEvent` or `onGap` threw. Default: rethrown on its own tick, i.e. reported as a bug. */
  onError?: (err: unknown) => void;
}

export interface WebhookListener {
  url: string;
  port: number;
  /** Highest seq delivered so far (or the starting afterSeq); null before any. */
  readonly highestSeq: number | null;
  close(): Promise<void>;
}

export async function startWebhookListener(opts: WebhookListenerOptions): Promise<WebhookListener> {
  if (opts.secret === "") {
    throw new UserError("INBOX_WEBHOOK_SECRET is empty: the webhook listener cannot verify deliveries", {
      hint: "set INBOX_WEBHOOK_SECRET to the webhook's signing secret (Inbox: Settings → Webhooks → Signing secret)",
    });
  }
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const toleranceSec = opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC;
  const seen = opts.seen ?? new RecentIds();
  let highestSeq: number | null = opts.afterSeq ?? null;

  const dispatch = (event: InboxEvent): void => {
    try {
      if (!seen.add(`e:${event.id}`)) return;
      if (highestSeq !== null && event.seq > highestSeq + 1) opts.onGap?.(highestSeq + 1, event.seq - 1);
      if (highestSeq === null || event.seq > highestSeq) highestSeq = event.seq;
      opts.onEvent(event);
    } catch (err) {
      if (opts.onError === undefined) throw err;
      opts.onError(err);
    }
  };

  const server = createServer((req, res) => {
    const remote = req.socket.remoteAddress;
    const refuse = (status: number, reason: string, headers: Record<string, string> = {}): void => {
      opts.onRejected?.(reason, remote);
      reply(res, status, { ok: false, error: reason }, headers);
    };

    if (pathOf(req.url) !== opts.path) return refuse(404, "not-found");
    if (req.method !== "POST") return refuse(405, "method-not-allowed", { Allow: "POST" });
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge();

    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBodyBytes) return tooLarge();
      chunks.push(chunk);
    });
    req.on("error", () => {
      done = true; // the client went away; there is no one to answer
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      handleBody(Buffer.concat(chunks, size));
    });

    function tooLarge(): void {
      done = true;
      chunks.length = 0;
      // Stop reading: close the connection once the 413 is flushed instead of draining the rest of the body.
      req.pause();
      opts.onRejected?.("body-too-large", remote);
      reply(res, 413, { ok: false, error: "body-too-large" }, { Connection: "close" }, () => req.socket.destroy());
    }

    function handleBody(raw: Buffer): void {
      const header = req.headers[SIGNATURE_HEADER];
      const check = verifySignature(raw, Array.isArray(header) ? header.join(",") : header, opts.secret, opts.clock.now(), toleranceSec);
      if (!check.ok) return refuse(401, check.reason);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString("utf8"));
      } catch {
        return refuse(400, "bad-json");
      }
      if (!isEnvelope(parsed)) return refuse(400, "not-an-event");
      reply(res, 200, { ok: true });
      setImmediate(dispatch, parsed);
    }
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(listenError(err, opts.host, opts.port));
    server.once("error", onError);
    server.listen(opts.port, opts.host, () => {
      server.off("error", onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostForUrl}:${port}${opts.path}`,
    port,
    get highestSeq() {
      return highestSeq;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        server.closeAllConnections();
      }),
  };
}

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}, then?: () => void): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text, then);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const q = raw.indexOf("?");
  return q < 0 ? raw : raw.slice(0, q);
}

/** The v1.0 envelope fields the runner relies on: `id` to dedupe, `seq` to order, `type` to route (§8). */
function isEnvelope(v: unknown): v is InboxEvent {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.id === "string" &&
    e.id !== "" &&
    typeof e.type === "string" &&
    typeof e.seq === "number" &&
    Number.isSafeInteger(e.seq) &&
    e.seq >= 0
  );
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  if (err.code === "EADDRINUSE") {
    return new UserError(`webhook port ${port} on ${host} is already in use`, {
      hint: "choose another replies.webhook.port in the campaign, or stop the other process",
      cause: err,
    });
  }
  if (err.code === "EACCES" || err.code === "EADDRNOTAVAIL" || err.code === "ENOTFOUND") {
    return new UserError(`cannot listen for webhooks on ${host}:${port} (${err.code})`, {
      hint: "check replies.webhook.host and replies.webhook.port in the campaign; ports below 1024 need privileges",
      cause: err,
    });
  }
  return err;
}
