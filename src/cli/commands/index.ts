// Registers every command group. Each group file declares commands and options only; the
// implementations are imported lazily inside the actions.
import type { Command } from "commander";
import type { Runner } from "../program.ts";
import { registerArping } from "./arping.ts";

export function registerCommands(program: Command, runner: Runner): void {
  registerArping(program, runner);
  program
    .command("version")
    .description("Print the lbctl and Node.js versions")
    .action(
      runner.action(async () => {
        runner.ctx.stdout.write(`lbctl ${program.version() ?? "unknown"} (node ${process.version})\n`);
        return 0;
      }),
    );
}
