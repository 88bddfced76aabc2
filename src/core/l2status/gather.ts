// Builds one AddressStatus per announced address (LoadBalancer ingress IPs and ExternalIPs) from
// the API objects, reusing the announcer's own policy matching (planGroups, per-address groups
// and lease names) so that `l2 status` judges exactly what `lbctl announce` would do.
import { canonicalIp, compareIp, parseIp } from "../ip.ts";
import { localEndpointServices, toPolicy, toL2Service, type EndpointSliceObject, type LeaseObject, type NodeObject, type PolicyObject, type ServiceObject } from "../announce/objects.ts";
import { L2_ANNOUNCER_CLASS, planGroups, type L2Service } from "../announce/policy.ts";
import { isLive, leaseNameFor } from "../announce/lease-record.ts";
import { hasMembers, memberOwners } from "../announce/status-rows.ts";
import { LeaseIndex } from "./leases.ts";
import type { AddressStatus, ProbeResult, StatusSummary, Verdict } from "./model.ts";
import { decideVerdict } from "./verdict.ts";

export interface L2StatusInput {
  readonly services: readonly ServiceObject[];
  readonly policies: readonly PolicyObject[];
  readonly leases: readonly LeaseObject[];
  readonly nodes: readonly NodeObject[];
  readonly slices: readonly EndpointSliceObject[];
  /** Address (canonical) → name of the LB-IPAM pool it belongs to. */
  readonly poolOf: ReadonlyMap<string, string>;
  /** Probe results by address, when --probe ran. */
  readonly probes?: ReadonlyMap<string, ProbeResult> | undefined;
  /** Only these addresses (canonical); pending Services are then left out. */
  readonly vips?: ReadonlySet<string> | undefined;
  /** enable-l2-announcements is false: where that came from; every address then gets `l2-disabled`. */
  readonly l2Disabled?: string | undefined;
  readonly now: number;
}

interface Collected {
  services: Set<string>;
  sources: Set<"loadBalancer" | "externalIP">;
  infos: L2Service[];
}

/** Every address the Services carry, keyed by canonical text, plus LoadBalancers still pending. */
export function collectAddresses(services: readonly L2Service[]): { byIp: Map<string, Collected>; pending: L2Service[] } {
  const byIp = new Map<string, Collected>();
  const pending: L2Service[] = [];
  const add = (raw: string, svc: L2Service, source: "loadBalancer" | "externalIP"): void => {
    const ip = canonicalIp(raw, { refuseMapped: true });
    if (ip === undefined) return;
    const c = byIp.get(ip) ?? { services: new Set(), sources: new Set(), infos: [] };
    byIp.set(ip, c);
    const key = `${svc.namespace}/${svc.name}`;
    if (!c.services.has(key)) c.infos.push(svc);
    c.services.add(key);
    c.sources.add(source);
  };
  for (const s of services) {
    for (const ip of s.ingressIPs) add(ip, s, "loadBalancer");
    for (const ip of s.externalIPs) add(ip, s, "externalIP");
    if (s.type === "LoadBalancer" && s.ingressIPs.length === 0) pending.push(s);
  }
  return { byIp, pending };
}

export function gatherStatus(input: L2StatusInput): AddressStatus[] {
  const infos = input.services.map(toL2Service);
  const policies = input.policies.map(toPolicy);
  const { groups, problems } = planGroups({ policies, services: infos });
  const groupByIp = new Map(groups.map((g) => [g.ip, g]));
  const leases = new LeaseIndex(input.leases, input.nodes, input.now);
  const localCache = new Map<string, Set<string>>();
  const localOn = (node: string): Set<string> => {
    let s = localCache.get(node);
    if (!s) localCache.set(node, (s = localEndpointServices(input.slices, node)));
    return s;
  };
  const { byIp, pending } = collectAddresses(infos);
  // Membership election: the owner every announcer computes from the live member Leases.
  const members = hasMembers(input.leases, input.now)
    ? memberOwners(groups, input.leases, new Set(infos.filter((s) => s.externalTrafficPolicy === "Local").map((s) => `${s.namespace}/${s.name}`)), (s, n) => localOn(n).has(s), input.now)
    : undefined;
  const problemText = problems.length > 0 ? `; policy problems: ${problems.map((p) => `${p.policy}: ${p.message}`).join("; ")}` : "";

  const out: AddressStatus[] = [];
  for (const [ip, c] of byIp) {
    if (input.vips && !input.vips.has(ip)) continue;
    const services = [...c.services].sort();
    const group = groupByIp.get(ip);
    const policyNames = group?.policies ?? [];
    const owner = members?.owners.get(ip);
    const ownerLease = owner === undefined ? undefined : members?.members.find((m) => m.identity === owner)?.lease;
    const { lease, others, macs, macSource } = leases.forAddress(leaseNameFor(ip), services, ownerLease);
    const live = [lease, ...others].filter((l): l is NonNullable<typeof l> => l !== null && isLive(l));
    const liveHolders = [...new Set(live.map((l) => l.holder ?? ""))].sort();
    const holder = lease !== null && isLive(lease) ? lease.holder : null;
    const localServicesWithoutBackend = holder === null ? [] : c.infos
      .filter((s) => s.externalTrafficPolicy === "Local")
      .map((s) => `${s.namespace}/${s.name}`)
      .filter((k) => !localOn(holder).has(k))
      .sort();
    const probe = input.probes?.get(ip) ?? null;
    const { verdict, reason } = decideVerdict({
      pending: false, policies: policyNames, unselectedWhy: unselectedWhy(c.infos, policies.length, problemText), lease, liveHolders,
      holderMacs: macs, probe, localServicesWithoutBackend, l2Disabled: input.l2Disabled,
    });
    out.push({
      address: ip, services, sources: [...c.sources].sort(), pool: input.poolOf.get(ip) ?? null, policies: policyNames, lease, otherLeases: others,
      holderMacs: macs, holderMacSource: macSource, localServicesWithoutBackend, probe, verdict, reason,
    });
  }
  // Decorate-sort-undecorate: parse each address once, not on every comparison.
  const keyed = out.map((r) => ({ r, ip: parseIp(r.address ?? "") }));
  keyed.sort((a, b) => (a.ip && b.ip ? compareIp(a.ip, b.ip) : 0));
  out.splice(0, out.length, ...keyed.map((k) => k.r));
  if (!input.vips) {
    for (const s of [...pending].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
      const { verdict, reason } = decideVerdict({ pending: true, policies: [], lease: null, liveHolders: [], holderMacs: [], probe: null, localServicesWithoutBackend: [] });
      out.push({
        address: null, services: [`${s.namespace}/${s.name}`], sources: ["loadBalancer"], pool: null, policies: [], lease: null, otherLeases: [],
        holderMacs: [], holderMacSource: null, localServicesWithoutBackend: [], probe: null, verdict, reason,
      });
    }
  }
  return out;
}

function unselectedWhy(infos: readonly L2Service[], policyCount: number, problems: string): string | undefined {
  const foreign = infos.map((s) => s.loadBalancerClass).filter((c): c is string => c !== undefined && c !== "" && c !== L2_ANNOUNCER_CLASS);
  if (foreign.length === infos.length && foreign.length > 0) return `loadBalancerClass ${foreign[0]} is not announced by L2 policies (only unset or ${L2_ANNOUNCER_CLASS})`;
  if (policyCount === 0) return `no CiliumL2AnnouncementPolicy exists${problems}`;
  if (problems !== "") return `no CiliumL2AnnouncementPolicy selects it${problems}`;
  return undefined;
}

export function summarize(rows: readonly AddressStatus[], probed: boolean): StatusSummary {
  const byVerdict: Partial<Record<Verdict, number>> = {};
  for (const r of rows) byVerdict[r.verdict] = (byVerdict[r.verdict] ?? 0) + 1;
  const ok = byVerdict.ok ?? 0;
  return { addresses: rows.length, ok, notOk: rows.length - ok, byVerdict, probed };
}
