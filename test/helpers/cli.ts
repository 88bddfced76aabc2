// Runs the whole CLI in-process with captured streams: what a user would see, without a fork.
import { Readable } from "node:stream";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { colorAllowed, type CliContext, type OutStream } from "../../src/cli/context.ts";
import { run } from "../../src/cli/program.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  tty?: boolean;
  now?: number;
}

export async function runCli(argv: string[], opts: RunOptions = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const out: OutStream = { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false };
  const err: OutStream = { write: (s: string) => (stderr += s), isTTY: opts.tty ?? false };
  const env = opts.env ?? {};
  const ctx: CliContext = {
    stdout: out,
    stderr: err,
    stdin: Readable.from([opts.stdin ?? ""]),
    env,
    cwd: opts.cwd ?? process.cwd(),
    // The production rule (NO_COLOR, TERM=dumb, FORCE_COLOR, TTY), applied to the test's env.
    colorOut: colorAllowed(out, env),
    colorErr: colorAllowed(err, env),
    now: () => opts.now ?? Date.parse("2026-11-27T12:00:00Z"),
    trapSignals: () => new AbortController().signal,
  };
  const code = await run(ctx, argv);
  return { code, stdout, stderr };
}

/** Path of the real launcher, for tests that must exercise the process boundary. */
export const LBCTL_BIN = fileURLToPath(new URL("../../../bin/lbctl", import.meta.url));

/** Runs bin/lbctl as a child process. */
export function spawnCli(argv: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [LBCTL_BIN, ...argv], {
      env: opts.env ?? { ...process.env, NO_COLOR: "1" },
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 60_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? "");
  });
}
