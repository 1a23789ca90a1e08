import { redactSecrets } from "../secrets.js";

/**
 * What happens when the reader of our output goes away (`outreach run … | head`): writing to a closed
 * pipe raises EPIPE, which would otherwise crash the process mid-send. Instead it counts as a request
 * to stop: a run stops taking work and saves its state, exactly as on Ctrl-C; a dry run stops reading.
 */
export const outputClosed = new AbortController();

export function watchOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") outputClosed.abort();
      else throw err;
    });
  }
}

/**
 * The last line of "secrets never appear in output": every write to `streams` has each of `secrets`
 * (see src/secrets.ts) replaced by *** — for a message nobody built to include one, like a library
 * error quoting a URL. Messages are still written to leave secrets out; this catches the rest.
 * (A secret split across two writes is not caught; our writes are whole lines.)
 */
export function guardSecrets(secrets: readonly string[], streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  if (secrets.length === 0) return;
  const buffers = secrets.map((s) => Buffer.from(s));
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string") return write(redactSecrets(chunk, secrets), ...rest);
      if (chunk instanceof Uint8Array && buffers.some((b) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).includes(b))) {
        return write(redactSecrets(Buffer.from(chunk).toString("utf8"), secrets), ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
