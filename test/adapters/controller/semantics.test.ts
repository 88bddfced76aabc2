// `pool controller` live against the test API server through the real client: every event
// semantic of the LB-IPAM spec as a sequence of object changes, with the statuses and conditions
// expected after each step (spec ../shared/spec/lbipam.md, sections cited).
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, lbStatus, poolStatus, POOLS, SERVICES, type Harness } from "../../helpers/pool-controller.ts";
import { pool, svc } from "../../helpers/lbipam.ts";
import type { Raw } from "../../../src/core/ipam/index.ts";
import { EVENTS } from "../../../src/adapters/controller/events.ts";

const SAT = "True/satisfied/";
const NO_POOL = "False/no_pool/There are no enabled CiliumLoadBalancerIPPools that match this service";
const OUT = "False/out_of_ips/All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs";

async function withController(fn: (h: Harness) => Promise<void>): Promise<void> {
  const h = await harness();
  try {
    h.start();
    await fn(h);
  } finally {
    await h.close();
  }
}

const s = async (h: Harness, name: string, ns = "default") => lbStatus(await h.get(SERVICES, name, ns));
const p = async (h: Harness, name: string) => poolStatus(await h.get(POOLS, name));

test("§2.1 dormancy: nothing touched until the first pool; then pending Services get IPs; pool conditions written", async () => {
  await withController(async (h) => {
    await h.apply(svc("a"));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: [], cond: undefined });
    assert.equal(h.statusWrites(), 0, "dormant: zero writes");
    await h.apply(pool("p", ["192.0.2.0/28"]));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["192.0.2.0"], cond: SAT });
    assert.equal(await p(h, "p"), "16/15/1 conflict=False");
    await h.apply(svc("b"));
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: ["192.0.2.1"], cond: SAT });
    assert.equal(await p(h, "p"), "16/14/2 conflict=False");
  });
});

test("§2.1 last pool deleted: Services stripped with no_pool, then dormant (new Services untouched)", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/28"]));
    await h.apply(svc("a"));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["192.0.2.0"], cond: SAT });
    await h.remove(POOLS, "p");
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: [], cond: NO_POOL });
    await h.apply(svc("b"));
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: [], cond: undefined }, "dormant again");
  });
});

test("§2.1 responsibility ends: type changed away from LoadBalancer clears ingress and the condition; the IP serves a pending Service", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.10-192.0.2.10"]));
    await h.apply(svc("a"));
    await h.settle();
    await h.apply(svc("b"));
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: [], cond: OUT });
    await h.apply(svc("a", { type: "ClusterIP" }));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: [], cond: undefined });
    assert.deepEqual(await s(h, "b"), { ips: ["192.0.2.10"], cond: SAT });
    // A foreign class is never touched, even with an ingress some other controller wrote.
    const f = await h.apply(svc("f", { cls: "net.example/x" }));
    await h.kube.update(SERVICES, { ...f, status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } } }, { subresource: "status" });
    await h.settle();
    assert.deepEqual(await s(h, "f"), { ips: ["203.0.113.7"], cond: undefined });
  });
});

test("§2.2 requested IPs: granted, already_allocated, no_pool for an address outside; removing it frees it", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/28"]));
    await h.apply(svc("a", { ann: { "lbipam.cilium.io/ips": "192.0.2.5" } }));
    await h.settle();
    await h.apply(svc("b", { ann: { "lbipam.cilium.io/ips": "192.0.2.5" } }));
    await h.apply(svc("c", { ann: { "lbipam.cilium.io/ips": "198.51.100.1" } }));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["192.0.2.5"], cond: SAT });
    assert.deepEqual(await s(h, "b"), { ips: [], cond: "False/already_allocated/The IP '192.0.2.5' is already allocated to another service" });
    assert.deepEqual(await s(h, "c"), { ips: [], cond: "False/no_pool/No pool exists with a CIDR containing '198.51.100.1'" });
    await h.apply(svc("a", { ann: { "lbipam.cilium.io/ips": "192.0.2.6" } }));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["192.0.2.6"], cond: SAT });
    assert.deepEqual(await s(h, "b"), { ips: ["192.0.2.5"], cond: SAT }, "freed address reaches the waiting Service");
  });
});

test("§2.3 sharing keys: compatible Services share one IP; a port clash gets its own", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/28"]));
    const K = { "lbipam.cilium.io/sharing-key": "k" };
    await h.apply(svc("a", { ann: K, ports: [{ port: 80 }] }));
    await h.settle();
    await h.apply(svc("b", { ann: K, ports: [{ port: 443 }] }));
    await h.apply(svc("c", { ann: K, ports: [{ port: 80 }] }));
    await h.settle();
    assert.deepEqual((await s(h, "a")).ips, ["192.0.2.0"]);
    assert.deepEqual((await s(h, "b")).ips, ["192.0.2.0"]);
    assert.deepEqual((await s(h, "c")).ips, ["192.0.2.1"]);
    assert.equal(await p(h, "p"), "16/14/2 conflict=False", "a shared IP counts once");
  });
});

test("§2.4 families: RequireDualStack gets one IPv4 and one IPv6; IPv4 listed first", async () => {
  await withController(async (h) => {
    await h.apply(pool("v6", ["2001:db8::/126"]));
    await h.apply(pool("v4", ["192.0.2.0/30"]));
    await h.apply(svc("d", { policy: "RequireDualStack", families: ["IPv6", "IPv4"] }));
    await h.settle();
    assert.deepEqual(await s(h, "d"), { ips: ["192.0.2.0", "2001:db8::"], cond: SAT });
  });
});

test("§2.6/§3.9 selectors: namespace-pinned pool; a Service losing its label loses the IP and goes no_pool", async () => {
  await withController(async (h) => {
    await h.apply(pool("lab", ["192.0.2.0/29"], { selector: { matchLabels: { "io.kubernetes.service.namespace": "lab" } } }));
    await h.apply(pool("blue", ["198.51.100.0/29"], { selector: { matchLabels: { color: "blue" } } }));
    await h.apply(svc("x", { ns: "lab" }));
    await h.apply(svc("y", { labels: { color: "blue" } }));
    await h.apply(svc("z", { labels: { "io.kubernetes.service.namespace": "lab" } }));
    await h.settle();
    assert.deepEqual(await s(h, "x", "lab"), { ips: ["192.0.2.0"], cond: SAT });
    assert.deepEqual(await s(h, "y"), { ips: ["198.51.100.0"], cond: SAT });
    assert.deepEqual(await s(h, "z"), { ips: [], cond: NO_POOL }, "the synthetic label cannot be faked");
    await h.apply(svc("y", { labels: {} }));
    await h.settle();
    assert.deepEqual(await s(h, "y"), { ips: [], cond: NO_POOL });
    assert.equal(await p(h, "blue"), "8/8/0 conflict=False");
  });
});

test("§3.6 conflicts: the later pool is marked and allocates nothing; deleting the older one un-marks it", async () => {
  await withController(async (h) => {
    await h.apply(pool("a-old", ["192.0.2.0/28"], { created: "2026-01-01T00:00:00Z" }));
    await h.settle();
    await h.apply(pool("b-new", ["192.0.2.8/29", "198.51.100.0/30"], { created: "2026-01-02T00:00:00Z" }));
    await h.apply(svc("s", { ann: { "lbipam.cilium.io/ips": "198.51.100.1" } }));
    await h.settle();
    assert.equal(await p(h, "b-new"), "12/12/0 conflict=True");
    const c = (((await h.get(POOLS, "b-new"))!["status"] as Raw)["conditions"] as Raw[]).find((x) => x["type"] === "cilium.io/PoolConflict")!;
    assert.equal(c["reason"], "cidr_overlap");
    assert.equal(c["message"], "Pool conflicts since range '192.0.2.8 - 192.0.2.15' overlaps range '192.0.2.0 - 192.0.2.15' from IP Pool 'a-old'");
    assert.deepEqual(await s(h, "s"), { ips: [], cond: "False/no_pool/No pool exists with a CIDR containing '198.51.100.1'" });
    await h.remove(POOLS, "a-old");
    await h.settle();
    assert.equal(await p(h, "b-new"), "12/11/1 conflict=False");
    assert.deepEqual(await s(h, "s"), { ips: ["198.51.100.1"], cond: SAT });
  });
});

test("§3.7 disabled pool keeps existing IPs, gives no new ones; enabling serves the pending; pool delete moves a Service", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/29"]));
    await h.apply(svc("a"));
    await h.settle();
    await h.apply(pool("p", ["192.0.2.0/29"], { disabled: true }));
    await h.apply(svc("b"));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["192.0.2.0"], cond: SAT });
    assert.deepEqual(await s(h, "b"), { ips: [], cond: NO_POOL });
    await h.apply(pool("p", ["192.0.2.0/29"], { disabled: false }));
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: ["192.0.2.1"], cond: SAT });
    await h.apply(pool("q", ["198.51.100.0/29"]));
    await h.settle();
    await h.remove(POOLS, "p");
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["198.51.100.0"], cond: SAT });
    assert.deepEqual(await s(h, "b"), { ips: ["198.51.100.1"], cond: SAT });
  });
});

test("§1.2/§3.10 first/last reserved with allowFirstLastIPs No; exhaustion then growth serves the pending Service", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/30"], { allowFirstLastIPs: "No" }));
    await h.apply(svc("a"));
    await h.settle();
    await h.apply(svc("b"));
    await h.settle();
    await h.apply(svc("c"));
    await h.settle();
    assert.deepEqual((await s(h, "a")).ips, ["192.0.2.1"]);
    assert.deepEqual((await s(h, "b")).ips, ["192.0.2.2"]);
    assert.deepEqual(await s(h, "c"), { ips: [], cond: OUT });
    assert.equal(await p(h, "p"), "4/0/4 conflict=False");
    await h.apply(pool("p", ["192.0.2.0/30", "198.51.100.8-198.51.100.9"], { allowFirstLastIPs: "No" }));
    await h.settle();
    assert.deepEqual(await s(h, "c"), { ips: ["198.51.100.8"], cond: SAT });
    assert.deepEqual((await s(h, "a")).ips, ["192.0.2.1"], "growth moves nobody");
  });
});

test("Service deleted: its IP is freed and a pending Service gets it; Events record both", async () => {
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.4-192.0.2.4"]));
    await h.apply(svc("a"));
    await h.settle();
    await h.apply(svc("b"));
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: [], cond: OUT });
    await h.remove(SERVICES, "a", "default");
    await h.settle();
    assert.deepEqual(await s(h, "b"), { ips: ["192.0.2.4"], cond: SAT });
    await new Promise((r) => setTimeout(r, 100));
    const evs = (await h.kube.list(EVENTS, { namespace: "default" })).items.map((e) => `${String((e["involvedObject"] as Raw)["name"])} ${String(e["reason"])} ${String(e["message"])}`);
    assert.ok(evs.includes("a IPAllocated Allocated 192.0.2.4 from pool p"), evs.join("\n"));
    assert.ok(evs.includes("b AllocationFailed out_of_ips: All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs"), evs.join("\n"));
    assert.ok(evs.includes("b IPAllocated Allocated 192.0.2.4 from pool p"), evs.join("\n"));
  });
});

test("bad input: an invalid pool is reported on its conditions and in the log, never stops the others", async () => {
  await withController(async (h) => {
    await h.apply({ apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "bad" }, spec: { blocks: [{ cidr: "192.0.2.0/33" }] } });
    await h.apply({
      apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "badsel" },
      spec: { blocks: [{ cidr: "203.0.113.0/30" }], serviceSelector: { matchExpressions: [{ key: "a", operator: "In", values: [] }] } },
    });
    await h.apply(pool("good", ["198.51.100.0/30"]));
    await h.apply(svc("a"));
    await h.settle();
    assert.deepEqual(await s(h, "a"), { ips: ["198.51.100.0"], cond: SAT });
    const cond = (name: string) => h.get(POOLS, name).then((o) => (((o!["status"] as Raw)["conditions"] as Raw[]).find((c) => c["type"] === "lbctl.io/InvalidPool")));
    const bad = await cond("bad");
    assert.equal(bad?.["status"], "True");
    assert.match(String(bad?.["message"]), /spec\.blocks\[0\]\.cidr: invalid CIDR "192\.0\.2\.0\/33"/);
    assert.match(String((await cond("badsel"))?.["message"]), /spec\.serviceSelector\.matchExpressions\[0\]\.values: operator In needs at least one value/);
    assert.ok(h.logs.some((l) => /invalid pool rejected; serving the others.*pool=bad/.test(l)), h.logs.join(""));
    // Fixing it clears the condition.
    await h.apply(pool("bad", ["203.0.113.8/30"]));
    await h.settle();
    assert.equal(await cond("bad"), undefined);
  });
});

test("the real @kubernetes/client-node typed APIs read what the controller wrote through /status", async () => {
  const k8s = await import("@kubernetes/client-node");
  await withController(async (h) => {
    await h.apply(pool("p", ["192.0.2.0/30"]));
    await h.apply(svc("a"));
    await h.settle();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(h.srv.kubeconfigPath());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const st = await core.readNamespacedServiceStatus({ name: "a", namespace: "default" });
    assert.deepEqual(st.status?.loadBalancer?.ingress?.map((i) => i.ip), ["192.0.2.0"]);
    const cond = st.status?.conditions?.find((c) => c.type === "cilium.io/IPAMRequestSatisfied");
    assert.equal(cond?.status, "True");
    assert.equal(cond?.reason, "satisfied");
    assert.equal(cond?.observedGeneration, 1);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const p2 = (await custom.getClusterCustomObjectStatus({ group: "cilium.io", version: "v2", plural: "ciliumloadbalancerippools", name: "p" })) as { status: { conditions: { type: string; message: string }[] } };
    assert.equal(p2.status.conditions.find((c) => c.type === "cilium.io/IPsUsed")?.message, "1");
    assert.equal(p2.status.conditions.find((c) => c.type === "cilium.io/IPsTotal")?.message, "4");
  });
});

test("pools: cilium.io/v2 when served, else v2alpha1 (older Cilium CRDs)", async () => {
  const { poolResource } = await import("../../../src/adapters/controller/controller.ts");
  const h = await harness();
  try {
    assert.equal((await poolResource(h.kube)).version, "v2");
    h.srv.faults.fail.push({ verb: "list", resource: "ciliumloadbalancerippools", status: 404, count: 1 });
    assert.equal((await poolResource(h.kube)).version, "v2alpha1");
  } finally {
    await h.close();
  }
});
