// Registers the command groups. Each group file declares commands and options only; the
// implementations are imported lazily inside the actions. When the command line names a group,
// only that group's declarations are loaded: start-up is a measured figure (docs/decisions.md).
import type { Command } from "commander";
import type { Runner } from "../program.ts";

type Register = (program: Command, runner: Runner) => void;

const GROUPS: readonly (readonly [names: readonly string[], load: () => Promise<Register>])[] = [
  [["pool"], async () => (await import("./pool/index.ts")).registerPool],
  [["service", "svc"], async () => (await import("./service/index.ts")).registerService],
  [["arping"], async () => (await import("./arping/index.ts")).registerArping],
  [["announce"], async () => (await import("./announce/index.ts")).registerAnnounce],
  [["l2"], async () => (await import("./l2/index.ts")).registerL2],
  [["completion", "__complete"], async () => (await import("./completion/index.ts")).registerCompletion],
  [["bpf"], async () => (await import("./bpf/index.ts")).registerBpf],
];

/** Root options that take a separate value: their value is not a command word. */
const ROOT_VALUE_OPTIONS = new Set(["--kubeconfig", "--context", "--request-timeout"]);

/** The first word of argv that is not a root option or its value: the command group, if any. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return undefined;
    if (!a.startsWith("-")) return a;
    if (ROOT_VALUE_OPTIONS.has(a)) i++;
  }
  return undefined;
}

export async function registerCommands(program: Command, runner: Runner, argv: readonly string[]): Promise<void> {
  const word = commandWord(argv);
  const named = GROUPS.find(([names]) => word !== undefined && names.includes(word));
  // Help, suggestions for typos and `lbctl help X` need every group; a named group needs only itself.
  const registers = await Promise.all((named ? [named] : GROUPS).map(([, load]) => load()));
  for (const register of registers) register(program, runner);
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
