// Errors that reach the user. Anything thrown that is not an LbctlError is a bug and is
// printed with its stack; an LbctlError is printed as one line with no stack.

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class LbctlError extends Error {
  readonly exitCode: number;
  readonly code: string;
  constructor(message: string, options: { exitCode?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LbctlError";
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
    this.code = options.code ?? "E_FAILURE";
  }
}

/** A mistake in how the command was called: bad flag value, missing argument. Exit 2. */
export class UsageError extends LbctlError {
  constructor(message: string) {
    super(message, { exitCode: EXIT_USAGE, code: "E_USAGE" });
    this.name = "UsageError";
  }
}

/** One line, no trailing newline, for anything thrown; stack only for unexpected errors. */
export function describeError(err: unknown, debug: boolean): string {
  if (err instanceof LbctlError) return `error: ${err.message}`;
  if (err instanceof Error) return debug ? `error: ${err.stack ?? err.message}` : `error: ${err.message} (internal error; rerun with LBCTL_DEBUG=1 for details)`;
  return `error: ${String(err)}`;
}
