// Reading who announces an address from Leases: lbctl's per-address leases (`lbctl-l2-…`, with
// the holder's interfaces and MACs in the `lbctl.io/interfaces` annotation) and Cilium's
// per-Service leases (`cilium-l2announce-<ns>-<svc>`, holder = node name, no MAC). For a Cilium
// holder the MACs come from the Node's `lbctl.io/interfaces` annotation when someone set it.
import { toStoredLease, type LeaseObject, type NodeObject } from "../announce/objects.ts";
import type { LeaseFacts, MacOnInterface } from "./model.ts";

export const INTERFACES_ANNOTATION = "lbctl.io/interfaces";
export const CILIUM_LEASE_PREFIX = "cilium-l2announce-";

export function ciliumLeaseName(serviceKey: string): string {
  const [ns = "", name = ""] = serviceKey.split("/");
  return `${CILIUM_LEASE_PREFIX}${ns}-${name}`;
}

/** `eth0=02:00:00:00:00:01,eth1=…` → entries; malformed parts are skipped. */
export function parseInterfaces(text: string | undefined): MacOnInterface[] {
  const out: MacOnInterface[] = [];
  for (const part of (text ?? "").split(",")) {
    const [name = "", mac = ""] = part.trim().split("=");
    if (name !== "" && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) out.push({ interface: name, mac: mac.toLowerCase() });
  }
  return out;
}

export function leaseFacts(l: LeaseObject, kind: LeaseFacts["kind"], now: number): LeaseFacts {
  const { record } = toStoredLease(l);
  const renew = record.renewTime ?? record.acquireTime;
  return {
    name: l.metadata?.name ?? "",
    namespace: l.metadata?.namespace ?? "",
    kind,
    holder: record.holderIdentity === "" ? null : record.holderIdentity,
    renewTime: renew === undefined ? null : new Date(renew).toISOString(),
    renewAgeSeconds: renew === undefined ? null : Math.max(0, Math.round((now - renew) / 1000)),
    durationSeconds: record.leaseDurationSeconds,
    expired: renew === undefined || now > renew + record.leaseDurationSeconds * 1000,
  };
}

export function isLive(l: LeaseFacts): boolean {
  return l.holder !== null && !l.expired;
}

export class LeaseIndex {
  private readonly byName = new Map<string, LeaseObject>();
  private readonly nodeMacs = new Map<string, MacOnInterface[]>();

  constructor(leases: readonly LeaseObject[], nodes: readonly NodeObject[], private readonly now: number) {
    for (const l of leases) {
      const name = l.metadata?.name ?? "";
      if (!this.byName.has(name)) this.byName.set(name, l);
    }
    for (const n of nodes) this.nodeMacs.set(n.metadata?.name ?? "", parseInterfaces(n.metadata?.annotations?.[INTERFACES_ANNOTATION]));
  }

  /** lbctl's lease for the address first; otherwise the live Cilium lease (or any) of its Services. */
  forAddress(leaseName: string, services: readonly string[]): { lease: LeaseFacts | null; others: LeaseFacts[]; macs: MacOnInterface[]; macSource: "lease-annotation" | "node-annotation" | null } {
    const own = this.byName.get(leaseName);
    const cilium = services.flatMap((s) => {
      const l = this.byName.get(ciliumLeaseName(s));
      return l ? [leaseFacts(l, "cilium", this.now)] : [];
    });
    if (own) {
      const lease = leaseFacts(own, "lbctl", this.now);
      const fromLease = parseInterfaces(own.metadata?.annotations?.[INTERFACES_ANNOTATION]);
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
