// Is Cilium's own LB-IPAM evidently running on this cluster? Two writers of the same statuses
// would fight, so `pool controller` refuses to start then (unless --lb-class narrows it to a
// class of its own). Evidence, in order (docs/pool-controller.md, "Detection"):
//   1. kube-system/cilium-config sets enable-lb-ipam: "false" → LB-IPAM is off, whatever runs.
//   2. The cilium-operator leader Lease (cilium-operator-resource-lock) was renewed recently.
//   3. The cilium-operator Deployment has ready replicas.
// Anything we may not read (403) is reported as unknown and does not block.
import { KubeApiError } from "../kube/errors.ts";
import { RESOURCES, type Gvr, type Kube, type KubeObject } from "../kube/types.ts";

export const OPERATOR_LEASE = "cilium-operator-resource-lock";
export const OPERATOR_DEPLOYMENT = "cilium-operator";
export const CILIUM_CONFIG = "cilium-config";
const DEPLOYMENTS: Gvr = { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true };
const CONFIGMAPS: Gvr = { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true };

export interface CiliumEvidence {
  /** Cilium's LB-IPAM is evidently active: why. Empty when not. */
  readonly active: readonly string[];
  /** Checks we could not make (no permission). */
  readonly unknown: readonly string[];
  /** enable-lb-ipam=false was found (the other evidence does not matter then). */
  readonly disabledByConfig: boolean;
}

async function read(kube: Kube, r: Gvr, name: string, ns: string, unknown: string[]): Promise<KubeObject | undefined> {
  try {
    return await kube.get(r, name, ns);
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 403) {
      unknown.push(`cannot read ${r.resource} ${ns}/${name} (forbidden)`);
      return undefined;
    }
    throw err;
  }
}

export async function detectCiliumLbIpam(kube: Kube, ns: string, now: number): Promise<CiliumEvidence> {
  const unknown: string[] = [];
  const cm = await read(kube, CONFIGMAPS, CILIUM_CONFIG, ns, unknown);
  const data = (cm?.["data"] ?? {}) as Record<string, unknown>;
  if (String(data["enable-lb-ipam"] ?? "").trim().toLowerCase() === "false") return { active: [], unknown, disabledByConfig: true };
  const active: string[] = [];
  const lease = await read(kube, RESOURCES.leases, OPERATOR_LEASE, ns, unknown);
  if (lease) {
    const spec = (lease["spec"] ?? {}) as { holderIdentity?: string; renewTime?: string; leaseDurationSeconds?: number };
    const renewed = Date.parse(spec.renewTime ?? "");
    const window = Math.max(2 * (spec.leaseDurationSeconds ?? 15), 60) * 1000;
    if (spec.holderIdentity && Number.isFinite(renewed) && now - renewed < window) {
      active.push(`Lease ${ns}/${OPERATOR_LEASE} is held by ${spec.holderIdentity}, renewed ${Math.max(0, Math.round((now - renewed) / 1000))}s ago`);
    }
  }
  const dep = await read(kube, DEPLOYMENTS, OPERATOR_DEPLOYMENT, ns, unknown);
  const ready = Number((dep?.["status"] as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0);
  if (ready > 0) active.push(`Deployment ${ns}/${OPERATOR_DEPLOYMENT} has ${ready} ready replica(s)`);
  if (active.length > 0 && cm) active.push(`${ns}/${CILIUM_CONFIG} does not set enable-lb-ipam: "false"`);
  return { active, unknown, disabledByConfig: false };
}
