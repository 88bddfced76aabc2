// Topology-aware backend selection on one node: spec.trafficDistribution (PreferClose and
// PreferSameZone → the node's zone, PreferSameNode → the node itself, then its zone) and the
// older topology-mode: Auto hints, read from EndpointSlice hints (forZones / forNodes) as the
// agent does with enable-service-topology. Fallbacks: when an endpoint carries no hints at all
// (the EndpointSlice controller then did not or could not assign them) or no backend matches,
// every backend is used — traffic is never dropped for want of a close endpoint.
import type { Backend } from "./backends.ts";
import type { TopologyRule } from "./annotations.ts";

export type LeftOutReason = "other zone" | "other node" | "not local" | "not exposed on this node";

export interface LeftOut {
  readonly backend: Backend;
  readonly reason: LeftOutReason;
}

export interface Selection {
  readonly used: readonly Backend[];
  readonly leftOut: readonly LeftOut[];
}

/** Splits `all` by the topology rule for a node (name, zone). */
export function selectByTopology(all: readonly Backend[], rule: TopologyRule, node: string, zone: string): Selection {
  if (rule === "none" || all.length === 0) return { used: all, leftOut: [] };
  if (rule === "node") {
    if (all.every((b) => b.forNodes !== undefined)) {
      const mine = all.filter((b) => b.forNodes?.includes(node));
      if (mine.length > 0) return { used: mine, leftOut: all.filter((b) => !mine.includes(b)).map((b) => ({ backend: b, reason: "other node" })) };
    }
  }
  if (zone === "" || !all.every((b) => b.forZones !== undefined)) return { used: all, leftOut: [] };
  const close = all.filter((b) => b.forZones?.includes(zone));
  if (close.length === 0) return { used: all, leftOut: [] };
  return { used: close, leftOut: all.filter((b) => !close.includes(b)).map((b) => ({ backend: b, reason: "other zone" })) };
}
