// Output streams that fail: a full disk gets one line and exit 1, never a stack trace; a reader
// that goes away mid-run gets the shell's broken-pipe code (141) unless the command had decided.
import { test } from "node:test";
import assert from "node:assert/strict";
import { openSync, closeSync, existsSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { LBCTL_BIN } from "../helpers/cli.ts";

const EXAMPLES = fileURLToPath(new URL("../../../examples/homelab/", import.meta.url));

function runTo(fd: number | "pipe", argv: string[], onStdout?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LBCTL_BIN, ...argv], { stdio: ["ignore", fd, "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    onStdout?.(child);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

test("stdout on a full disk: one line naming it, exit 1, no stack trace", { skip: existsSync("/dev/full") ? false : "no /dev/full" }, async () => {
  for (const format of ["table", "json", "yaml"]) {
    const fd = openSync("/dev/full", "w");
    try {
      const r = await runTo(fd, ["pool", "alloc", "-f", EXAMPLES, "-o", format]);
      assert.equal(r.code, 1, `${format}: ${r.stderr}`);
      assert.equal(r.stderr, "error: cannot write to standard output: no space left on device\n", format);
    } finally {
      closeSync(fd);
    }
  }
});

test("a reader that goes away: no EPIPE message or stack trace, the decided code or 141", async () => {
  const r = await runTo("pipe", ["pool", "alloc", "-f", EXAMPLES], (child) => child.stdout!.destroy());
  assert.ok(r.code === 0 || r.code === 141, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, "");
});
