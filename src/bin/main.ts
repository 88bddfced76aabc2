// Process entry: the only place that sets the exit code. Started by bin/lbctl, either from the
// bundle (dist/lbctl.cjs, see src/bin/bundle.ts) or from the compiled module graph.
import { processContext } from "../cli/context.ts";
import { run } from "../cli/program.ts";

/** 128 + SIGPIPE: what a shell reports for a writer whose reader went away (`yes | head`). */
export const EXIT_BROKEN_PIPE = 141;

/** `ENOSPC: no space left on device, write` → `no space left on device`. */
function errnoText(err: NodeJS.ErrnoException): string {
  return err.message.replace(/^[A-Z0-9_]+: /, "").replace(/, (write|open|close)$/, "");
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // One place turns stream failures into exit codes:
  // - `lbctl … | head`: once the reader has gone, stop quietly. A command that had already
  //   decided keeps its code; one cut short exits 141 as a killed Unix writer would, so that
  //   `arping -D … | head -1` cannot read as "address free" (0) under pipefail.
  // - any other failure to write (a full disk, a closed descriptor): one line on stderr, exit 1,
  //   never a stack trace.
  let decided: number | undefined;
  const fail = (stream: NodeJS.WriteStream, err: NodeJS.ErrnoException): void => {
    if (err.code === "EPIPE") process.exit(decided ?? EXIT_BROKEN_PIPE);
    if (stream === process.stdout) {
      try {
        process.stderr.write(`error: cannot write to standard output: ${errnoText(err)}\n`);
      } catch {
        // stderr is gone too: the exit code is all that is left
      }
    }
    process.exit(1);
  };
  for (const stream of [process.stdout, process.stderr]) stream.on("error", (err: NodeJS.ErrnoException) => fail(stream, err));
  decided = await run(processContext(), argv);
  process.exitCode = decided;
}
