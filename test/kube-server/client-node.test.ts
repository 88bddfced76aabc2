// Fidelity: the real @kubernetes/client-node (typed APIs, custom objects, Watch, informer)
// against the test API server over HTTPS with a client certificate.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startTestApiServer, type TestApiServer } from "./server.ts";

let srv: TestApiServer;
let kc: k8s.KubeConfig;
before(async () => {
  srv = await startTestApiServer({ bookmarkIntervalMs: 100 });
  kc = new k8s.KubeConfig();
  kc.loadFromFile(srv.kubeconfigPath());
});
after(() => srv.close());

test("CoreV1Api: create, read, list with paging, and 404/409 as ApiExceptions", async () => {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  for (const name of ["a", "b", "c"]) {
    await core.createNamespacedService({ namespace: "default", body: { metadata: { name }, spec: { ports: [{ port: 80 }] } } });
  }
  const svc = await core.readNamespacedService({ name: "a", namespace: "default" });
  assert.match(svc.spec?.clusterIP ?? "", /^10\.96\./);
  const page1 = await core.listNamespacedService({ namespace: "default", limit: 2 });
  assert.equal(page1.items.length, 2);
  assert.ok(page1.metadata?._continue);
  const page2 = await core.listNamespacedService({ namespace: "default", limit: 2, _continue: page1.metadata!._continue! });
  assert.deepEqual(page2.items.map((s) => s.metadata?.name), ["c"]);
  await assert.rejects(core.readNamespacedService({ name: "zz", namespace: "default" }), (e: unknown) => (e as k8s.ApiException<unknown>).code === 404);
  await assert.rejects(core.createNamespacedService({ namespace: "default", body: { metadata: { name: "a" } } }), (e: unknown) => (e as k8s.ApiException<unknown>).code === 409);
});

test("CoordinationV1Api: replace with a stale resourceVersion is 409", async () => {
  const coord = kc.makeApiClient(k8s.CoordinationV1Api);
  const l = await coord.createNamespacedLease({ namespace: "kube-system", body: { metadata: { name: "lb" }, spec: { holderIdentity: "n1" } } });
  await coord.replaceNamespacedLease({ name: "lb", namespace: "kube-system", body: { ...l, spec: { holderIdentity: "n2" } } });
  await assert.rejects(coord.replaceNamespacedLease({ name: "lb", namespace: "kube-system", body: { ...l, spec: { holderIdentity: "n3" } } }), (e: unknown) => (e as k8s.ApiException<unknown>).code === 409);
});

test("CustomObjectsApi: cluster-scoped Cilium pools in v2 and v2alpha1", async () => {
  const co = kc.makeApiClient(k8s.CustomObjectsApi);
  await co.createClusterCustomObject({ group: "cilium.io", version: "v2alpha1", plural: "ciliumloadbalancerippools", body: { apiVersion: "cilium.io/v2alpha1", kind: "CiliumLoadBalancerIPPool", metadata: { name: "p" }, spec: { blocks: [{ cidr: "192.0.2.0/24" }] } } });
  const list = (await co.listClusterCustomObject({ group: "cilium.io", version: "v2", plural: "ciliumloadbalancerippools" })) as { items: { apiVersion: string }[] };
  assert.deepEqual(list.items.map((i) => i.apiVersion), ["cilium.io/v2"]);
  await co.createClusterCustomObject({ group: "cilium.io", version: "v2alpha1", plural: "ciliuml2announcementpolicies", body: { apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "l2" }, spec: { loadBalancerIPs: true } } });
});

test("Watch and an informer see changes", async () => {
  const events: string[] = [];
  const watch = new k8s.Watch(kc);
  const ctl = await watch.watch("/api/v1/namespaces/w/services", { allowWatchBookmarks: true }, (type) => events.push(type), () => {});
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.createNamespacedService({ namespace: "w", body: { metadata: { name: "x" }, spec: { ports: [{ port: 1 }] } } });
  await core.deleteNamespacedService({ name: "x", namespace: "w" });
  for (let i = 0; i < 50 && !events.includes("DELETED"); i++) await new Promise((r) => setTimeout(r, 20));
  ctl.abort();
  assert.deepEqual(events.filter((e) => e !== "BOOKMARK"), ["ADDED", "DELETED"]);

  const informer = k8s.makeInformer(kc, "/api/v1/nodes", () => kc.makeApiClient(k8s.CoreV1Api).listNode());
  const added: string[] = [];
  informer.on("add", (n: k8s.V1Node) => added.push(n.metadata?.name ?? ""));
  await informer.start();
  await kc.makeApiClient(k8s.CoreV1Api).createNode({ body: { metadata: { name: "node-1" } } });
  for (let i = 0; i < 50 && added.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  await informer.stop();
  assert.deepEqual(added, ["node-1"]);
});
