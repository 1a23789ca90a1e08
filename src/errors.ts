/**
 * The errors a command may end with. Only `src/cli/main.ts` turns them into an exit code and a
 * message; everything else throws them. Anything else that escapes is a bug and is reported as one.
 */

/** Where in a user's file a problem is. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export interface Problem extends SourceLocation {
  /** Path inside the document, e.g. "steps[1].after"; absent for file-level problems. */
  path?: string;
  /** What was expected and what was found. */
  message: string;
}

/** The user's input is wrong (file, flag, environment). Exit code 1; nothing was sent. */
export class UserError extends Error {
  override readonly name = "UserError";
  readonly exitCode: number = 1;
  constructor(
    message: string,
    readonly details: { hint?: string; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** The campaign stopped itself because continuing would be unsafe (auth rejected, account offline, too many errors). State is saved. Exit code 2. */
export class PausedError extends Error {
  override readonly name = "PausedError";
  readonly exitCode: number = 2;
  constructor(
    message: string,
    readonly details: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/** The user interrupted the run (SIGINT/SIGTERM). State is saved. Exit code 130. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  readonly exitCode: number = 130;
  constructor(message = "Interrupted.", readonly details: { hint?: string } = {}) {
    super(message);
  }
}

/** Formats one problem as `file:line:col path: message`. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(":");
  return `${where}${p.path ? ` ${p.path}` : ""}: ${p.message}`;
}
