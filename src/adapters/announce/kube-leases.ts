// LeaseStore over the Kubernetes API. Reads come from a watch-fed cache of the lease namespace
// when it is synced, so a follower costs no request per retry; writes are PUTs carrying the
// resourceVersion that was read (optimistic concurrency) and refresh the cache with the answer.
import type { LeaseRecord, StoredLease } from "../../core/announce/lease.ts";
import { leaseSpec, toStoredLease, type LeaseObject } from "../../core/announce/objects.ts";
import { isConflict } from "../kube/errors.ts";
import { RESOURCES, type Kube, type KubeObject } from "../kube/types.ts";
import type { LeaseStore } from "./elector.ts";
import type { Reflector } from "./reflector.ts";

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

export function kubeLeaseStore(kube: Kube, namespace: string, cache: Reflector | undefined): LeaseStore {
  const obj = (name: string, record: LeaseRecord, annotations: Readonly<Record<string, string>>, resourceVersion?: string): KubeObject => ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, labels: { [MANAGED_BY_LABEL]: "lbctl" }, annotations: { ...annotations }, ...(resourceVersion ? { resourceVersion } : {}) },
    spec: leaseSpec(record),
  });
  return {
    async get(name) {
      if (cache?.synced) {
        const o = cache.items.get(`${namespace}/${name}`);
        return o === undefined ? undefined : toStoredLease(o as LeaseObject);
      }
      const o = await kube.get(RESOURCES.leases, name, namespace);
      return o === undefined ? undefined : (toStoredLease(o as LeaseObject) satisfies StoredLease);
    },
    async create(name, record, annotations) {
      try {
        // Not `cache?.put(await …)`: without a cache that would skip the request itself.
        const created = await kube.create(RESOURCES.leases, obj(name, record, annotations));
        cache?.put(created);
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },
    async delete(name) {
      await kube.delete(RESOURCES.leases, name, namespace);
    },
    async update(name, record, resourceVersion, annotations) {
      try {
        const updated = await kube.update(RESOURCES.leases, obj(name, record, annotations, resourceVersion));
        cache?.put(updated);
        return true;
      } catch (err) {
        if (isConflict(err)) return false;
        throw err;
      }
    },
  };
}
