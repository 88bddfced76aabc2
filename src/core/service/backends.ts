// EndpointSlices → backends, with the agent's state mapping and port-name/protocol/family
// matching. Backends of a service port are computed once and shared by its frontends.
import { compareIpText, familyOf, type Family } from "../ip.ts";
import type { Endpoint, SliceInfo } from "./model.ts";

export type BackendState = "active" | "terminating" | "terminating-not-serving" | "maintenance";

export interface Backend {
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
  readonly nodeName: string;
  readonly zone: string;
  readonly state: BackendState;
  readonly forZones?: readonly string[] | undefined;
  readonly forNodes?: readonly string[] | undefined;
}

/**
 * Cilium's new-LB mapping. `ready` unset means "unknown", which the EndpointSlice API says to
 * treat as ready; `serving` unset falls back to `ready`.
 */
export function backendState(e: Pick<Endpoint, "ready" | "serving" | "terminating">): BackendState {
  const ready = e.ready ?? e.terminating !== true;
  if (ready) return "active";
  const serving = e.serving ?? ready;
  if (e.terminating === true) return serving ? "terminating" : "terminating-not-serving";
  return "maintenance";
}

const sliceFamily = (addressType: string): Family | undefined => (addressType === "IPv4" ? 4 : addressType === "IPv6" ? 6 : undefined);

/** Backends for one service port (name + protocol) and address family, sorted by address then port. */
export function backendsFor(slices: readonly SliceInfo[], portName: string, protocol: string, family: Family): Backend[] {
  const out: Backend[] = [];
  const seen = new Set<string>();
  for (const s of slices) {
    if (sliceFamily(s.addressType) !== family) continue;
    for (const p of s.ports) {
      if (p.name !== portName || p.protocol !== protocol || p.port <= 0) continue;
      for (const e of s.endpoints) {
        const state = backendState(e);
        for (const ip of e.addresses) {
          if (familyOf(ip) !== family) continue;
          const key = `${ip}|${p.port}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const b: Backend = { ip, port: p.port, protocol, nodeName: e.nodeName, zone: e.zone, state };
          out.push(e.forZones === undefined && e.forNodes === undefined ? b : { ...b, forZones: e.forZones, forNodes: e.forNodes });
        }
      }
    }
  }
  return out.sort((a, b) => compareIpText(a.ip, b.ip) || a.port - b.port);
}
