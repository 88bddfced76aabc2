// Reading who announces an address from Leases: lbctl's per-address leases (`lbctl-l2-…`, with
// the holder's interfaces and MACs in the `lbctl.io/interfaces` annotation) and Cilium's
// per-Service leases (`cilium-l2announce-<ns>-<svc>`, holder = node name, no MAC). For a Cilium
// holder the MACs come from the Node's `lbctl.io/interfaces` annotation when someone set it.
import type { LeaseObject, NodeObject } from "../announce/objects.ts";
import { ANNOTATION_INTERFACES, isLive, leaseFacts, parseInterfaces, type LeaseFacts, type MacOnInterface } from "../announce/lease-record.ts";

export const CILIUM_LEASE_PREFIX = "cilium-l2announce-";

export function ciliumLeaseName(serviceKey: string): string {
  const [ns = "", name = ""] = serviceKey.split("/");
  return `${CILIUM_LEASE_PREFIX}${ns}-${name}`;
}

export class LeaseIndex {
  private readonly byName = new Map<string, LeaseObject>();
  private readonly nodeMacs = new Map<string, MacOnInterface[]>();

  constructor(leases: readonly LeaseObject[], nodes: readonly NodeObject[], private readonly now: number) {
    for (const l of leases) {
      const name = l.metadata?.name ?? "";
      if (!this.byName.has(name)) this.byName.set(name, l);
    }
    for (const n of nodes) this.nodeMacs.set(n.metadata?.name ?? "", parseInterfaces(n.metadata?.annotations?.[ANNOTATION_INTERFACES]));
  }

  /**
   * lbctl's lease for the address first (per-address election, or under membership election the
   * member Lease of the computed owner); otherwise the live Cilium lease (or any) of its Services.
   */
  forAddress(leaseName: string, services: readonly string[], ownerLease?: LeaseObject): { lease: LeaseFacts | null; others: LeaseFacts[]; macs: MacOnInterface[]; macSource: "lease-annotation" | "node-annotation" | null } {
    const own = ownerLease ?? this.byName.get(leaseName);
    const cilium = services.flatMap((s) => {
      const l = this.byName.get(ciliumLeaseName(s));
      return l ? [leaseFacts(l, "cilium", this.now)] : [];
    });
    if (own) {
      const lease = leaseFacts(own, "lbctl", this.now);
      const fromLease = parseInterfaces(own.metadata?.annotations?.[ANNOTATION_INTERFACES]);
      if (fromLease.length > 0) return { lease, others: cilium, macs: fromLease, macSource: "lease-annotation" };
      return { lease, others: cilium, ...this.fromNode(lease.holder) };
    }
    const lease = cilium.find(isLive) ?? cilium[0] ?? null;
    return { lease, others: cilium.filter((c) => c !== lease), ...this.fromNode(lease?.holder ?? null) };
  }

  private fromNode(holder: string | null): { macs: MacOnInterface[]; macSource: "node-annotation" | null } {
    const macs = holder === null ? [] : (this.nodeMacs.get(holder) ?? []);
    return { macs, macSource: macs.length > 0 ? "node-annotation" : null };
  }
}
