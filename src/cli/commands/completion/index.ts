// `lbctl completion bash|zsh|fish` and the hidden `lbctl __complete <words…>` the printed scripts
// call (kubectl/cobra style). Declarations only; the implementation is imported when they run.
import { Argument, type Command } from "commander";
import type { Runner } from "../../program.ts";

/** The shells `lbctl completion` prints a script for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

export function registerCompletion(program: Command, runner: Runner): void {
  program
    .command("completion")
    .description("Print a shell completion script (bash, zsh or fish)")
    // The choices feed help and completion; the check itself is ours (run.ts), so that a wrong
    // shell is the project's one-line UsageError rather than commander's message.
    .addArgument(new Argument("<shell>", "The shell").choices(SHELLS).argParser((v: string) => v))
    .addHelpText(
      "after",
      `
Examples:
  # bash
  source <(lbctl completion bash)
  lbctl completion bash > /etc/bash_completion.d/lbctl

  # zsh (compinit must be loaded)
  source <(lbctl completion zsh)
  lbctl completion zsh > "\${fpath[1]}/_lbctl"

  # fish
  lbctl completion fish | source
  lbctl completion fish > ~/.config/fish/completions/lbctl.fish`,
    )
    .action(
      runner.action(async (shell: string) => {
        const { completionScript } = await import("./run.ts");
        runner.ctx.stdout.write(completionScript(shell));
        return 0;
      }),
    );

  // The scripts call `lbctl __complete -- <words…>`: the `--` keeps commander from reading the
  // user's words as lbctl's own options; the action reads the words from the raw argv.
  program
    .command("__complete", { hidden: true })
    .description("Print completion candidates for the words, one per line, then a :directive line")
    .argument("[words...]")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(
      runner.action(async (_words: unknown, _opts: unknown, cmd: Command) => {
        const { completeCommandLine } = await import("./run.ts");
        return completeCommandLine(runner.ctx, cmd);
      }),
    );
}
