// Registers every command group. Each group file declares commands and options only; the
// implementations are imported lazily inside the actions.
import type { Command } from "commander";
import type { Runner } from "../program.ts";
import { registerAnnounce } from "./announce.ts";
import { registerArping } from "./arping.ts";
import { registerL2 } from "./l2.ts";
import { registerPool } from "./pool.ts";
import { registerService } from "./service.ts";

export function registerCommands(program: Command, runner: Runner): void {
  registerPool(program, runner);
  registerService(program, runner);
  registerArping(program, runner);
  registerAnnounce(program, runner);
  registerL2(program, runner);
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
