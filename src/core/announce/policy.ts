// CiliumL2AnnouncementPolicy (cilium.io/v2alpha1) applied as Cilium's l2announcer does, but with
// one election per *address* rather than per Service: every Service that shares an IP lands in
// the same address group and so on the same node (Cilium #48419, kube-vip #879).
import { canonicalIp, compareIpText, familyOf, type Family } from "../ip.ts";
import { leaseNameFor } from "./lease-record.ts";
import { CILIUM_SERVICE_NAME_LABEL, CILIUM_SERVICE_NAMESPACE_LABEL } from "../kube/labels.ts";
import { compileSelector, type LabelSelector, type Labels } from "../selector.ts";

export const L2_ANNOUNCER_CLASS = "io.cilium/l2-announcer";

export interface L2Service {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly type?: string | undefined;
  readonly loadBalancerClass?: string | undefined;
  readonly externalIPs: readonly string[];
  /** status.loadBalancer.ingress[].ip (hostname-only entries left out by the caller). */
  readonly ingressIPs: readonly string[];
  readonly externalTrafficPolicy?: string | undefined;
}

export interface L2Policy {
  readonly name: string;
  readonly nodeSelector?: LabelSelector | undefined;
  readonly serviceSelector?: LabelSelector | undefined;
  readonly interfaces?: readonly string[] | undefined;
  readonly externalIPs?: boolean | undefined;
  readonly loadBalancerIPs?: boolean | undefined;
}

export interface NodeInfo {
  readonly name: string;
  readonly labels: Labels;
}

export type ProblemType = "io.cilium/bad-node-selector" | "io.cilium/bad-service-selector" | "io.cilium/bad-interface-regex";

export interface PolicyProblem {
  readonly policy: string;
  readonly type: ProblemType;
  readonly message: string;
}

export interface AddressGroup {
  readonly ip: string;
  readonly family: Family;
  readonly leaseName: string;
  /** "namespace/name", sorted. */
  readonly services: readonly string[];
  /** Policies that select at least one of the group's Services for this IP (and this node). */
  readonly policies: readonly string[];
  /** This node's interfaces the address is announced on (empty without a node). */
  readonly interfaces: readonly string[];
  /** At least one Service has externalTrafficPolicy Local. */
  readonly etpLocal: boolean;
  /** Whether this node may take part in the election (interfaces found, eTP=Local satisfied). */
  readonly candidate: boolean;
  readonly reason?: "no-interface" | "no-local-endpoint" | undefined;
}

export interface PlanInput {
  readonly policies: readonly L2Policy[];
  readonly services: readonly L2Service[];
  /** Omitted for a cluster-wide view (`announce status`): node selectors and interfaces are skipped. */
  readonly node?: NodeInfo | undefined;
  /** Interfaces on this node that may be used at all (after `-i`). */
  readonly interfaces?: readonly string[] | undefined;
  /** Whether Service "ns/name" has a ready endpoint on this node. */
  readonly hasLocalEndpoint?: ((serviceKey: string) => boolean) | undefined;
}

interface CompiledPolicy {
  readonly policy: L2Policy;
  readonly service: (l: Labels) => boolean;
  readonly nodeOk: boolean;
  readonly regexes: readonly RegExp[];
}

export function planGroups(input: PlanInput): { groups: AddressGroup[]; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const compiled: CompiledPolicy[] = [];
  for (const p of [...input.policies].sort((a, b) => a.name.localeCompare(b.name))) {
    const svcSel = p.serviceSelector === undefined ? { ok: true as const, matches: () => true } : compileSelector(p.serviceSelector);
    if (!svcSel.ok) problems.push({ policy: p.name, type: "io.cilium/bad-service-selector", message: svcSel.error });
    const nodeSel = p.nodeSelector === undefined ? { ok: true as const, matches: () => true } : compileSelector(p.nodeSelector);
    if (!nodeSel.ok) problems.push({ policy: p.name, type: "io.cilium/bad-node-selector", message: nodeSel.error });
    const regexes: RegExp[] = [];
    for (const [i, pattern] of (p.interfaces ?? []).entries()) {
      // Go regexps as Cilium uses them: unanchored MatchString; a bad one is reported and skipped.
      try {
        regexes.push(new RegExp(pattern));
      } catch (err) {
        problems.push({ policy: p.name, type: "io.cilium/bad-interface-regex", message: `interfaces[${i}] "${pattern}": ${(err as Error).message}` });
      }
    }
    if (!svcSel.ok || !nodeSel.ok) continue;
    // A policy whose every interface pattern is invalid selects no interface, not all of them.
    if ((p.interfaces ?? []).length > 0 && regexes.length === 0) continue;
    const nodeOk = input.node === undefined || nodeSel.matches(input.node.labels);
    compiled.push({ policy: p, service: svcSel.matches, nodeOk, regexes });
  }

  const byIp = new Map<string, { services: Set<string>; policies: Set<string>; interfaces: Set<string>; local: string[] }>();
  for (const svc of input.services) {
    if (svc.loadBalancerClass !== undefined && svc.loadBalancerClass !== "" && svc.loadBalancerClass !== L2_ANNOUNCER_CLASS) continue;
    const key = `${svc.namespace}/${svc.name}`;
    const labels: Labels = { ...svc.labels, [CILIUM_SERVICE_NAMESPACE_LABEL]: svc.namespace, [CILIUM_SERVICE_NAME_LABEL]: svc.name };
    const ext = canonicalAll(svc.externalIPs);
    const lb = canonicalAll(svc.ingressIPs);
    if (ext.length === 0 && lb.length === 0) continue;
    for (const c of compiled) {
      if (!c.nodeOk || !c.service(labels)) continue;
      const ips = [...(c.policy.externalIPs === true ? ext : []), ...(c.policy.loadBalancerIPs === true ? lb : [])];
      for (const ip of ips) {
        const g = byIp.get(ip) ?? { services: new Set(), policies: new Set(), interfaces: new Set(), local: [] };
        byIp.set(ip, g);
        if (!g.services.has(key) && svc.externalTrafficPolicy === "Local") g.local.push(key);
        g.services.add(key);
        g.policies.add(c.policy.name);
        for (const ifname of input.interfaces ?? []) {
          if (c.regexes.length === 0 || c.regexes.some((re) => re.test(ifname))) g.interfaces.add(ifname);
        }
      }
    }
  }

  const groups: AddressGroup[] = [];
  for (const [ip, g] of byIp) {
    const interfaces = [...g.interfaces].sort();
    let reason: AddressGroup["reason"];
    if (input.node !== undefined && interfaces.length === 0) reason = "no-interface";
    // eTP=Local: every Local Service in the group needs a ready endpoint here, or its traffic
    // would be dropped on arrival (Cilium #27800).
    else if (input.node !== undefined && g.local.some((k) => !(input.hasLocalEndpoint?.(k) ?? false))) reason = "no-local-endpoint";
    groups.push({
      ip, family: familyOf(ip) === 6 ? 6 : 4, leaseName: leaseNameFor(ip), services: [...g.services].sort(), policies: [...g.policies].sort(),
      interfaces, etpLocal: g.local.length > 0, candidate: reason === undefined, reason,
    });
  }
  groups.sort((a, b) => compareIpText(a.ip, b.ip));
  return { groups, problems };
}

function canonicalAll(ips: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of ips) {
    // A mapped address is not announceable (see vips.ts); it is left out as a non-address is.
    const c = canonicalIp(s, { refuseMapped: true });
    if (c !== undefined) out.add(c);
  }
  return [...out];
}

