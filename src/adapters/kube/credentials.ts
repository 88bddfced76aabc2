// Credentials for one request: client-node collects them (CA, client certificate, token, exec
// plugin), and this file bounds and words what can go wrong with them. Every failure is one line
// naming the kubeconfig, the user and the culprit (a file, a plugin), never an internal error.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import type * as https from "node:https";
import type { LoadedConfig } from "./config.ts";
import { formatMs } from "./errors.ts";
import { LbctlError } from "../../errors.ts";

/** Used when --request-timeout is 0 (no limit): an exec plugin still may not hang lbctl. */
export const EXEC_PLUGIN_LIMIT_MS = 60_000;

type SpawnFn = (command: string, args: readonly string[] | undefined, opts: SpawnOptions) => ChildProcess;

/**
 * Gives client-node's exec authenticator a spawn that kills a plugin still running after
 * `limitMs` (an OIDC login waiting for a browser would otherwise hang every command), and keeps
 * the last child so that a failure can be told apart from our own kill.
 */
export function boundExecPlugins(cfg: LoadedConfig, limitMs: number): { timedOut: () => boolean } {
  let timedOut = false;
  const authenticators = (cfg.kc as unknown as { authenticators?: unknown[] }).authenticators ?? [];
  for (const a of authenticators) {
    if (typeof a === "object" && a !== null && "execFn" in a) {
      const bounded: SpawnFn = (command, args, opts) => {
        timedOut = false;
        // stdin closed: a plugin that prompts gets EOF instead of waiting on a terminal we never give it.
        const child = spawn(command, args ?? [], { ...opts, stdio: ["ignore", "pipe", "pipe"] });
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
          // A shell plugin's own children (`sleep`, a browser helper) keep the pipes open after
          // the shell dies; closing our ends lets the authenticator see the end now.
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, limitMs);
        child.once("close", () => clearTimeout(timer));
        child.once("error", () => clearTimeout(timer));
        return child;
      };
      (a as { execFn: SpawnFn }).execFn = bounded;
    }
  }
  return { timedOut: () => timedOut };
}

interface ExecSpec {
  readonly command?: unknown;
}

function execCommand(cfg: LoadedConfig): string | undefined {
  const user = cfg.kc.getCurrentUser() as { exec?: ExecSpec; authProvider?: { config?: { exec?: ExecSpec } } } | null;
  const exec = user?.exec ?? user?.authProvider?.config?.exec;
  return exec && typeof exec.command === "string" ? exec.command : undefined;
}

const firstLine = (text: string): string => (text.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "").slice(0, 200);

/** Fills `opts` with the current user's credentials, or throws one line saying why it cannot. */
export async function applyCredentials(cfg: LoadedConfig, opts: https.RequestOptions, exec: { timedOut: () => boolean }, limitMs: number): Promise<void> {
  const who = `${cfg.origin}: user "${cfg.user}"`;
  try {
    await cfg.kc.applyToHTTPSOptions(opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const plugin = execCommand(cfg);
    if (plugin !== undefined) {
      if (exec.timedOut()) {
        throw new LbctlError(`${who}: exec plugin "${plugin}" did not finish within ${formatMs(limitMs)} (raise --request-timeout)`, { code: "E_KUBECONFIG", cause: err });
      }
      if (e.syscall?.startsWith("spawn")) {
        const why = e.code === "ENOENT" ? "not found (is it installed and on PATH?)" : e.code === "EACCES" ? "cannot be run: permission denied" : `cannot be run: ${e.code ?? firstLine(e.message ?? "")}`;
        throw new LbctlError(`${who}: exec plugin "${plugin}" ${why}`, { code: "E_KUBECONFIG", cause: err });
      }
      if (err instanceof SyntaxError) throw new LbctlError(`${who}: exec plugin "${plugin}" did not print an ExecCredential (its output is not JSON)`, { code: "E_KUBECONFIG", cause: err });
      if (err instanceof TypeError) throw new LbctlError(`${who}: exec plugin "${plugin}" printed JSON that is not an ExecCredential with a status`, { code: "E_KUBECONFIG", cause: err });
      const said = firstLine(e.message ?? "");
      throw new LbctlError(`${who}: exec plugin "${plugin}" failed${said ? `: ${said}` : " with no message"}`, { code: "E_KUBECONFIG", cause: err });
    }
    const what = e.code === "ENOENT" && e.path ? `${e.path}: no such file` : e.code === "EACCES" && e.path ? `${e.path}: permission denied` : firstLine(e.message ?? String(err));
    throw new LbctlError(`${cfg.origin}: cannot use the credentials of user "${cfg.user}" for ${cfg.server}: ${what}`, { code: "E_KUBECONFIG", cause: err });
  }
  if (cfg.tokenFile !== undefined) {
    const headers = (opts.headers ??= {}) as Record<string, unknown>;
    if (headers["Authorization"] === undefined) headers["Authorization"] = `Bearer ${readTokenFile(cfg.tokenFile, who)}`;
  }
}

/** kubectl's `tokenFile`: read on every request (tokens rotate), surrounding white space trimmed. */
function readTokenFile(file: string, who: string): string {
  let token: string;
  try {
    token = readFileSync(file, "utf8").trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (code ?? String(err));
    throw new LbctlError(`${who}: tokenFile ${file}: ${why}`, { code: "E_KUBECONFIG", cause: err });
  }
  if (token === "") throw new LbctlError(`${who}: tokenFile ${file} is empty`, { code: "E_KUBECONFIG" });
  if (/[^\x21-\x7e]/.test(token)) throw new LbctlError(`${who}: tokenFile ${file} holds characters a bearer token cannot have`, { code: "E_KUBECONFIG" });
  return token;
}
