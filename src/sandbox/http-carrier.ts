/**
 * The sandbox over HTTP: reads each request off the socket, hands it to the runtime and writes the
 * reply — or destroys the socket when the runtime drops the connection (the lost-response fault).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, writeJson } from "./http.js";
import type { SandboxRuntime } from "./server.js";

/** A `http.createServer` request listener serving `runtime`. */
export function httpHandler(runtime: SandboxRuntime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void readBody(req)
      .catch((err: unknown) => err as Error)
      .then((body) => runtime.respond({ method: req.method ?? "GET", target: req.url ?? "/", authorization: req.headers.authorization, body }))
      .then((reply) => {
        if (reply === undefined) req.socket.destroy();
        else writeJson(res, reply.status, reply.body, reply.headers);
      });
  };
}
