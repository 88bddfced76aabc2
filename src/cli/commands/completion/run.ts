// Shell completion: the scripts, and `__complete`, which walks the declared command tree (the
// same commander declarations help is built from) to list sub-commands, flags and -o values.
import type { Command, Option } from "commander";
import type { CliContext } from "../../context.ts";
import { UsageError } from "../../errors.ts";
import { OUTPUT_FORMATS } from "../../output.ts";

const SCRIPTS: Record<string, string> = {
  bash: `# lbctl bash completion: source <(lbctl completion bash)
_lbctl() {
  local IFS=$'\\n'
  COMPREPLY=( $(lbctl __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _lbctl lbctl
`,
  zsh: `# lbctl zsh completion: source <(lbctl completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit -u; }
autoload -U +X bashcompinit && bashcompinit
_lbctl() {
  local IFS=$'\\n'
  COMPREPLY=( $(lbctl __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _lbctl lbctl
`,
  fish: `# lbctl fish completion: lbctl completion fish | source
complete -c lbctl -f -a '(lbctl __complete (commandline -opc)[2..-1] (commandline -ct))'
`,
};

export function completionScript(ctx: CliContext, shell: string): number {
  const script = SCRIPTS[shell];
  if (script === undefined) throw new UsageError(`completion: unknown shell "${shell}" (expected one of bash, zsh, fish)`);
  ctx.stdout.write(script);
  return 0;
}

/** Candidates for the last of `words` (the word being completed), one per line. */
export function complete(ctx: CliContext, program: Command, words: readonly string[]): number {
  const current = words[words.length - 1] ?? "";
  let cmd = program;
  let previous: Option | undefined;
  for (const w of words.slice(0, -1)) {
    if (previous) {
      previous = undefined;
      continue;
    }
    if (w.startsWith("-")) {
      const opt = findOption(cmd, w);
      if (opt && (opt.required || opt.optional) && !w.includes("=")) previous = opt;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) cmd = sub;
  }
  let candidates: string[];
  if (previous) candidates = previous.long === "--output" ? [...OUTPUT_FORMATS] : [];
  else if (current.startsWith("-")) candidates = optionsOf(cmd);
  else candidates = cmd.commands.filter((c) => !c.name().startsWith("_") && c.name() !== "help").map((c) => c.name());
  const out = candidates.filter((c) => c.startsWith(current));
  if (out.length > 0) ctx.stdout.write(out.join("\n") + "\n");
  return 0;
}

function findOption(cmd: Command | null, flag: string): Option | undefined {
  const name = flag.split("=")[0];
  for (let c = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === name || x.short === name);
    if (o) return o;
  }
  return undefined;
}

function optionsOf(cmd: Command): string[] {
  const seen = new Set<string>();
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) if (o.long && !o.hidden) seen.add(o.long);
  return [...seen];
}
