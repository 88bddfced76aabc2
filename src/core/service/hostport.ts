// HostPort frontends: the agent turns every `hostPort` of a Pod on its node into a frontend
// `hostIP:hostPort` (0.0.0.0 / [::] when hostIP is unset) whose one backend is the Pod at its
// containerPort, one per address family of the Pod's IPs. Pods that finished (Succeeded/Failed)
// or have no IP yet program nothing.
import { compareIpText, familyOf, type Family } from "../ip.ts";
import type { AgentSettings } from "./agent-config.ts";
import type { Backend } from "./backends.ts";
import type { FrontendDef } from "./frontends.ts";
import type { PodInfo, ServiceInfo } from "./model.ts";

export interface HostPortEntry extends FrontendDef {
  readonly service: ServiceInfo;
  readonly backends: readonly Backend[];
}

/** The pseudo-Service a HostPort entry belongs to: the Pod, so -o wide names it. */
function podService(p: PodInfo): ServiceInfo {
  return {
    namespace: p.namespace, name: p.name, type: "HostPort", headless: false, clusterIPs: [], ipFamilies: [], ports: [], externalIPs: [], ingressIPs: [],
    etp: "Cluster", itp: "Cluster", healthCheckNodePort: 0, labels: {}, loadBalancerClass: undefined,
  };
}

/** HostPort entries (without IDs) of the Pods on `node` (every node when undefined), ordered by namespace/name. */
export function hostPortEntries(pods: readonly PodInfo[], node: string | undefined, agent: AgentSettings | undefined): HostPortEntry[] {
  const famOn = (f: Family): boolean => agent === undefined || (f === 6 ? agent.ipv6 : agent.ipv4);
  const mine = pods.filter((p) => p.active && p.hostPorts.length > 0 && (node === undefined || p.nodeName === node));
  mine.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1));
  const out: HostPortEntry[] = [];
  for (const p of mine) {
    const svc = podService(p);
    const podIps = [...p.podIPs].sort(compareIpText);
    for (const hp of p.hostPorts) {
      const fams: Family[] = hp.hostIP !== "" ? [familyOf(hp.hostIP) ?? 4] : [...new Set(podIps.map((ip) => familyOf(ip) ?? 4))];
      for (const fam of fams) {
        if (!famOn(fam)) continue;
        const ip = hp.hostIP !== "" ? hp.hostIP : fam === 6 ? "::" : "0.0.0.0";
        const backends: Backend[] = podIps
          .filter((b) => familyOf(b) === fam)
          .map((b) => ({ ip: b, port: hp.containerPort || hp.hostPort, protocol: hp.protocol, nodeName: p.nodeName, zone: "", state: "active" }));
        if (backends.length === 0) continue;
        out.push({ ip, port: hp.hostPort, protocol: hp.protocol, scope: "external", type: "HostPort", portName: "", family: fam, policy: "Cluster", service: svc, backends });
      }
    }
  }
  return out;
}
