// Registers every command group. Each group file declares commands and options only; the
// implementations are imported lazily inside the actions.
import type { Command } from "commander";
import type { Runner } from "../program.ts";
import { registerService } from "./service.ts";

export function registerCommands(program: Command, runner: Runner): void {
  program
    .command("version")
    .description("Print the lbctl and Node.js versions")
    .action(
      runner.action(async () => {
        runner.ctx.stdout.write(`lbctl ${program.version() ?? "unknown"} (node ${process.version})\n`);
        return 0;
      }),
    );
  registerService(program, runner);
}
