// Service → frontends, in the order the agent emits them: ClusterIP, NodePort (per scope ×
// family × port; with --node-ips one row per node address before the wildcard row, as Cilium
// ≤ 1.17 listed them), LoadBalancer (ingress IP × scope × port), ExternalIPs.
import { compareIpText, familyOf, type Family } from "../ip.ts";
import type { NodeInfo, ServiceInfo, TrafficPolicy } from "./model.ts";
import type { AgentSettings } from "./agent-config.ts";
import type { ExposedType } from "./annotations.ts";

export type FrontendType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalIPs" | "HostPort";
export const FRONTEND_TYPES: readonly FrontendType[] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalIPs", "HostPort"];
export type Scope = "external" | "internal";

export interface FrontendDef {
  readonly ip: string;
  readonly port: number;
  readonly protocol: string;
  readonly scope: Scope;
  readonly type: FrontendType;
  readonly portName: string;
  /** Address family used to pick backends (the wildcard NodePort rows carry it explicitly). */
  readonly family: Family;
  /** The policy that decides which backends this frontend may use. */
  readonly policy: TrafficPolicy;
}

export interface FrontendOptions {
  /** The node whose datapath view is wanted; enables the internal scope. */
  readonly node?: string | undefined;
  /** Expand NodePort frontends per node address (legacy LB), from these nodes. */
  readonly nodeIps?: readonly NodeInfo[] | undefined;
  /** The agent's settings (agent-config.ts); undefined = every frontend kind on, as before. */
  readonly agent?: AgentSettings | undefined;
}

/** Per-Service restriction from the service.cilium.io/type annotation (annotations.ts). */
export interface ServiceRestriction {
  readonly exposeOnly?: ExposedType | undefined;
}

/** Port name of the health-check frontends: no Service port (and so no EndpointSlice port) has it. */
export const HEALTH_CHECK_PORT_NAME = "\u0000health-check";

function families(svc: ServiceInfo): Family[] {
  const fromSpec = svc.ipFamilies.map((f) => (f === "IPv6" ? 6 : f === "IPv4" ? 4 : undefined)).filter((f): f is Family => f !== undefined);
  if (fromSpec.length > 0) return fromSpec;
  const fromIps = [...new Set(svc.clusterIPs.map(familyOf).filter((f): f is Family => f !== undefined))];
  return fromIps.length > 0 ? fromIps : [4];
}

export function frontendsOf(svc: ServiceInfo, o: FrontendOptions = {}, r: ServiceRestriction = {}): FrontendDef[] {
  if (svc.headless || svc.type === "ExternalName") return [];
  const a = o.agent;
  const only = r.exposeOnly;
  const famOn = (f: Family): boolean => a === undefined || (f === 6 ? a.ipv6 : a.ipv4);
  const nodePortOn = a === undefined || a.nodePort;
  const out: FrontendDef[] = [];
  const ports = svc.ports.filter((p) => p.port > 0);
  const twoScopes = o.node !== undefined && (svc.etp === "Local") !== (svc.itp === "Local");
  const scopes: Scope[] = twoScopes ? ["external", "internal"] : ["external"];
  const policyOf = (scope: Scope): TrafficPolicy => (scope === "internal" ? svc.itp : svc.etp);
  const add = (ip: string, p: (typeof ports)[number], type: FrontendType, scope: Scope, family: Family, policy: TrafficPolicy, port = p.port): void => {
    if (!famOn(family)) return;
    out.push({ ip, port, protocol: p.protocol, scope, type, portName: p.name, family, policy });
  };

  if (only === undefined || only === "ClusterIP") {
    for (const ip of [...svc.clusterIPs].sort(compareIpText)) {
      for (const p of ports) add(ip, p, "ClusterIP", "external", familyOf(ip) ?? 4, svc.itp);
    }
  }
  if ((svc.type === "NodePort" || svc.type === "LoadBalancer") && nodePortOn && (only === undefined || only === "NodePort")) {
    const nodeAddrs = (o.nodeIps ?? []).filter((n) => o.node === undefined || n.name === o.node).flatMap((n) => n.addresses);
    for (const scope of scopes) {
      for (const fam of families(svc)) {
        const addrs = [...new Set(nodeAddrs.filter((a) => familyOf(a) === fam))];
        for (const p of ports) {
          if (p.nodePort <= 0) continue;
          for (const a of addrs) add(a, p, "NodePort", scope, fam, policyOf(scope), p.nodePort);
          add(fam === 6 ? "::" : "0.0.0.0", p, "NodePort", scope, fam, policyOf(scope), p.nodePort);
        }
      }
    }
  }
  if (svc.type === "LoadBalancer" && nodePortOn && (only === undefined || only === "LoadBalancer")) {
    for (const ip of svc.ingressIPs) {
      for (const scope of scopes) for (const p of ports) add(ip, p, "LoadBalancer", scope, familyOf(ip) ?? 4, policyOf(scope));
    }
  }
  // The health-check port on the LoadBalancer IPs: served by the agent's own health server on each
  // node (it answers whether the node has a local endpoint), so no EndpointSlice backend matches.
  if (svc.type === "LoadBalancer" && a?.healthCheckLoadBalancerIP && a.healthCheckNodePort && nodePortOn && svc.etp === "Local" && svc.healthCheckNodePort > 0 && (only === undefined || only === "LoadBalancer")) {
    const hc = { name: HEALTH_CHECK_PORT_NAME, port: svc.healthCheckNodePort, protocol: "TCP", nodePort: 0 };
    for (const ip of svc.ingressIPs) add(ip, hc, "LoadBalancer", "external", familyOf(ip) ?? 4, "Cluster");
  }
  if (only === undefined && (a === undefined || a.externalIPs)) for (const ip of svc.externalIPs) for (const p of ports) add(ip, p, "ExternalIPs", "external", familyOf(ip) ?? 4, svc.etp);
  return out;
}
