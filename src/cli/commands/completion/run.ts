// Shell completion, as kubectl (cobra) does it: the printed script is a thin shim that calls
// `lbctl __complete -- <words…>` and offers what that prints. The candidates are read from the
// real commander tree (every group registered), so commands, aliases and flags are never a second
// hand-written list. Output: one candidate per line, then `:<directive>` (cobra's bit set:
// 4 = do not fall back to file names; 0 = fall back to file names when there are no candidates).
import type { Command, Option } from "commander";
import type { CliContext } from "../../context.ts";
import { UsageError } from "../../errors.ts";
import { writeLine } from "../../output.ts";
import { SHELLS } from "./index.ts";

/** cobra's ShellCompDirective bits that lbctl uses. */
export const DIRECTIVE_DEFAULT = 0; // the shell may fall back to file names
export const DIRECTIVE_NO_FILE = 4; // offer the candidates only

export interface Completion {
  readonly candidates: readonly string[];
  readonly directive: number;
}

/** Where the words' --kubeconfig and --context point. */
export interface Conn {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

/** Names from the kubeconfig and the cluster; each resolves [] on any failure. */
export interface Sources {
  /** The cluster's namespaces. */
  namespaces(conn: Conn): Promise<readonly string[]>;
  /** The kubeconfig's contexts. */
  contexts(conn: Conn): Promise<readonly string[]>;
}

/** Per-request timeout of the namespace look-up: completion must not hang the shell. */
export const COMPLETION_TIMEOUT_MS = 2_000;

/** Options whose value is a file name: the shell's file completion. */
const FILE_VALUE = new Set(["--kubeconfig", "--filename", "--file"]);

export function completionScript(shell: string): string {
  switch (shell) {
    case "bash":
      return BASH;
    case "zsh":
      return ZSH;
    case "fish":
      return FISH;
    default:
      throw new UsageError(`completion: unknown shell "${shell}" (expected one of ${SHELLS.join(", ")})`);
  }
}

/** `lbctl __complete -- <words…>`: builds the whole program and prints the candidates. */
export async function completeCommandLine(ctx: CliContext, cmd: Command): Promise<number> {
  const root = rootOf(cmd);
  // commander keeps the argv it parsed; the words are everything after `__complete` (and `--`).
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? [];
  const at = raw.indexOf("__complete");
  let words = at < 0 ? [] : raw.slice(at + 1);
  if (words[0] === "--") words = words.slice(1);
  const { buildProgram } = await import("../../program.ts");
  // argv [] registers every group: the tree the user's words are matched against.
  const program = await buildProgram(ctx, () => {}, []);
  const done = await complete(program, words, { namespaces: (conn) => clusterNamespaces(ctx, conn), contexts: (conn) => kubeContexts(ctx, conn) });
  for (const c of done.candidates) writeLine(ctx, c);
  writeLine(ctx, `:${done.directive}`);
  return 0;
}

async function kubeContexts(ctx: CliContext, conn: Conn): Promise<readonly string[]> {
  try {
    const { kubeContextNames } = await import("../../../adapters/kube/config.ts");
    return kubeContextNames({ kubeconfig: conn.kubeconfig, env: ctx.env });
  } catch {
    return [];
  }
}

async function clusterNamespaces(ctx: CliContext, conn: Conn): Promise<readonly string[]> {
  try {
    const { connectKube } = await import("../../../adapters/kube/connect.ts");
    const { RESOURCES } = await import("../../../adapters/kube/types.ts");
    const kube = connectKube({ ...conn, env: ctx.env, requestTimeoutMs: COMPLETION_TIMEOUT_MS });
    try {
      const list = await kube.list(RESOURCES.namespaces);
      return list.items.map((o) => (o["metadata"] as { name?: unknown } | undefined)?.name).filter((n): n is string => typeof n === "string");
    } finally {
      kube.close();
    }
  } catch {
    return []; // no cluster, no credentials, a timeout: no candidates, nothing on stderr
  }
}

function rootOf(cmd: Command): Command {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

const takesValue = (o: Option): boolean => o.required || o.optional;

/** The options recognised at `cmd`: its own and its ancestors' (commander reads those anywhere). */
function optionsAt(cmd: Command): Option[] {
  const help = cmd.createHelp();
  const own = help.visibleOptions(cmd);
  const seen = new Set(own.flatMap((o) => [o.long, o.short]).filter(Boolean));
  const out = [...own];
  for (let p = cmd.parent; p; p = p.parent) {
    for (const o of p.options) {
      if (o.hidden || o.long === "--version" || o.long === "--help") continue;
      if ((o.long && seen.has(o.long)) || (o.short && seen.has(o.short))) continue;
      out.push(o);
    }
  }
  return out;
}

/** Every option of `cmd` and its ancestors, hidden ones too: for walking the words. */
function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

function findSub(cmd: Command, word: string): Command | undefined {
  return cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
}

/**
 * Values an option accepts when they are a closed set: commander's choices, else a trailing
 * `a|b|c` in its description (how `pool -o` and `--ipv4` say theirs: "Output format: table|json|yaml").
 */
export function optionChoices(o: Option): readonly string[] {
  if (o.argChoices && o.argChoices.length > 0) return o.argChoices;
  const m = /([A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)+)\s*$/.exec(o.description);
  return m ? m[1]!.split("|") : [];
}

/** The candidates for the last word, given the words before it (argv without `lbctl`). */
export async function complete(program: Command, words: readonly string[], deps: Sources): Promise<Completion> {
  const cur = words.length > 0 ? words[words.length - 1]! : "";
  const before = words.slice(0, -1);
  let cmd = program;
  let positional = 0;
  let dashdash = false;
  let conn: Conn = {};
  let pending: Option | undefined; // an option whose value is the next word
  let variadic: Option | undefined; // `-f <path...>`: further words are values until the next flag
  let helpOf: Command | undefined; // after `help`: the command whose sub-commands it describes
  const used = new Set<Option>();
  const took = (o: Option, value: string | undefined): void => {
    used.add(o);
    if (value === undefined) return;
    if (o.long === "--kubeconfig") conn = { ...conn, kubeconfig: value };
    if (o.long === "--context") conn = { ...conn, context: value };
    if (o.variadic) variadic = o;
  };
  for (const w of before) {
    if (pending) {
      took(pending, w);
      pending = undefined;
      continue;
    }
    if (dashdash) {
      positional++;
      continue;
    }
    if (w.startsWith("-") && w.length > 1) variadic = undefined;
    else if (variadic) continue; // one more value of `-f a b …`
    if (w === "--") {
      dashdash = true;
      continue;
    }
    if (w.startsWith("--")) {
      const eq = w.indexOf("=");
      const o = findOption(cmd, eq > 0 ? w.slice(0, eq) : w);
      if (!o) continue; // unknown: commander would refuse it; go on with the rest
      if (eq > 0) took(o, w.slice(eq + 1));
      else if (o.required) pending = o;
      else took(o, undefined);
      continue;
    }
    if (w.startsWith("-") && w.length > 1) {
      // -A, -o json, -ojson, and groups such as -qf or -Ao json, as commander reads them.
      for (let i = 1; i < w.length; i++) {
        const o = findOption(cmd, `-${w[i]}`);
        if (!o) break;
        if (!takesValue(o)) {
          took(o, undefined);
          continue;
        }
        if (i + 1 < w.length) took(o, w.slice(i + 1));
        else if (o.required) pending = o;
        else took(o, undefined);
        break;
      }
      continue;
    }
    if (helpOf) {
      positional++;
      continue;
    }
    const sub = positional === 0 ? findSub(cmd, w) : undefined;
    if (sub) {
      cmd = sub;
      continue;
    }
    // commander's implicit `help [command]` is not in cmd.commands.
    if (positional === 0 && helpOf === undefined && w === "help" && cmd.commands.length > 0) {
      helpOf = cmd;
      continue;
    }
    positional++;
  }

  // The value of an option: `-o <TAB>`, or `--output=<TAB>` in one word.
  if (pending) return valueCandidates(pending, cur, "", conn, deps);
  if (!dashdash && cur.startsWith("--") && cur.includes("=")) {
    const eq = cur.indexOf("=");
    const o = findOption(cmd, cur.slice(0, eq));
    if (o && takesValue(o)) return valueCandidates(o, cur.slice(eq + 1), cur.slice(0, eq + 1), conn, deps);
    return { candidates: [], directive: DIRECTIVE_NO_FILE };
  }

  if (variadic && !cur.startsWith("-")) return valueCandidates(variadic, cur, "", conn, deps);
  if (!dashdash && cur.startsWith("-")) {
    // A flag already given is not offered again unless it adds up (repeatable or variadic).
    const offered = optionsAt(cmd).filter((o) => !used.has(o) || o.variadic || (o.parseArg !== undefined && o.argChoices === undefined));
    const flags = offered.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
    return { candidates: unique(flags.filter((f) => f.startsWith(cur))), directive: DIRECTIVE_NO_FILE };
  }

  // `lbctl help <TAB>`: the commands help can describe.
  if (helpOf) return { candidates: positional === 0 ? commandNames(helpOf, cur).filter((n) => n !== "help") : [], directive: DIRECTIVE_NO_FILE };

  if (positional === 0 && !dashdash) {
    const names = commandNames(cmd, cur);
    if (names.length > 0 || cmd.commands.length > 0) return { candidates: names, directive: DIRECTIVE_NO_FILE };
  }
  // A positional argument: its choices when it declares them (`completion <shell>`).
  const arg = cmd.registeredArguments[Math.min(positional, cmd.registeredArguments.length - 1)];
  const choices = arg?.argChoices ?? [];
  return { candidates: choices.filter((c) => c.startsWith(cur)), directive: DIRECTIVE_NO_FILE };
}

/** Visible sub-command names matching the prefix; aliases only when no name matches (`sv` → svc). */
function commandNames(cmd: Command, prefix: string): string[] {
  const visible = cmd.createHelp().visibleCommands(cmd);
  const names = visible.map((c) => c.name()).filter((n) => n.startsWith(prefix));
  if (names.length > 0 || prefix === "") return names;
  return visible.flatMap((c) => c.aliases()).filter((a) => a.startsWith(prefix));
}

async function valueCandidates(o: Option, cur: string, prefix: string, conn: Conn, deps: Sources): Promise<Completion> {
  if (o.long && FILE_VALUE.has(o.long)) return { candidates: [], directive: DIRECTIVE_DEFAULT };
  const choices = optionChoices(o);
  if (choices.length > 0) return { candidates: choices.filter((c) => c.startsWith(cur)).map((c) => prefix + c), directive: DIRECTIVE_NO_FILE };
  if (o.long === "--context") {
    const names = await deps.contexts(conn);
    return { candidates: [...names].sort().filter((n) => n.startsWith(cur)).map((n) => prefix + n), directive: DIRECTIVE_NO_FILE };
  }
  // -n/--namespace and the --*-namespace options: the cluster's namespaces, when it answers.
  if (o.long !== undefined && /namespace$/.test(o.long)) {
    const names = await deps.namespaces(conn);
    return { candidates: [...names].sort().filter((n) => n.startsWith(cur)).map((n) => prefix + n), directive: DIRECTIVE_NO_FILE };
  }
  return { candidates: [], directive: DIRECTIVE_NO_FILE };
}

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

// The scripts. Each passes the words typed so far (the current one last, "" when empty) after
// `--`, takes the last line as the directive and falls back to file names when it allows.

const BASH = `# bash completion for lbctl                                  -*- shell-script -*-
# Install: source <(lbctl completion bash), or save it in /etc/bash_completion.d/lbctl.
__lbctl_complete() {
    local cur="\${COMP_WORDS[COMP_CWORD]}"
    local -a words=("\${COMP_WORDS[@]:1:COMP_CWORD-1}")
    local eqprefix=""
    # bash splits --output=yaml at "=": rejoin what the user typed as one option and its value.
    if [[ "$cur" == "=" ]]; then
        cur=""; eqprefix="="
    elif (( COMP_CWORD > 1 )) && [[ "\${COMP_WORDS[COMP_CWORD-1]}" == "=" ]]; then
        words=("\${words[@]:0:\${#words[@]}-1}")
    fi
    local out
    out="$(lbctl __complete -- "\${words[@]}" "$cur" 2>/dev/null)" || return 0
    local -a lines=()
    local line
    while IFS= read -r line; do lines+=("$line"); done <<< "$out"
    local n=\${#lines[@]}
    (( n == 0 )) && return 0
    local directive="\${lines[n-1]#:}"
    [[ "$directive" =~ ^[0-9]+$ ]] || directive=0
    COMPREPLY=()
    local i
    for (( i = 0; i < n - 1; i++ )); do
        [[ -n "\${lines[i]}" ]] && COMPREPLY+=("$eqprefix\${lines[i]}")
    done
    if (( \${#COMPREPLY[@]} == 0 && (directive & 4) == 0 )); then
        compopt -o filenames 2>/dev/null
        local f
        while IFS= read -r f; do [[ -n "$f" ]] && COMPREPLY+=("$f"); done < <(compgen -f -- "$cur")
    fi
    return 0
}
complete -o nosort -F __lbctl_complete lbctl 2>/dev/null || complete -F __lbctl_complete lbctl
`;

const ZSH = `#compdef lbctl
# zsh completion for lbctl. Install: source <(lbctl completion zsh) (after compinit), or save
# it as _lbctl in a directory of $fpath.
_lbctl() {
    local -a lines cands
    local directive
    lines=("\${(@f)$(lbctl __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
    (( \${#lines} == 0 )) && return 1
    directive=\${lines[-1]#:}
    [[ $directive == <-> ]] || directive=0
    cands=("\${(@)lines[1,-2]}")
    cands=("\${(@)cands:#}")
    if (( \${#cands} == 0 )); then
        (( (directive & 4) == 0 )) && _files
        return
    fi
    compadd -Q -- "\${(@)cands}"
}
if [[ "\${funcstack[1]}" == "_lbctl" ]]; then
    _lbctl "$@"
else
    compdef _lbctl lbctl
fi
`;

const FISH = `# fish completion for lbctl. Install: lbctl completion fish | source, or save it as
# ~/.config/fish/completions/lbctl.fish.
function __lbctl_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cur (commandline -ct)
    set -l out (lbctl __complete -- $tokens "$cur" 2>/dev/null)
    test (count $out) -eq 0; and return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    if test (count $out) -eq 0
        string match -qr '^[0-9]+$' -- $directive; or set directive 0
        if test (math "bitand($directive, 4)") -eq 0
            __fish_complete_path $cur
        end
        return
    end
    printf '%s\\n' $out
end
complete -c lbctl -f -k -a '(__lbctl_complete)'
`;
