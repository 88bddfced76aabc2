// Everything a command may touch of the process, passed in so that tests can run the whole CLI
// in-process with captured streams. Colour is decided here once per stream.

export interface OutStream {
  write(chunk: string): unknown;
  /** Present on real streams: output waits for "drain" when write() returns false. */
  once?(event: "drain", listener: () => void): unknown;
  isTTY?: boolean | undefined;
}

export interface CliContext {
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Colour allowed on stdout / stderr (TTY, no NO_COLOR, TERM not dumb, no --no-color). */
  colorOut: boolean;
  colorErr: boolean;
  /** Wall clock in ms; injectable so that output with ages is testable. */
  now(): number;
  /**
   * For long-running commands (announce, arping, --watch): returns a signal that fires on
   * SIGINT/SIGTERM instead of the default kill, so they can clean up and exit 0.
   */
  trapSignals(): AbortSignal;
}

export function colorAllowed(stream: OutStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["TERM"] === "dumb") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0" && env["FORCE_COLOR"] !== "") return true;
  return stream.isTTY === true;
}

export function processContext(): CliContext {
  const env = process.env;
  let trapped: AbortController | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: touching process.stdin creates the stream, which costs start-up time.
    get stdin() {
      return process.stdin;
    },
    env,
    cwd: process.cwd(),
    colorOut: colorAllowed(process.stdout, env),
    colorErr: colorAllowed(process.stderr, env),
    now: () => Date.now(),
    trapSignals() {
      if (!trapped) {
        const ac = new AbortController();
        trapped = ac;
        const onSignal = (sig: NodeJS.Signals): void => {
          if (ac.signal.aborted) process.exit(130); // second Ctrl-C: give up cleaning up
          ac.abort(sig);
        };
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
      }
      return trapped.signal;
    },
  };
}
