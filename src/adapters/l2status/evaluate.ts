// One pass of `l2 status`: read the objects, probe the addresses they announce (when asked),
// and judge each one.
import type { CliContext } from "../../cli/context.ts";
import { collectAddresses, gatherStatus } from "../../core/l2status/gather.ts";
import { toServiceInfo } from "../../core/announce/objects.ts";
import type { AddressStatus, ProbeResult } from "../../core/l2status/model.ts";
import type { StatusObjects } from "./inputs.ts";

export interface EvaluateSettings {
  readonly vips: ReadonlySet<string> | undefined;
  readonly probe: { interface: string | undefined; timeoutMs: number; ratePerSecond: number } | undefined;
}

export async function evaluateOnce(ctx: CliContext, s: EvaluateSettings, load: () => Promise<StatusObjects>): Promise<AddressStatus[]> {
  const objects = await load();
  let probes: Map<string, ProbeResult> | undefined;
  if (s.probe) {
    const { byIp } = collectAddresses(objects.services.map(toServiceInfo));
    const addresses = [...byIp.keys()].filter((ip) => !s.vips || s.vips.has(ip));
    const { probeOnTheWire } = await import("./probe-run.ts");
    probes = await probeOnTheWire(addresses, { ...s.probe, env: ctx.env });
  }
  return gatherStatus({ ...objects, probes, vips: s.vips, now: ctx.now() });
}
