// Where `l2 status` gets its objects: the cluster (one list per kind, paged by 500 — never a
// request per address) or -f files/dumps, which may hold Leases and Nodes too. Also maps every
// address to the LB-IPAM pool it came from, by running the pool plan over the same objects.
import { canonicalIp, parseIp } from "../../core/ip.ts";
import type { EndpointSliceObject, LeaseObject, NodeObject, PolicyObject, ServiceObject } from "../../core/announce/objects.ts";
import { DEFAULT_SETTINGS, isGroup } from "../../core/ipam/index.ts";
import { rangeHas } from "../../core/ipam/state.ts";
import type { L2StatusInput } from "../../core/l2status/gather.ts";
import type { ManifestObject } from "../manifests/load.ts";
import { computePoolPlan } from "../../core/ipam/plan.ts";
import type { Kube } from "../kube/types.ts";
import { KubeApiError } from "../kube/errors.ts";
import { CILIUM_CONFIG_NAME, CILIUM_CONFIG_NAMESPACE } from "../../core/service/agent-config.ts";

export type StatusObjects = Omit<L2StatusInput, "probes" | "vips" | "now"> & {
  /** `data` of kube-system/cilium-config, when the input has it (enable-l2-announcements). */
  readonly agentConfig?: { data: Record<string, unknown>; origin: string } | undefined;
};

export interface ClusterListOptions {
  readonly namespace?: string | undefined;
  readonly leaseNamespace: string;
  readonly onWarning: (m: string) => void;
  /** Called as soon as the Services are read, so the probe can run while the rest is listed. */
  readonly onServices?: ((services: readonly ServiceObject[]) => void) | undefined;
}

/** Lists Services first, then pools, L2 policies, EndpointSlices, Nodes and the Leases of `leaseNamespace`. */
export async function listFromCluster(kube: Kube, o: ClusterListOptions): Promise<ManifestObject[]> {
  const { loadClusterObjects, asManifestObject } = await import("../kube/cluster-objects.ts");
  const { RESOURCES } = await import("../kube/types.ts");
  const services = (await kube.list(RESOURCES.services, { namespace: o.namespace })).items;
  o.onServices?.(services as ServiceObject[]);
  const objs = await loadClusterObjects(kube, { pools: true, l2Policies: true, endpointSlices: true, nodes: true, namespace: o.namespace, onWarning: o.onWarning });
  const leases = await kube.list(RESOURCES.leases, { namespace: o.leaseNamespace });
  // The agent's configuration: one GET; absent or forbidden → L2 announcements assumed on.
  let config: Record<string, unknown>[] = [];
  try {
    const cm = await kube.get(RESOURCES.configMaps, CILIUM_CONFIG_NAME, CILIUM_CONFIG_NAMESPACE);
    if (cm) config = [{ ...cm, kind: "ConfigMap", apiVersion: "v1" }];
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.status !== 403) throw err;
    o.onWarning(`cannot read ConfigMap ${CILIUM_CONFIG_NAMESPACE}/${CILIUM_CONFIG_NAME} (forbidden); assuming L2 announcements are enabled (override with --config enable-l2-announcements=false)`);
  }
  return [...services, ...objs.map((m) => m.obj), ...leases.items, ...config].map(asManifestObject);
}

const kindOf = (m: ManifestObject): string => String(m.obj["kind"] ?? "");
const nsOf = (m: ManifestObject): string => String((m.obj["metadata"] as { namespace?: string } | undefined)?.namespace ?? "default");

/** Sorts objects by kind; `namespace` limits Services and EndpointSlices (Leases are read as given). */
export function statusObjects(objects: readonly ManifestObject[], namespace: string | undefined, now: number): StatusObjects {
  const inNs = (m: ManifestObject): boolean => namespace === undefined || nsOf(m) === namespace;
  const of = <T>(kind: string, filter: (m: ManifestObject) => boolean = () => true): T[] => objects.filter((m) => kindOf(m) === kind && filter(m)).map((m) => m.obj as T);
  const services = of<ServiceObject>("Service", inNs);
  const cm = objects.find((m) => kindOf(m) === "ConfigMap" && (m.obj["metadata"] as { name?: string } | undefined)?.name === CILIUM_CONFIG_NAME && nsOf(m) === CILIUM_CONFIG_NAMESPACE);
  const data = cm?.obj["data"];
  return {
    agentConfig: cm === undefined ? undefined : { data: typeof data === "object" && data !== null ? (data as Record<string, unknown>) : {}, origin: cm.source.file.startsWith("cluster") ? `cluster ${CILIUM_CONFIG_NAMESPACE}/${CILIUM_CONFIG_NAME}` : cm.source.line === undefined ? cm.source.file : `${cm.source.file}:${cm.source.line}` },
    services,
    policies: of<PolicyObject>("CiliumL2AnnouncementPolicy"),
    leases: of<LeaseObject>("Lease"),
    nodes: of<NodeObject>("Node"),
    slices: of<EndpointSliceObject>("EndpointSlice", inNs),
    poolOf: poolsOf(objects.filter((m) => kindOf(m) === "CiliumLoadBalancerIPPool" || (kindOf(m) === "Service" && inNs(m))), services, now),
  };
}

/** Address → pool: LB-IPAM's own allocation first, else the first pool whose blocks hold it. */
function poolsOf(objects: readonly ManifestObject[], services: readonly ServiceObject[], now: number): Map<string, string> {
  const out = new Map<string, string>();
  if (!objects.some((m) => kindOf(m) === "CiliumLoadBalancerIPPool")) return out;
  const plan = computePoolPlan(objects, DEFAULT_SETTINGS, new Date(now).toISOString());
  for (const s of plan.result.services) for (const g of s.allocs) if (isGroup(g)) out.set(g.text, g.range.pool.spec.name);
  for (const svc of services) {
    const ips = [...(svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ""), ...(svc.spec?.externalIPs ?? [])];
    for (const raw of ips) {
      const ip = canonicalIp(raw.trim(), { refuseMapped: true });
      const parsed = ip === undefined ? undefined : parseIp(ip);
      if (ip === undefined || parsed === undefined || out.has(ip)) continue;
      const range = plan.result.pools.flatMap((p) => p.ranges).find((r) => rangeHas(r, parsed));
      if (range) out.set(ip, range.pool.spec.name);
    }
  }
  return out;
}
