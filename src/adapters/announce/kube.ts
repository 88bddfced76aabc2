// Cluster mode over the Kubernetes API: watches (Services, EndpointSlices, this Node, L2
// policies, Leases in the lease namespace) feed the cluster controller; Leases are written
// through the cached LeaseStore, policy problems to the policies' status conditions. Every
// request is counted for the API-load metric.
import { RESOURCES, type Kube } from "../kube/types.ts";
import type { AnnounceConfig } from "../../core/announce/options.ts";
import type { Metrics } from "../../core/announce/metrics.ts";
import { localEndpointServices, toNodeInfo, toPolicy, toPolicyStatus, toL2Service, toStoredLease, type EndpointSliceObject, type LeaseObject, type NodeObject, type PolicyObject, type ServiceObject } from "../../core/announce/objects.ts";
import { ClusterController } from "./cluster.ts";
import { MembershipController } from "./membership.ts";
import type { Announcer } from "./announcer.ts";
import { kubeLeaseStore } from "./kube-leases.ts";
import { PolicyStatusWriter } from "./policy-status.ts";
import type { Logger } from "./logger.ts";
import { Reflector } from "./reflector.ts";

export interface ClusterStartOptions {
  /** The API client, connected by the caller before any responder socket opens (a bad kubeconfig is said first); closed by stop(). */
  readonly kube: Kube;
  /** The clock (ms since the epoch) lease decisions and status conditions read. */
  readonly now: () => number;
  readonly config: AnnounceConfig;
  readonly engine: Announcer;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly nodeName: string;
}

/** Counts every request by verb and resource (lbctl_announce_api_requests_total). */
export function countingKube(kube: Kube, count: (verb: string, resource: string) => void): Kube {
  return {
    server: kube.server,
    context: kube.context,
    namespace: kube.namespace,
    pages: (r, o) => kube.pages(r, o),
    list: (r, o) => (count("list", r.resource), kube.list(r, o)),
    get: (r, n, ns) => (count("get", r.resource), kube.get(r, n, ns)),
    create: (r, obj) => (count("create", r.resource), kube.create(r, obj)),
    update: (r, obj, o) => (count("update", r.resource), kube.update(r, obj, o)),
    patch: (r, n, ns, p, t, o) => (count("patch", r.resource), kube.patch(r, n, ns, p, t, o)),
    delete: (r, n, ns) => (count("delete", r.resource), kube.delete(r, n, ns)),
    watch: (r, o) => (count("watch", r.resource), kube.watch(r, o)),
    close: () => kube.close(),
  };
}

export async function startCluster(o: ClusterStartOptions): Promise<{ stop(): Promise<void>; relink(): void }> {
  const raw = o.kube;
  const kube = countingKube(raw, (verb, resource) => o.metrics.inc("lbctl_announce_api_requests_total", { verb, resource }));
  o.log.info("cluster mode", { server: raw.server, node: o.nodeName, lease_namespace: o.config.leaseNamespace });
  let timer: NodeJS.Timeout | undefined;
  const changed = (): void => {
    // Coalesce bursts of watch events (initial lists, rollouts) into one re-plan.
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      replan();
    }, 20);
  };
  const services = new Reflector(kube, RESOURCES.services, {}, changed, o.log);
  const slices = new Reflector(kube, RESOURCES.endpointSlices, {}, changed, o.log);
  const nodes = new Reflector(kube, RESOURCES.nodes, { fieldSelector: `metadata.name=${o.nodeName}` }, changed, o.log);
  const policies = new Reflector(kube, RESOURCES.l2Policies, { optional: true }, changed, o.log);
  // Lease changes need no re-plan (electors read the cache), except the first sync.
  let leasesSynced = false;
  const leases = new Reflector(kube, RESOURCES.leases, { namespace: o.config.leaseNamespace }, (obj) => {
    if (!leasesSynced) {
      leasesSynced = true;
      changed();
    }
    // Expiry is judged from when a change arrived, and a released Lease (SIGTERM handover) is
    // acted on at once rather than at the next retry.
    const name = (obj?.["metadata"] as { name?: string } | undefined)?.name;
    if (members) members.leaseChanged(obj);
    else if (obj && name) controller?.leaseChanged(name, toStoredLease(obj as LeaseObject));
  }, o.log);
  const reflectors = [services, slices, nodes, policies, leases];
  const members = o.config.election === "membership"
    ? new MembershipController({
      engine: o.engine, log: o.log, metrics: o.metrics, identity: o.nodeName, timing: o.config.timing, now: o.now,
      kube, namespace: o.config.leaseNamespace, leases: () => leases.items,
    })
    : undefined;
  const controller = members ? undefined : new ClusterController({
    engine: o.engine, log: o.log, metrics: o.metrics, identity: o.nodeName, timing: o.config.timing, now: o.now,
    store: kubeLeaseStore(kube, o.config.leaseNamespace, leases),
  });
  const statusWriter = new PolicyStatusWriter(kube, o.log, o.now);
  const replan = (): void => {
    if (!reflectors.every((r) => r.synced)) return;
    const node = [...nodes.items.values()][0];
    const allSlices = [...slices.items.values()] as EndpointSliceObject[];
    const snapshot = {
      services: [...services.items.values()].map((s) => toL2Service(s as ServiceObject)),
      policies: [...policies.items.values()].map((p) => toPolicy(p as PolicyObject)),
      node: node === undefined ? undefined : toNodeInfo(node as NodeObject),
      localEndpoints: localEndpointServices(allSlices, o.nodeName),
    };
    const byNode = new Map<string, Set<string>>();
    const problems = members
      ? members.update({ ...snapshot, hasLocalEndpoint: (svc, n) => {
        let set = byNode.get(n);
        if (set === undefined) byNode.set(n, (set = localEndpointServices(allSlices, n)));
        return set.has(svc);
      } })
      : controller?.update(snapshot) ?? [];
    statusWriter.sync([...policies.items.values()].map((p) => toPolicyStatus(p as PolicyObject)), problems);
  };
  for (const r of reflectors) r.start();
  return {
    relink: () => (members ?? controller)?.relink(),
    async stop() {
      if (timer) clearTimeout(timer);
      await (members ?? controller)?.stop();
      for (const r of reflectors) r.stop();
      kube.close();
    },
  };
}
