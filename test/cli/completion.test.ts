// Shell completion: `lbctl __complete` over the real command tree, the printed bash/zsh/fish
// scripts run by the real shells (skipped when a shell is missing), and namespaces read from the
// test API server, with an unreachable cluster giving nothing, quietly and quickly.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Command } from "commander";
import { LBCTL_BIN, runCli, spawnCli } from "../helpers/cli.ts";
import { missingTools } from "../helpers/tools.ts";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";
import { buildProgram } from "../../src/cli/program.ts";
import type { CliContext } from "../../src/cli/context.ts";
import { complete, COMPLETION_TIMEOUT_MS } from "../../src/cli/commands/completion/run.ts";

const dir = mkdtempSync(join(tmpdir(), "lbctl-completion-"));

let program: Command;
const asked: { kubeconfig?: string | undefined; context?: string | undefined }[] = [];
const deps = {
  namespaces: async (conn: { kubeconfig?: string | undefined; context?: string | undefined }) => {
    asked.push(conn);
    return ["kube-system", "default", "web"];
  },
  contexts: async () => ["prod", "dev"],
};

before(async () => {
  const sink = { write: () => true };
  const ctx: CliContext = {
    stdout: sink,
    stderr: sink,
    stdin: Readable.from([]),
    env: {},
    cwd: process.cwd(),
    colorOut: false,
    colorErr: false,
    now: () => 0,
    trapSignals: () => new AbortController().signal,
  };
  program = await buildProgram(ctx, () => {}, []);
});

// One row per case: the words after `lbctl`, space-separated; the last one is being completed (a
// trailing space = an empty word) → what is offered.
const CASES: readonly (readonly [line: string, expected: readonly string[], directive?: number])[] = [
  ["", ["pool", "service", "arping", "announce", "l2", "completion", "bpf", "version", "help"]],
  ["po", ["pool"]],
  ["s", ["service"]],
  ["sv", ["svc"]], // an alias when no name matches
  ["pool ", ["alloc", "list", "show", "check", "controller", "help"]],
  ["svc l", ["list"]], // through the alias
  ["service list -o ", ["table", "wide", "json", "yaml"]],
  ["service list --output ", ["table", "wide", "json", "yaml"]],
  ["service list -o j", ["json"]],
  ["service list --output=y", ["--output=yaml"]],
  ["pool list -o ", ["table", "json", "yaml"]], // from the help text: "Output format: table|json|yaml"
  ["pool alloc -o ", ["table", "wide", "json", "yaml"]],
  ["arping -o ", ["text", "json"]],
  ["pool alloc --default-lb-service-ipam ", ["lbipam", "nodeipam", "none"]],
  ["announce --log-level ", ["debug", "info", "warn", "error"]],
  ["completion ", ["bash", "zsh", "fish"]],
  ["completion z", ["zsh"]],
  ["help p", ["pool"]],
  ["pool help ", ["alloc", "list", "show", "check", "controller"]],
  ["pool alloc --ipv", ["--ipv4", "--ipv6"]],
  ["service list -", ["-n", "--namespace", "-A", "--all-namespaces", "-l", "--selector", "--type", "--frontend", "--node", "--node-ips", "--config", "--show-config", "-f", "--filename", "--datapath", "--bpffs", "-o", "--output", "-h", "--help", "--kubeconfig", "--context", "--request-timeout", "--no-color"]],
  ["--kube", ["--kubeconfig"]],
  ["--kubeconfig x --context y service l", ["list"]], // root options and their values are skipped
  ["service list -o json -A ", []], // no positional arguments: nothing, no file names
  ["pool show -- -", []], // after `--` a word is an operand, never a flag
  ["l2 status -- ", []],
  ["service list --kubeconfig ", [], 0], // file names: directive 0 lets the shell offer them
  ["service list -f ", [], 0],
  ["announce --file ", [], 0],
  ["nosuch ", []],
  ["service list -Ao ", ["table", "wide", "json", "yaml"]], // a short group ending in a flag with a value
  ["arping -qfo j", ["json"]],
  ["pool alloc -f a.yaml ", [], 0], // -f <path...> takes more files
  ["pool alloc -f a.yaml b.yaml -o ", ["table", "wide", "json", "yaml"]],
  ["service list -A --node-ips -ojson --", ["--namespace", "--selector", "--type", "--frontend", "--node", "--config", "--show-config", "--filename", "--datapath", "--bpffs", "--help", "--kubeconfig", "--context", "--request-timeout", "--no-color"]], // given flags are not offered again
  ["service list --type LoadBalancer --ty", ["--type"]], // repeatable: still offered
  ["--context ", ["dev", "prod"]],
  ["service list --context=p", ["--context=prod"]],
];

for (const [line, expected, directive] of CASES) {
  test(`__complete ${JSON.stringify(line)} → ${expected.join(" ") || "(nothing)"}`, async () => {
    const r = await complete(program, line.split(" "), deps);
    assert.deepEqual([...r.candidates].sort(), [...expected].sort(), `${line}: ${r.candidates.join(" ")}`);
    assert.equal(r.directive, directive ?? 4);
  });
}

test("the candidates are commander's own: every registered group and flag, hidden ones left out", async () => {
  const top = (await complete(program, [""], deps)).candidates;
  for (const c of program.commands) {
    if (c.name() === "__complete") assert.ok(!top.includes(c.name()), "the hidden verb is not offered");
    else assert.ok(top.includes(c.name()), c.name());
  }
  const arping = (await complete(program, ["arping", "-"], deps)).candidates;
  assert.ok(arping.includes("-i") && arping.includes("--interface"));
  assert.ok(!arping.includes("-I"), "hidden -I is not offered");
});

test("-n and --lease-namespace ask for namespaces with the words' --kubeconfig and --context, sorted", async () => {
  asked.length = 0;
  const r = await complete(program, ["--kubeconfig", "/k", "service", "list", "--context=prod", "-n", ""], deps);
  assert.deepEqual(r.candidates, ["default", "kube-system", "web"]);
  assert.deepEqual(asked, [{ kubeconfig: "/k", context: "prod" }]);
  const lease = await complete(program, ["l2", "status", "--lease-namespace", "k"], deps);
  assert.deepEqual(lease.candidates, ["kube-system"]);
});

test("lbctl __complete prints candidates one per line and the directive last", async () => {
  const r = await runCli(["__complete", "--", "service", "list", "-o", ""]);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "table\nwide\njson\nyaml\n:4\n");
  // Without `--`, as the brief's examples type it.
  const plain = await runCli(["__complete", "po"]);
  assert.equal(plain.stdout, "pool\n:4\n");
  // The user's words may hold lbctl's own flags, --help and --version among them: still only candidates.
  const flags = await runCli(["__complete", "--", "--version", "pool", "--help", "-o", "--kubeconfig", "x", ""]);
  assert.equal(flags.code, 0);
  assert.equal(flags.stdout, "alloc\nlist\nshow\ncheck\ncontroller\nhelp\n:4\n");
});

test("lbctl completion bash|zsh|fish prints the script; another shell is a usage error naming it and the choices", async () => {
  for (const [shell, marker] of [["bash", "complete -o nosort -F __lbctl_complete lbctl"], ["zsh", "compdef _lbctl lbctl"], ["fish", "complete -c lbctl -f -k -a '(__lbctl_complete)'"]] as const) {
    const r = await runCli(["completion", shell]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.ok(r.stdout.includes(marker), shell);
    assert.ok(r.stdout.includes("lbctl __complete --"), shell);
  }
  const bad = await runCli(["completion", "tcsh"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, "");
  assert.equal(bad.stderr, 'error: completion: unknown shell "tcsh" (expected one of bash, zsh, fish)\n');
});

// ---- the real shells, with `lbctl` on PATH being this checkout's bin/lbctl ----

const binDir = join(dir, "bin");
mkdirSync(binDir);
symlinkSync(LBCTL_BIN, join(binDir, "lbctl"));
const shellEnv = { ...process.env, PATH: `${binDir}:${process.env["PATH"] ?? ""}`, NO_COLOR: "1" };

function sh(shell: string, script: string, cwd = dir): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(shell, ["-c", script], { env: shellEnv, cwd, encoding: "utf8", timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** COMPREPLY after bash's completion function ran on these words (the last one being completed). */
function bashComplete(ws: readonly string[], cwd?: string): string[] {
  const quoted = ws.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(" ");
  const r = sh("bash", `source <(lbctl completion bash) || exit 9
COMP_WORDS=(${quoted}); COMP_CWORD=${ws.length - 1}
COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}
__lbctl_complete
printf '%s\\n' "\${COMPREPLY[@]}"`, cwd);
  assert.equal(r.stderr, "", "bash said something on stderr");
  assert.equal(r.status, 0);
  return r.stdout.split("\n").filter((l) => l !== "");
}

test("bash: the sourced script completes commands, verbs, -o values, --output=VALUE and file names", { skip: missingTools(["bash"]) ?? false }, () => {
  assert.deepEqual(bashComplete(["lbctl", "po"]), ["pool"]);
  assert.deepEqual(bashComplete(["lbctl", "pool", ""]), ["alloc", "list", "show", "check", "controller", "help"]);
  assert.deepEqual(bashComplete(["lbctl", "service", "list", "-o", ""]), ["table", "wide", "json", "yaml"]);
  // bash cuts `--output=j` into `--output`, `=`, `j`: the script joins them back.
  assert.deepEqual(bashComplete(["lbctl", "service", "list", "--output", "=", "j"]), ["json"]);
  assert.deepEqual(bashComplete(["lbctl", "service", "list", "--output", "="]), ["=table", "=wide", "=json", "=yaml"]);
  const files = join(dir, "files");
  mkdirSync(files);
  writeFileSync(join(files, "kubeconfig-a"), "");
  writeFileSync(join(files, "kubeconfig-b"), "");
  assert.deepEqual(bashComplete(["lbctl", "--kubeconfig", "kube"], files).sort(), ["kubeconfig-a", "kubeconfig-b"]);
  assert.deepEqual(bashComplete(["lbctl", "service", "list", "-o", "json", ""], files), [], "no file names where none belong");
  // Registered with complete -F.
  assert.match(sh("bash", "source <(lbctl completion bash); complete -p lbctl").stdout, /complete .*-F __lbctl_complete lbctl/);
});

test("zsh: source <(lbctl completion zsh) registers _lbctl with compdef; _lbctl offers the candidates", { skip: missingTools(["zsh"]) ?? false }, () => {
  const r = sh("zsh", "autoload -U compinit && compinit -u -D && source <(lbctl completion zsh) && print -r -- $_comps[lbctl]");
  assert.equal(r.stderr, "");
  assert.equal(r.stdout.trim(), "_lbctl");
  // Outside a completion widget compadd and _files cannot run: stand-ins print what they were given.
  const run = (ws: readonly string[]): string[] => {
    const quoted = ws.map((w) => `'${w}'`).join(" ");
    const z = sh("zsh", `compdef() { :; }; compadd() { shift 2; print -rl -- "$@"; }; _files() { print -r -- FILES; }
source <(lbctl completion zsh)
words=(${quoted}); CURRENT=${ws.length}
_lbctl`);
    assert.equal(z.stderr, "");
    return z.stdout.split("\n").filter((l) => l !== "");
  };
  assert.deepEqual(run(["lbctl", "po"]), ["pool"]);
  assert.deepEqual(run(["lbctl", "service", "list", "-o", ""]), ["table", "wide", "json", "yaml"]);
  assert.deepEqual(run(["lbctl", "--kubeconfig", ""]), ["FILES"]);
  assert.deepEqual(run(["lbctl", "service", "list", "-A", ""]), []);
});

test("fish: the sourced script completes through complete -C", { skip: missingTools(["fish"]) ?? false }, () => {
  const run = (line: string): string[] => {
    const r = sh("fish", `lbctl completion fish | source; complete -C '${line}'`);
    assert.equal(r.stderr, "");
    return r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t")[0]!);
  };
  assert.deepEqual(run("lbctl po"), ["pool"]);
  assert.deepEqual(run("lbctl service list -o "), ["table", "wide", "json", "yaml"]);
  assert.deepEqual(run("lbctl service list --output=j"), ["--output=json"]);
  assert.deepEqual(run("lbctl service list -A "), []);
});

// ---- namespaces from a cluster ----

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
  for (const name of ["default", "kube-system", "team-a", "team-b"]) srv.store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
});
after(() => srv.close());

test("-n \"\" lists the test API server's namespaces; a prefix narrows them", async () => {
  const kc = srv.kubeconfigPath();
  const r = await runCli(["__complete", "--", "service", "list", "--kubeconfig", kc, "-n", ""]);
  assert.equal(r.stderr, "");
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "default\nkube-system\nteam-a\nteam-b\n:4\n");
  const env = { KUBECONFIG: kc };
  const narrowed = await runCli(["__complete", "--", "l2", "status", "--namespace", "team"], { env });
  assert.equal(narrowed.stdout, "team-a\nteam-b\n:4\n");
  assert.ok(srv.requests.some((q) => q.verb === "list" && q.url.startsWith("/api/v1/namespaces")));
});

function plainKubeconfig(name: string, server: string, contexts: readonly string[] = ["c"], current: string | undefined = "c"): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: "v1", kind: "Config", ...(current ? { "current-context": current } : {}),
    clusters: [{ name: "k", cluster: { server } }],
    contexts: contexts.map((c) => ({ name: c, context: { cluster: "k" } })),
    users: [],
  }));
  return file;
}

test("--context \"\" lists the kubeconfig's contexts (no cluster asked, a current-context not needed); none when there is no kubeconfig", async () => {
  const kc = plainKubeconfig("contexts", "http://127.0.0.1:1", ["staging", "prod-eu", "prod-us"], undefined);
  const r = await runCli(["__complete", "--", "--kubeconfig", kc, "service", "list", "--context", "prod"]);
  assert.equal(r.stderr, "");
  assert.equal(r.stdout, "prod-eu\nprod-us\n:4\n");
  const viaEnv = await runCli(["__complete", "--", "--context", ""], { env: { KUBECONFIG: kc } });
  assert.equal(viaEnv.stdout, "prod-eu\nprod-us\nstaging\n:4\n");
  const none = await runCli(["__complete", "--", "--context", ""], { env: { HOME: dir } });
  assert.deepEqual(none, { code: 0, stdout: ":4\n", stderr: "" });
});

test("an unreachable cluster, a silent one or no kubeconfig at all: no candidates, nothing on stderr, quickly", async () => {
  // A port nobody listens on.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  // A server that takes the connection and never answers.
  const sockets: Socket[] = [];
  const silent: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  try {
    const cases = [
      ["refused", plainKubeconfig("refused", `http://127.0.0.1:${port}`)],
      ["silent", plainKubeconfig("silent", `http://127.0.0.1:${(silent.address() as AddressInfo).port}`)],
      ["missing", join(dir, "no-such-kubeconfig")],
    ] as const;
    for (const [what, kc] of cases) {
      const t0 = Date.now();
      const r = await runCli(["__complete", "--", "service", "list", "--kubeconfig", kc, "-n", ""]);
      const ms = Date.now() - t0;
      assert.equal(r.code, 0, what);
      assert.equal(r.stderr, "", what);
      assert.equal(r.stdout, ":4\n", what);
      assert.ok(ms < COMPLETION_TIMEOUT_MS + 1500, `${what}: took ${ms} ms`);
    }
    // The real process too: nothing a library might print on the process's stderr either.
    const t0 = Date.now();
    const p = await spawnCli(["__complete", "--", "service", "list", "-n", ""], { env: { ...process.env, NO_COLOR: "1", KUBECONFIG: cases[0][1], HOME: dir } });
    assert.deepEqual(p, { code: 0, stdout: ":4\n", stderr: "" });
    assert.ok(Date.now() - t0 < COMPLETION_TIMEOUT_MS + 3000, `bin/lbctl took ${Date.now() - t0} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test("start-up: __complete loads commander and the command declarations only; the kube adapter only for a namespace", async () => {
  // The module graph (not the bundle), with a resolve hook that logs every module loaded.
  const hooks = join(dir, "hooks");
  mkdirSync(hooks);
  writeFileSync(join(hooks, "hooks.mjs"), `import { appendFileSync } from "node:fs";
export async function resolve(s, c, n) { const r = await n(s, c); appendFileSync(process.env.LBCTL_TEST_MODULE_LOG, r.url + "\\n"); return r; }`);
  writeFileSync(join(hooks, "register.mjs"), `import { register } from "node:module";\nregister(new URL("./hooks.mjs", import.meta.url));`);
  const loaded = (name: string, argv: readonly string[]): string[] => {
    const log = join(hooks, `${name}.log`);
    writeFileSync(log, "");
    const r = spawnSync(process.execPath, ["--import", join(hooks, "register.mjs"), LBCTL_BIN, "__complete", "--", ...argv], {
      env: { ...process.env, LBCTL_NO_BUNDLE: "1", LBCTL_TEST_MODULE_LOG: log, KUBECONFIG: plainKubeconfig("startup", "http://127.0.0.1:1"), NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr);
    return [...new Set(readFileSync(log, "utf8").split("\n").filter((l) => l !== ""))];
  };
  const plain = loaded("po", ["po"]);
  assert.ok(plain.some((u) => u.endsWith("/completion/run.js")));
  // core/depth.js: output.ts's few-line nesting check, loaded with the output module by every command
  const heavy = plain.filter((u) => (/\/node_modules\/(?!commander\/)|\/src\/(core|adapters)\/|\.node$/.test(u) && !u.endsWith("/src/core/depth.js")) || (/\/src\/cli\/commands\/[^/]+\/[^/]+\.js$/.test(u) && !/\/(index|completion\/run)\.js$/.test(u)));
  assert.deepEqual(heavy, [], "only commander and declarations");
  const ns = loaded("ns", ["service", "list", "-n", ""]);
  assert.ok(ns.some((u) => u.includes("/src/adapters/kube/connect.js")));
  assert.ok(ns.some((u) => u.includes("/@kubernetes/client-node/")));
});
