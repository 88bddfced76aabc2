// One pass of `l2 status`: read the objects, probe the addresses they announce (when asked),
// and judge each one.
import { collectAddresses, gatherStatus } from "../../core/l2status/gather.ts";
import { toL2Service } from "../../core/announce/objects.ts";
import type { AddressStatus, ProbeResult } from "../../core/l2status/model.ts";
import type { StatusObjects } from "./inputs.ts";
import type { ServiceObject } from "../../core/announce/objects.ts";

/** What a pass needs of the process: the environment (addon path) and the clock. */
export interface EvaluateHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): number;
}

export interface EvaluateSettings {
  readonly vips: ReadonlySet<string> | undefined;
  readonly probe: { interface: string | undefined; timeoutMs: number; ratePerSecond: number } | undefined;
}

/** Reads the objects; calls `onServices` once the Services are known (before the rest, from a cluster). */
export type Loader = (onServices: (services: readonly ServiceObject[]) => void) => Promise<StatusObjects>;

/** Milliseconds since process start at which each phase ended (LBCTL_TIMING=1 prints them). */
export interface PhaseTimes {
  begin: number;
  loaded: number;
  probed: number;
  judged: number;
}

export async function evaluateOnce(ctx: EvaluateHost, s: EvaluateSettings, load: Loader, times?: PhaseTimes): Promise<AddressStatus[]> {
  if (times) times.begin = performance.now();
  let probing: Promise<Map<string, ProbeResult>> | undefined;
  const startProbe = (services: readonly ServiceObject[]): void => {
    const probe = s.probe;
    if (!probe || probing) return;
    const { byIp } = collectAddresses(services.map(toL2Service));
    const addresses = [...byIp.keys()].filter((ip) => !s.vips || s.vips.has(ip));
    // The probe runs while the remaining kinds are listed: wire time and API time overlap.
    probing = import("./probe-run.ts").then(({ probeOnTheWire }) => probeOnTheWire(addresses, { ...probe, env: ctx.env }));
    probing.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  };
  const objects = await load(startProbe);
  if (times) times.loaded = performance.now();
  startProbe(objects.services);
  const probes = probing ? await probing : undefined;
  if (times) times.probed = performance.now();
  const rows = gatherStatus({ ...objects, probes, vips: s.vips, now: ctx.now() });
  if (times) times.judged = performance.now();
  return rows;
}
