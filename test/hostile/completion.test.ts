// Shell completion as a user gets it: bash sources `lbctl completion bash` and runs the
// completion function on a command line, in a subprocess; zsh and fish only when installed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname } from "node:path";
import { LBCTL_BIN, runCli } from "../helpers/cli.ts";

const env = { ...process.env, PATH: `${dirname(LBCTL_BIN)}:${process.env["PATH"] ?? ""}`, NO_COLOR: "1" };

function bashComplete(words: string[]): string[] {
  const script = `source <(lbctl completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _lbctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", script], { env, encoding: "utf8", timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter((l) => l !== "");
}

test("bash completes command groups, verbs, flags and -o values", { skip: spawnSync("bash", ["-c", "true"]).status !== 0 && "bash is not installed" }, () => {
  assert.deepEqual(bashComplete(["lbctl", "po"]), ["pool"]);
  assert.ok(bashComplete(["lbctl", "pool", ""]).includes("alloc"));
  assert.ok(bashComplete(["lbctl", "pool", "alloc", "--fi"]).includes("--filename"));
  assert.deepEqual(bashComplete(["lbctl", "pool", "alloc", "-o", ""]), ["table", "wide", "json", "yaml"]);
  assert.deepEqual(bashComplete(["lbctl", "service", "list", "--output", "j"]), ["json"]);
  assert.ok(!bashComplete(["lbctl", ""]).includes("__complete"), "the hidden verb is not offered");
});

test("completion for an unknown shell is one usage line", async () => {
  const r = await runCli(["completion", "tcsh"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: completion: unknown shell "tcsh" \(expected one of bash, zsh, fish\)\n$/);
});

for (const shell of ["zsh", "fish"]) {
  const missing = spawnSync("sh", ["-c", `command -v ${shell}`]).status !== 0;
  test(`${shell} accepts the script`, { skip: missing && `${shell} is not installed` }, () => {
    const r = spawnSync(shell, ["-c", shell === "fish" ? "lbctl completion fish | source" : "source <(lbctl completion zsh)"], { env, encoding: "utf8", timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
  });
}
