// Entry point for commands: kubeconfig + flags → a Kube. Import lazily (client-node is heavy).
import { loadKubeConfig, parseRequestTimeout } from "./config.ts";
import { KubeClient } from "./client.ts";
import type { Kube } from "./types.ts";

export interface ConnectOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly requestTimeout?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Default per-request timeout when --request-timeout is not given. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export function connectKube(o: ConnectOptions): Kube {
  const timeoutMs = parseRequestTimeout(o.requestTimeout, DEFAULT_TIMEOUT_MS);
  return new KubeClient(loadKubeConfig(o), timeoutMs);
}

/** Reads the root flags commander collected (`cmd.optsWithGlobals()`). */
export function connectFromFlags(flags: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): Kube {
  const s = (k: string): string | undefined => (typeof flags[k] === "string" ? (flags[k] as string) : undefined);
  return connectKube({ kubeconfig: s("kubeconfig"), context: s("context"), requestTimeout: s("requestTimeout"), env });
}
