// The command tree. Group files only declare commands and options (commander is the one module
// loaded at start-up); each action imports its implementation lazily so `lbctl --help` stays fast.
import { Command, CommanderError, Option } from "commander";
import type { CliContext } from "./context.ts";
import { describeError, EXIT_OK, EXIT_USAGE, LbctlError } from "./errors.ts";
import { registerCommands } from "./commands/index.ts";

/** What a command implementation returns: the process exit code. */
export type CommandResult = Promise<number>;

export interface Runner {
  readonly ctx: CliContext;
  /** Wraps a lazily imported implementation so its exit code reaches `run`. */
  action<A extends unknown[]>(impl: (...args: A) => CommandResult): (...args: A) => Promise<void>;
}

export async function buildProgram(ctx: CliContext, setCode: (code: number) => void, argv: readonly string[] = []): Promise<Command> {
  const program = new Command("lbctl");
  program
    .description("LoadBalancer toolkit for bare-metal Kubernetes: LB-IPAM pools, service maps, arping, L2 announcer")
    .version(LBCTL_VERSION, "--version", "Print the lbctl version")
    .addOption(new Option("--kubeconfig <file>", "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)"))
    .addOption(new Option("--context <name>", "The kubeconfig context to use"))
    .addOption(new Option("--request-timeout <duration>", "Timeout for each API request (e.g. 10s, 500ms; 0 = none)"))
    .option("--no-color", "Never colour the output (also honoured: NO_COLOR, TERM=dumb)")
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(s),
    })
    .exitOverride()
    .hook("preAction", (_root, actionCommand) => {
      if (actionCommand.optsWithGlobals()["color"] === false) {
        ctx.colorOut = false;
        ctx.colorErr = false;
      }
    });

  const runner: Runner = {
    ctx,
    action: (impl) => async (...args) => setCode(await impl(...args)),
  };
  await registerCommands(program, runner, argv);
  // Every sub-command inherits the output wiring and the exit override.
  const propagate = (cmd: Command): void => {
    for (const sub of cmd.commands) {
      sub.exitOverride().configureOutput({
        writeOut: (s) => ctx.stdout.write(s),
        writeErr: (s) => ctx.stderr.write(s),
      });
      sub.showSuggestionAfterError(true);
      propagate(sub);
    }
  };
  propagate(program);
  return program;
}

/** Runs the CLI with argv (without node and script) and returns the exit code. Never throws. */
export async function run(ctx: CliContext, argv: readonly string[]): Promise<number> {
  let code = EXIT_OK;
  try {
    const program = await buildProgram(ctx, (c) => (code = c), argv);
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT_OK;
      if (err.code === "commander.help") return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return EXIT_USAGE;
    }
    ctx.stderr.write(describeError(err, Boolean(ctx.env["LBCTL_DEBUG"])) + "\n");
    return err instanceof LbctlError ? err.exitCode : 1;
  }
}

declare const __LBCTL_VERSION__: string | undefined;
const LBCTL_VERSION = typeof __LBCTL_VERSION__ === "string" ? __LBCTL_VERSION__ : "0.1.0";
