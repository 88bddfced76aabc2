// Process entry: the only place that sets the exit code. Started by bin/lbctl, either from the
// bundle (dist/lbctl.cjs, see src/bin/bundle.ts) or from the compiled module graph.
import { processContext } from "../cli/context.ts";
import { run } from "../cli/program.ts";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `lbctl … | head`: once the reader has gone, stop quietly instead of dying on an EPIPE stack
  // trace, as a shell user expects. Other stream errors are real and keep their default handling.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE") throw err;
      process.exit(process.exitCode ?? 0);
    });
  }
  process.exitCode = await run(processContext(), argv);
}
