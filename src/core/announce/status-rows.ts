// `lbctl announce status`: each announced address group with its Services, lease holder, renew
// age and the interfaces/MACs the holder published. Built from the cluster-wide plan plus the
// Leases; an lbctl Lease without a group is shown as stale.
import type { AddressGroup } from "./policy.ts";
import { toStoredLease, type LeaseObject } from "./objects.ts";
import { ANNOTATION_INTERFACES, ANNOTATION_IP, ANNOTATION_SERVICES, isLeaseName, leaseFacts, parseInterfaces, parseServices } from "./lease-record.ts";

export interface GroupStatus {
  readonly address: string;
  readonly lease: string;
  readonly services: readonly string[];
  readonly policies: readonly string[];
  readonly holder: string | null;
  readonly renewTime: string | null;
  readonly renewAgeSeconds: number | null;
  readonly expired: boolean;
  readonly interfaces: readonly { name: string; mac: string }[];
  readonly transitions: number;
  readonly state: "held" | "expired" | "released" | "no-lease" | "stale";
}

export function groupStatuses(groups: readonly AddressGroup[], leases: readonly LeaseObject[], now: number): GroupStatus[] {
  const byName = new Map(leases.map((l) => [l.metadata?.name ?? "", l]));
  const rows: GroupStatus[] = groups.map((g) => row(g.ip, g.leaseName, g.services, g.policies, byName.get(g.leaseName), now, false));
  const known = new Set(groups.map((g) => g.leaseName));
  for (const [name, l] of byName) {
    if (!isLeaseName(name) || known.has(name)) continue;
    const ann = l.metadata?.annotations ?? {};
    rows.push(row(ann[ANNOTATION_IP] ?? "?", name, parseServices(ann[ANNOTATION_SERVICES]), [], l, now, true));
  }
  return rows;
}

function row(address: string, lease: string, services: readonly string[], policies: readonly string[], l: LeaseObject | undefined, now: number, stale: boolean): GroupStatus {
  if (!l) return { address, lease, services, policies, holder: null, renewTime: null, renewAgeSeconds: null, expired: false, interfaces: [], transitions: 0, state: "no-lease" };
  const facts = leaseFacts(l, "lbctl", now);
  const interfaces = parseInterfaces(l.metadata?.annotations?.[ANNOTATION_INTERFACES]).map((i) => ({ name: i.interface, mac: i.mac }));
  const state = stale ? "stale" : facts.holder === null ? "released" : facts.expired ? "expired" : "held";
  return {
    address, lease, services, policies, holder: facts.holder, renewTime: facts.renewTime, renewAgeSeconds: facts.renewAgeSeconds,
    expired: facts.expired, interfaces, transitions: toStoredLease(l).record.leaseTransitions, state,
  };
}
