// `lbctl completion bash|zsh|fish`: a shell completion script, as kubectl prints one; the script
// calls the hidden `lbctl __complete WORD…` for the candidates. Declarations only.
import type { Command } from "commander";
import type { Runner } from "../../program.ts";

export function registerCompletion(program: Command, runner: Runner): void {
  program
    .command("completion")
    .argument("<shell>", "bash, zsh or fish")
    .description("Print a shell completion script (source <(lbctl completion bash))")
    .action(runner.action(async (shell: string) => (await import("./run.ts")).completionScript(runner.ctx, shell)));
  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(runner.action(async (_words: unknown, _opts: unknown, cmd: Command) => (await import("./run.ts")).complete(runner.ctx, program, cmd.args)));
}
