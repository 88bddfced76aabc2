// The resource types the test API server serves: just enough of the real discovery data for
// client-node, kubectl and lbctl to find them by group/version/resource or by kind.

export interface ResourceType {
  readonly group: string; // "" for the core group
  readonly version: string;
  readonly resource: string; // plural, as in URLs
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Whether a `status` subresource exists (then PUT on the main resource ignores .status). */
  readonly status: boolean;
}

const t = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  status: boolean,
  shortNames: string[] = [],
): ResourceType => ({ group, version, resource, kind, namespaced, status, shortNames });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  t("", "v1", "namespaces", "Namespace", false, true, ["ns"]),
  t("", "v1", "nodes", "Node", false, true, ["no"]),
  t("", "v1", "services", "Service", true, true, ["svc"]),
  t("", "v1", "pods", "Pod", true, true, ["po"]),
  t("", "v1", "configmaps", "ConfigMap", true, false, ["cm"]),
  t("", "v1", "events", "Event", true, false, ["ev"]),
  t("apps", "v1", "deployments", "Deployment", true, true, ["deploy"]),
  t("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true, false),
  t("coordination.k8s.io", "v1", "leases", "Lease", true, false),
  t("cilium.io", "v2", "ciliumloadbalancerippools", "CiliumLoadBalancerIPPool", false, true, ["ippools", "ippool", "lbippool", "lbippools"]),
  t("cilium.io", "v2alpha1", "ciliumloadbalancerippools", "CiliumLoadBalancerIPPool", false, true, ["ippools", "ippool", "lbippool", "lbippools"]),
  t("cilium.io", "v2alpha1", "ciliuml2announcementpolicies", "CiliumL2AnnouncementPolicy", false, true, ["l2announcement"]),
];

export function apiVersionOf(rt: ResourceType): string {
  return rt.group === "" ? rt.version : `${rt.group}/${rt.version}`;
}

export function findType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/** Objects of every version of a group/resource share one store (like a CRD with several served versions). */
export function storageKey(rt: ResourceType): string {
  return `${rt.group}/${rt.resource}`;
}

export function groups(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of RESOURCE_TYPES) {
    if (r.group === "") continue;
    const vs = out.get(r.group) ?? [];
    if (!vs.includes(r.version)) vs.push(r.version);
    out.set(r.group, vs);
  }
  return out;
}
