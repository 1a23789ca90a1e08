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
