// The adapter against the test API server over HTTPS: CRUD with optimistic concurrency, paging,
// selectors, watch (events, bookmarks, resume, 410) and the cluster-object loader.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setMaxListeners } from "node:events";
import { startTestApiServer, type TestApiServer } from "../../kube-server/server.ts";
import { connectKube } from "../../../src/adapters/kube/connect.ts";
import { RESOURCES, type Kube, type WatchEvent } from "../../../src/adapters/kube/types.ts";
import { isConflict, isGone, KubeApiError } from "../../../src/adapters/kube/errors.ts";
import { loadClusterObjects } from "../../../src/adapters/kube/cluster-objects.ts";

let srv: TestApiServer;
let kube: Kube;

before(async () => {
  srv = await startTestApiServer({ bookmarkIntervalMs: 100 });
  kube = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
});
after(async () => {
  kube.close();
  await srv.close();
});

const lease = (name: string, holder: string): Record<string, unknown> => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name, namespace: "kube-system" },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15 },
});

test("lease lifecycle: create, 409 on duplicate, update with stale resourceVersion → 409, delete", async () => {
  const created = await kube.create(RESOURCES.leases, lease("l2-a", "node1"));
  const meta = created["metadata"] as Record<string, string>;
  assert.ok(meta["resourceVersion"]);
  await assert.rejects(kube.create(RESOURCES.leases, lease("l2-a", "node2")), (e) => isConflict(e));
  const next = { ...created, spec: { holderIdentity: "node2", leaseDurationSeconds: 15 } };
  const updated = await kube.update(RESOURCES.leases, next);
  assert.equal((updated["spec"] as Record<string, string>)["holderIdentity"], "node2");
  // Reusing the first version's resourceVersion is a conflict now.
  await assert.rejects(kube.update(RESOURCES.leases, next), (e) => isConflict(e) && /has been modified/.test((e as Error).message));
  const got = await kube.get(RESOURCES.leases, "l2-a", "kube-system");
  assert.equal((got?.["spec"] as Record<string, string>)["holderIdentity"], "node2");
  assert.equal(await kube.delete(RESOURCES.leases, "l2-a", "kube-system"), true);
  assert.equal(await kube.delete(RESOURCES.leases, "l2-a", "kube-system"), false);
  assert.equal(await kube.get(RESOURCES.leases, "l2-a", "kube-system"), undefined);
});

test("patch: merge, JSON patch and the status subresource", async () => {
  await kube.create(RESOURCES.services, { apiVersion: "v1", kind: "Service", metadata: { name: "p1", namespace: "default" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } });
  const merged = await kube.patch(RESOURCES.services, "p1", "default", { metadata: { labels: { a: "b" } } }, "merge");
  assert.deepEqual((merged["metadata"] as Record<string, unknown>)["labels"], { a: "b" });
  const jp = await kube.patch(RESOURCES.services, "p1", "default", [{ op: "replace", path: "/metadata/labels/a", value: "c" }], "json");
  assert.deepEqual((jp["metadata"] as Record<string, unknown>)["labels"], { a: "c" });
  // .status is ignored on the main resource and set through /status.
  await kube.patch(RESOURCES.services, "p1", "default", { status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } } }, "merge");
  assert.deepEqual((await kube.get(RESOURCES.services, "p1", "default"))?.["status"], { loadBalancer: {} });
  const st = await kube.patch(RESOURCES.services, "p1", "default", { status: { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } } }, "merge", { subresource: "status" });
  assert.deepEqual(st["status"], { loadBalancer: { ingress: [{ ip: "192.0.2.1" }] } });
  await assert.rejects(kube.patch(RESOURCES.services, "p1", "default", [{ op: "remove", path: "/nope" }], "json"), (e) => e instanceof KubeApiError && e.status === 422);
  await assert.rejects(
    kube.create(RESOURCES.services, { apiVersion: "v1", kind: "Service", metadata: { name: "Bad_Name", namespace: "default" }, spec: {} }),
    (e) => e instanceof KubeApiError && e.status === 422 && /metadata.name/.test(e.message),
  );
});

test("list pages with limit/continue and filters by label and field selectors", async () => {
  for (let i = 0; i < 7; i++) {
    await kube.create(RESOURCES.leases, { ...lease(`page-${i}`, "x"), metadata: { name: `page-${i}`, namespace: "paging", labels: { idx: String(i), even: String(i % 2 === 0) } } });
  }
  const before = srv.requests.length;
  const pages: number[] = [];
  for await (const p of kube.pages(RESOURCES.leases, { namespace: "paging", pageSize: 3 })) pages.push(p.items.length);
  assert.deepEqual(pages, [3, 3, 1]);
  const urls = srv.requests.slice(before).map((r) => r.url);
  assert.equal(urls.filter((u) => u.includes("continue=")).length, 2);
  const names = (o: { items: Record<string, unknown>[] }): string[] => o.items.map((i) => (i["metadata"] as Record<string, string>)["name"]!);
  assert.deepEqual(names(await kube.list(RESOURCES.leases, { namespace: "paging", labelSelector: "even=true,idx notin (0,6)" })), ["page-2", "page-4"]);
  assert.deepEqual(names(await kube.list(RESOURCES.leases, { namespace: "paging", labelSelector: "idx in (1,5),!missing" })), ["page-1", "page-5"]);
  assert.deepEqual(names(await kube.list(RESOURCES.leases, { fieldSelector: "metadata.name=page-3" })), ["page-3"]);
  await assert.rejects(kube.list(RESOURCES.leases, { labelSelector: "a in (" }), (e) => e instanceof KubeApiError && e.status === 400);
});

async function collect(it: AsyncIterable<WatchEvent>, n: number, types?: string[]): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for await (const ev of it) {
    if (types && !types.includes(ev.type)) continue;
    out.push(ev);
    if (out.length >= n) break;
  }
  return out;
}

test("watch: ADDED/MODIFIED/DELETED from a resourceVersion, bookmarks, and 410 when too old", async () => {
  const start = (await kube.list(RESOURCES.leases, { namespace: "watch" })).resourceVersion;
  const ac = new AbortController();
  const events = collect(kube.watch(RESOURCES.leases, { namespace: "watch", resourceVersion: start, allowBookmarks: true, signal: ac.signal }), 4);
  const l = await kube.create(RESOURCES.leases, { ...lease("w", "a"), metadata: { name: "w", namespace: "watch" } });
  await kube.update(RESOURCES.leases, { ...l, spec: { holderIdentity: "b" } });
  await kube.delete(RESOURCES.leases, "w", "watch");
  const got = await events;
  ac.abort();
  assert.deepEqual(got.map((e) => e.type).filter((t) => t !== "BOOKMARK").slice(0, 3), ["ADDED", "MODIFIED", "DELETED"]);
  // Resuming from the start replays the same history.
  const replay = await collect(kube.watch(RESOURCES.leases, { namespace: "watch", resourceVersion: start }), 3);
  assert.deepEqual(replay.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
  const bm = await collect(kube.watch(RESOURCES.leases, { namespace: "watch", resourceVersion: start, allowBookmarks: true }), 1, ["BOOKMARK"]);
  assert.ok(Number((bm[0]!.object["metadata"] as Record<string, string>)["resourceVersion"]) > 0);
  srv.store.compact();
  await assert.rejects(collect(kube.watch(RESOURCES.leases, { namespace: "watch", resourceVersion: start }), 1), (e) => isGone(e));
});

test("watch ends cleanly on abort and when the server's timeoutSeconds passes", async () => {
  const t0 = Date.now();
  const evs = await collect(kube.watch(RESOURCES.nodes, { timeoutSeconds: 1 }), 100);
  assert.equal(evs.length, 0);
  assert.ok(Date.now() - t0 >= 900);
});

test("loadClusterObjects: pools from cilium.io/v2 plus Services, as ManifestObjects with cluster: sources", async () => {
  srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumLoadBalancerIPPool", metadata: { name: "pool-x" }, spec: { blocks: [{ cidr: "192.0.2.0/28" }] } });
  const objs = await loadClusterObjects(kube, { pools: true, services: true, namespace: "default" });
  const pool = objs.find((o) => o.obj["kind"] === "CiliumLoadBalancerIPPool");
  assert.equal(pool?.obj["apiVersion"], "cilium.io/v2");
  assert.equal(pool?.source.file, "cluster:CiliumLoadBalancerIPPool/pool-x");
  assert.ok(objs.some((o) => o.source.file === "cluster:Service/default/p1"));
  assert.deepEqual(objs.map((o) => o.source.order), objs.map((_, i) => i));
});

test("watch with a label selector: objects entering/leaving the selection are ADDED/DELETED", async () => {
  const start = (await kube.list(RESOURCES.leases, { namespace: "sel" })).resourceVersion;
  const l = await kube.create(RESOURCES.leases, { ...lease("s", "a"), metadata: { name: "s", namespace: "sel", labels: { role: "x" } } });
  const on = await kube.patch(RESOURCES.leases, "s", "sel", { metadata: { labels: { role: "lb" } } });
  await kube.patch(RESOURCES.leases, "s", "sel", { spec: { holderIdentity: "b" } });
  await kube.patch(RESOURCES.leases, "s", "sel", { metadata: { labels: { role: "y" } } });
  assert.ok(l && on);
  const evs = await collect(kube.watch(RESOURCES.leases, { namespace: "sel", resourceVersion: start, labelSelector: "role=lb", timeoutSeconds: 1 }), 3);
  assert.deepEqual(evs.map((e) => e.type), ["ADDED", "MODIFIED", "DELETED"]);
});

test("many concurrent watches do not block ordinary requests", async () => {
  const ac = new AbortController();
  setMaxListeners(50, ac.signal); // 12 open watches listen on this one signal (two listeners each), on purpose
  const watches = Array.from({ length: 12 }, () => collect(kube.watch(RESOURCES.leases, { namespace: "many", resourceVersion: srv.store.resourceVersion, signal: ac.signal }), 1));
  await new Promise((r) => setTimeout(r, 100));
  await kube.create(RESOURCES.leases, { ...lease("m", "a"), metadata: { name: "m", namespace: "many" } });
  const got = await Promise.all(watches);
  ac.abort();
  assert.deepEqual(got.map((g) => g[0]?.type), Array(12).fill("ADDED"));
});

test("a watch whose server goes away ends normally; after restart a new watch works", async () => {
  const it = collect(kube.watch(RESOURCES.leases, { namespace: "gone", resourceVersion: srv.store.resourceVersion }), 1);
  await new Promise((r) => setTimeout(r, 100));
  await srv.stop();
  assert.deepEqual(await it, []);
  await srv.restart();
  const again = collect(kube.watch(RESOURCES.leases, { namespace: "gone", resourceVersion: srv.store.resourceVersion }), 1);
  await new Promise((r) => setTimeout(r, 100));
  await kube.create(RESOURCES.leases, { ...lease("g", "a"), metadata: { name: "g", namespace: "gone" } });
  assert.equal((await again)[0]?.type, "ADDED");
});
