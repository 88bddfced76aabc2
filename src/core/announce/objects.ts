// Kubernetes objects as the API returns them (plain JSON; only the fields used), converted to
// the announcer's own shapes. No client-library types: these are structural.
import type { LeaseRecord, StoredLease } from "./lease.ts";
import type { L2Policy, NodeInfo, L2Service } from "./policy.ts";
import type { PolicyCondition } from "./policy-status.ts";
import type { LabelSelector } from "../selector.ts";
import type { IngressEntry } from "../kube/ingress.ts";
import { parseService } from "../service/parse.ts";
import { ENDPOINTSLICE_SERVICE_NAME_LABEL } from "../kube/labels.ts";

interface Meta {
  name?: string | undefined;
  namespace?: string | undefined;
  labels?: Record<string, string> | undefined;
  annotations?: Record<string, string> | undefined;
  resourceVersion?: string | undefined;
  generation?: number | undefined;
}

export interface ServiceObject {
  metadata?: Meta | undefined;
  spec?: { type?: string; loadBalancerClass?: string; externalIPs?: string[]; externalTrafficPolicy?: string } | undefined;
  status?: { loadBalancer?: { ingress?: IngressEntry[] } } | undefined;
}

export interface EndpointSliceObject {
  metadata?: Meta | undefined;
  endpoints?: { nodeName?: string; conditions?: { ready?: boolean | null } }[] | undefined;
}

export interface PolicyObject {
  metadata?: Meta | undefined;
  spec?: {
    nodeSelector?: LabelSelector;
    serviceSelector?: LabelSelector;
    interfaces?: string[];
    externalIPs?: boolean;
    loadBalancerIPs?: boolean;
  } | undefined;
  status?: { conditions?: PolicyCondition[] | null } | undefined;
}

export interface NodeObject {
  metadata?: Meta | undefined;
}

export interface LeaseObject {
  metadata?: Meta | undefined;
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number | null;
    acquireTime?: string | Date | null;
    renewTime?: string | Date | null;
    leaseTransitions?: number | null;
  } | undefined;
}

/**
 * The announcer's view of a Service, through the one Service decoder (core/service/parse.ts), so
 * the announcer and l2 status see exactly the VIPs `service list` shows. Fields it cannot read are
 * left out here as there; the announcer has no place to report them.
 */
export function toL2Service(o: ServiceObject): L2Service {
  const s = parseService(o, []);
  return {
    namespace: s.namespace,
    name: s.name,
    labels: s.labels,
    type: s.type,
    loadBalancerClass: s.loadBalancerClass,
    externalIPs: s.externalIPs,
    ingressIPs: s.ingressIPs,
    externalTrafficPolicy: s.etp,
  };
}

export function toPolicy(o: PolicyObject): L2Policy {
  const s = o.spec ?? {};
  return {
    name: o.metadata?.name ?? "",
    nodeSelector: s.nodeSelector,
    serviceSelector: s.serviceSelector,
    interfaces: s.interfaces,
    externalIPs: s.externalIPs,
    loadBalancerIPs: s.loadBalancerIPs,
  };
}

/** What the policy's status writer needs: its name, generation and current conditions. */
export function toPolicyStatus(o: PolicyObject): { name: string; generation: number | undefined; conditions: PolicyCondition[] } {
  return { name: o.metadata?.name ?? "", generation: o.metadata?.generation, conditions: o.status?.conditions ?? [] };
}

export function toNodeInfo(o: NodeObject): NodeInfo {
  return { name: o.metadata?.name ?? "", labels: o.metadata?.labels ?? {} };
}

/** "ns/name" of Services with a ready endpoint on `node` (ready unset counts as ready). */
export function localEndpointServices(slices: readonly EndpointSliceObject[], node: string): Set<string> {
  const out = new Set<string>();
  for (const s of slices) {
    const svc = s.metadata?.labels?.[ENDPOINTSLICE_SERVICE_NAME_LABEL];
    if (!svc) continue;
    if ((s.endpoints ?? []).some((e) => e.nodeName === node && e.conditions?.ready !== false)) out.add(`${s.metadata?.namespace ?? "default"}/${svc}`);
  }
  return out;
}

function ms(t: string | Date | null | undefined): number | undefined {
  if (t === null || t === undefined) return undefined;
  const n = t instanceof Date ? t.getTime() : Date.parse(t);
  return Number.isNaN(n) ? undefined : n;
}

export function toStoredLease(o: LeaseObject): StoredLease {
  const s = o.spec ?? {};
  return {
    resourceVersion: o.metadata?.resourceVersion ?? "",
    record: {
      holderIdentity: s.holderIdentity ?? "",
      leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
      acquireTime: ms(s.acquireTime),
      renewTime: ms(s.renewTime),
      leaseTransitions: s.leaseTransitions ?? 0,
    },
  };
}

/** MicroTime as the API wants it: RFC 3339 with microseconds. */
export function microTime(t: number | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function leaseSpec(r: LeaseRecord): Record<string, unknown> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: microTime(r.acquireTime),
    renewTime: microTime(r.renewTime),
    leaseTransitions: r.leaseTransitions,
  };
}
