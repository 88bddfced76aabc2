// Reads objects from the cluster in the shape of manifests/load.ts (ManifestObject), so commands that
// work on -f files can take `--cluster` too: the source "file" is `cluster:<Kind>/<ns>/<name>`.
import type { ManifestObject } from "../manifests/load.ts";
import { isNotFound } from "./errors.ts";
import { RESOURCES, type Gvr, type Kube, type KubeObject } from "./types.ts";

export interface ClusterSelection {
  /** CiliumLoadBalancerIPPools (cilium.io/v2, falling back to v2alpha1). */
  readonly pools?: boolean;
  /** Services in `namespace` or in all namespaces. */
  readonly services?: boolean;
  readonly endpointSlices?: boolean;
  readonly nodes?: boolean;
  readonly l2Policies?: boolean;
  /** Namespace for namespaced kinds; all namespaces when omitted. */
  readonly namespace?: string | undefined;
  /** Applies to Services only (the objects a user selects); pools and slices are read whole. */
  readonly labelSelector?: string | undefined;
  /** Called with a one-line note when a kind is not served (e.g. Cilium CRDs not installed). */
  readonly onWarning?: (message: string) => void;
}

export function clusterSource(obj: KubeObject): string {
  const m = (obj["metadata"] ?? {}) as Record<string, unknown>;
  const ns = typeof m["namespace"] === "string" && m["namespace"] !== "" ? `${m["namespace"]}/` : "";
  return `cluster:${String(obj["kind"])}/${ns}${String(m["name"] ?? "")}`;
}

export function asManifestObject(obj: KubeObject, order: number): ManifestObject {
  return { obj, source: { file: clusterSource(obj), line: undefined, order }, locate: () => undefined };
}

async function listIfServed(kube: Kube, r: Gvr, sel: ClusterSelection, into: KubeObject[]): Promise<boolean> {
  try {
    const labelSelector = r === RESOURCES.services ? sel.labelSelector : undefined;
    for await (const page of kube.pages(r, { namespace: r.namespaced ? sel.namespace : undefined, labelSelector })) {
      for (const it of page.items) into.push(it);
    }
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Read-only: lists the selected kinds and wraps every object as a ManifestObject. */
export async function loadClusterObjects(kube: Kube, sel: ClusterSelection): Promise<ManifestObject[]> {
  const objs: KubeObject[] = [];
  if (sel.pools) {
    if (!(await listIfServed(kube, RESOURCES.poolsV2, sel, objs)) && !(await listIfServed(kube, RESOURCES.poolsV2alpha1, sel, objs))) {
      sel.onWarning?.("the cluster serves no CiliumLoadBalancerIPPool (cilium.io/v2 or v2alpha1): is Cilium's LB-IPAM CRD installed?");
    }
  }
  if (sel.l2Policies && !(await listIfServed(kube, RESOURCES.l2Policies, sel, objs))) {
    sel.onWarning?.("the cluster serves no CiliumL2AnnouncementPolicy (cilium.io/v2alpha1)");
  }
  if (sel.services) await listIfServed(kube, RESOURCES.services, sel, objs);
  if (sel.endpointSlices) await listIfServed(kube, RESOURCES.endpointSlices, sel, objs);
  if (sel.nodes) await listIfServed(kube, RESOURCES.nodes, sel, objs);
  return objs.map(asManifestObject);
}
