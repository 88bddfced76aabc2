// `lbctl announce status`: each announced address group with its Services, lease holder, renew
// age and the interfaces/MACs the holder published. Built from the cluster-wide plan plus the
// Leases; an lbctl Lease without a group is shown as stale.
import type { AddressGroup } from "./policy.ts";
import { toStoredLease, type LeaseObject } from "./objects.ts";
import { ANNOTATION_INTERFACES, ANNOTATION_IP, ANNOTATION_SERVICES, isLeaseName, isLive, isMemberLeaseName, leaseFacts, parseInterfaces, parseMemberAnnotations, parseServices } from "./lease-record.ts";
import { computeOwners, type MemberView } from "./membership.ts";

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
  /**
   * Per-address election: held … stale as the Lease says. Membership election: `answering` (the
   * computed owner claims it on its member Lease), `waiting` (the owner has not claimed it yet,
   * e.g. during a handover), `no-owner` (no live eligible member).
   */
  readonly state: "held" | "expired" | "released" | "no-lease" | "stale" | "answering" | "waiting" | "no-owner";
  /** Membership election: who claims it on their member Lease (normally just the owner). */
  readonly claimedBy?: readonly string[] | undefined;
}

/** Whether the lease namespace runs membership election (a live member Lease exists). */
export function hasMembers(leases: readonly LeaseObject[], now: number): boolean {
  return leases.some((l) => isMemberLeaseName(l.metadata?.name ?? "") && isLive(leaseFacts(l, "lbctl", now)));
}

/** Membership election: the live members (with their Leases and claims) and each address's owner. */
export function memberOwners(groups: readonly Pick<AddressGroup, "ip" | "services" | "policies">[], leases: readonly LeaseObject[], localServices: ReadonlySet<string>, hasLocalEndpoint: (svc: string, node: string) => boolean, now: number): { members: (MemberView & { lease: LeaseObject; claims: ReadonlySet<string> })[]; owners: Map<string, string> } {
  const members: (MemberView & { lease: LeaseObject; claims: ReadonlySet<string> })[] = [];
  for (const l of leases) {
    const name = l.metadata?.name ?? "";
    if (!isMemberLeaseName(name)) continue;
    const f = leaseFacts(l, "lbctl", now);
    if (!isLive(f) || f.holder === null) continue;
    const a = parseMemberAnnotations(l.metadata?.annotations);
    members.push({ identity: f.holder, weight: a.weight, policies: new Set(a.policies), lease: l, claims: new Set(a.claims) });
  }
  const { owners } = computeOwners({ groups, members, localServices, hasLocalEndpoint });
  return { members, owners };
}

/**
 * Membership election: who *should* answer each address (the same owner function every
 * announcer computes from the live member Leases), and whether that owner claims it yet.
 */
export function memberStatuses(groups: readonly AddressGroup[], leases: readonly LeaseObject[], localServices: ReadonlySet<string>, hasLocalEndpoint: (svc: string, node: string) => boolean, now: number): GroupStatus[] {
  const { members, owners } = memberOwners(groups, leases, localServices, hasLocalEndpoint, now);
  return groups.map((g) => {
    const owner = owners.get(g.ip);
    const m = members.find((x) => x.identity === owner);
    const claimedBy = members.filter((x) => x.claims.has(g.ip)).map((x) => x.identity).sort();
    if (!m) return { address: g.ip, lease: "<none>", services: g.services, policies: g.policies, holder: null, renewTime: null, renewAgeSeconds: null, expired: false, interfaces: [], transitions: 0, state: "no-owner", claimedBy };
    const f = leaseFacts(m.lease, "lbctl", now);
    const interfaces = parseInterfaces(m.lease.metadata?.annotations?.[ANNOTATION_INTERFACES]).map((i) => ({ name: i.interface, mac: i.mac }));
    return {
      address: g.ip, lease: f.name, services: g.services, policies: g.policies, holder: m.identity, renewTime: f.renewTime, renewAgeSeconds: f.renewAgeSeconds,
      expired: false, interfaces, transitions: 0, state: m.claims.has(g.ip) ? "answering" : "waiting", claimedBy,
    };
  });
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
