// How errors reach the user: one line, no stack, except for bugs. The classes live below every
// layer in src/errors.ts; they are re-exported here for the command files.
import { LbctlError } from "../errors.ts";

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, LbctlError, SetupError, UsageError } from "../errors.ts";

/** One line, no trailing newline, for anything thrown; stack only for unexpected errors. */
export function describeError(err: unknown, debug: boolean): string {
  if (err instanceof LbctlError) return `error: ${err.message}`;
  if (err instanceof Error) return debug ? `error: ${err.stack ?? err.message}` : `error: ${err.message} (internal error; rerun with LBCTL_DEBUG=1 for details)`;
  return `error: ${String(err)}`;
}
