// Errors that reach the user, below every layer: core, adapters and the CLI all throw these, and
// only src/cli/errors.ts turns them into text and src/bin/main.ts into an exit code. Anything
// thrown that is not an LbctlError is a bug and is printed with a hint to rerun with LBCTL_DEBUG=1.

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
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_USAGE, code: "E_USAGE", cause: options.cause });
    this.name = "UsageError";
  }
}

/**
 * The command was called right but cannot start here: no permission (CAP_NET_RAW, CAP_BPF), a
 * missing interface, addon, file system or map, a kubeconfig that cannot be used. Exit 2, as
 * iputils arping and cilium-dbg do for set-up failures.
 */
export class SetupError extends LbctlError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { exitCode: EXIT_USAGE, code: options.code ?? "E_SETUP", cause: options.cause });
    this.name = "SetupError";
  }
}
