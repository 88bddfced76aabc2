// Plain, compact shapes of the objects the service map reads, parsed defensively from any JSON
// (live API or `kubectl get -o yaml` dumps). Only the fields the map uses are kept, so a big
// cluster costs little memory once parsed.

export type TrafficPolicy = "Cluster" | "Local";

export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly nodePort: number;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  readonly type: string; // ClusterIP | NodePort | LoadBalancer | ExternalName
  readonly headless: boolean;
  readonly clusterIPs: readonly string[];
  readonly ipFamilies: readonly string[]; // "IPv4" | "IPv6"
  readonly ports: readonly ServicePort[];
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress IPs that are VIPs (hostname-only and ipMode Proxy dropped). */
  readonly ingressIPs: readonly string[];
  readonly etp: TrafficPolicy;
  readonly itp: TrafficPolicy;
  readonly healthCheckNodePort: number;
  readonly labels: Readonly<Record<string, string>>;
  /** spec.loadBalancerClass; undefined when unset. */
  readonly loadBalancerClass: string | undefined;
  /**
   * Only the annotations the agent reads (`service.cilium.io/*` and the topology ones, see
   * annotations.ts): a kubectl last-applied annotation is not kept for every Service.
   */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** spec.trafficDistribution (PreferClose, PreferSameZone, PreferSameNode); undefined when unset. */
  readonly trafficDistribution?: string | undefined;
  /** spec.sessionAffinity ClientIP: its timeout in seconds (default 10800); undefined for None. */
  readonly affinityTimeout?: number | undefined;
  /** spec.loadBalancerSourceRanges as canonical CIDRs (host bits masked); undefined when none. */
  readonly sourceRanges?: readonly string[] | undefined;
}

export interface Endpoint {
  readonly addresses: readonly string[];
  readonly ready: boolean | undefined;
  readonly serving: boolean | undefined;
  readonly terminating: boolean | undefined;
  readonly nodeName: string;
  readonly zone: string;
  /** hints.forZones[].name / hints.forNodes[].name (topology-aware routing); absent without hints. */
  readonly forZones?: readonly string[] | undefined;
  readonly forNodes?: readonly string[] | undefined;
}

export interface SlicePort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
}

export interface SliceInfo {
  readonly namespace: string;
  readonly name: string;
  /** The owning Service, from the kubernetes.io/service-name label ("" when missing). */
  readonly service: string;
  readonly addressType: string; // IPv4 | IPv6 | FQDN
  readonly ports: readonly SlicePort[];
  readonly endpoints: readonly Endpoint[];
}

export interface NodeInfo {
  readonly name: string;
  /** InternalIP and ExternalIP addresses, in status order. */
  readonly addresses: readonly string[];
  /** The topology.kubernetes.io/zone label ("" when unset). */
  readonly zone?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** A Pod port with a hostPort: the source of HostPort frontends. */
export interface HostPortInfo {
  readonly hostPort: number;
  readonly hostIP: string; // "" = every address
  readonly containerPort: number;
  readonly protocol: string;
}

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  readonly podIPs: readonly string[];
  /** Running or Pending with addresses; Succeeded/Failed pods program nothing. */
  readonly active: boolean;
  readonly hostPorts: readonly HostPortInfo[];
}
