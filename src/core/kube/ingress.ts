// Which `status.loadBalancer.ingress` entries are VIPs: one rule for every command (service list,
// announce, l2 status), so that no view counts an address another ignores.

export interface IngressEntry {
  readonly ip?: string | undefined;
  readonly hostname?: string | undefined;
  readonly ipMode?: string | undefined;
}

/**
 * The ingress addresses that are VIPs on this cluster's nodes. Hostname-only entries have no
 * address; `ipMode: Proxy` (KEP-1860) says the load balancer terminates the traffic itself, so
 * nodes neither program the address nor answer ARP/NDP for it (Cilium skips it too).
 */
export function vipIngressIps(ingress: readonly IngressEntry[] | undefined): string[] {
  const out: string[] = [];
  for (const i of ingress ?? []) {
    if (typeof i.ip !== "string" || i.ip === "") continue;
    if (i.ipMode !== undefined && i.ipMode !== "VIP") continue;
    out.push(i.ip);
  }
  return out;
}
