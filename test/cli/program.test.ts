import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { colorAllowed } from "../../src/cli/context.ts";

test("--help prints usage on stdout and exits 0", async () => {
  const r = await runCli(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: lbctl/);
  assert.equal(r.stderr, "");
});

test("unknown option is a usage error: exit 2, one line on stderr", async () => {
  const r = await runCli(["--bogus"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /unknown option '--bogus'/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

test("unknown command is a usage error", async () => {
  const r = await runCli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
});

test("colour: only on a TTY, never with NO_COLOR or TERM=dumb", () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };
  const cases: [typeof tty, Record<string, string>, boolean][] = [
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: "1" }, false],
    [tty, { NO_COLOR: "" }, true],
    [tty, { TERM: "dumb" }, false],
    [pipe, { FORCE_COLOR: "1" }, true],
  ];
  for (const [stream, env, want] of cases) assert.equal(colorAllowed(stream, env), want, JSON.stringify(env));
});

test("bin/lbctl runs as a real process", async () => {
  const r = await spawnCli(["--version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("only the named command group is loaded; root options and their values are skipped", async () => {
  const { commandWord } = await import("../../src/cli/commands/index.ts");
  const cases: [string[], string | undefined][] = [
    [["pool", "alloc"], "pool"],
    [["--kubeconfig", "kc", "svc", "ls"], "svc"],
    [["--context=x", "arping", "-c", "1"], "arping"],
    [["--no-color", "l2", "status"], "l2"],
    [["--help"], undefined],
    [["--", "pool"], undefined],
  ];
  for (const [argv, want] of cases) assert.equal(commandWord(argv), want, argv.join(" "));
  const r = await runCli(["--kubeconfig", "/nonexistent", "pool", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: lbctl pool/);
});
