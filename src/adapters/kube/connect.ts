// Entry point for commands: kubeconfig + flags → a Kube. Import lazily (client-node is heavy).
import { loadKubeConfig } from "./config.ts";
import { KubeClient } from "./client.ts";
import type { Kube } from "./types.ts";

export interface ConnectOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Per-request timeout (--request-timeout, parsed by the CLI); 0 = none. Default DEFAULT_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Default per-request timeout when --request-timeout is not given. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export function connectKube(o: ConnectOptions): Kube {
  return new KubeClient(loadKubeConfig(o), o.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
}
