// Cluster mode over the Kubernetes API. Placeholder until the Kubernetes adapter is merged.
import { LbctlError } from "../../cli/errors.ts";
import type { AnnounceConfig } from "../../core/announce/options.ts";
import type { Metrics } from "../../core/announce/metrics.ts";
import type { CliContext } from "../../cli/context.ts";
import type { Engine } from "./engine.ts";
import type { Logger } from "./logger.ts";

export interface ClusterStartOptions {
  readonly ctx: CliContext;
  readonly opts: Record<string, unknown>;
  readonly config: AnnounceConfig;
  readonly engine: Engine;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nodeName: string;
}

export async function startCluster(_o: ClusterStartOptions): Promise<{ stop(): Promise<void>; relink(): void }> {
  throw new LbctlError("cluster mode needs the Kubernetes adapter, which is not built into this lbctl");
}
