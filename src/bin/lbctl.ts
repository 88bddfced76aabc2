// Process entry: the only place that sets the exit code.
import { processContext } from "../cli/context.ts";
import { run } from "../cli/program.ts";

const code = await run(processContext(), process.argv.slice(2));
process.exitCode = code;
