// Restart, leader election and write failures of `pool controller`, against the test API server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness, lbStatus, spawnController, POOLS, SERVICES } from "../../helpers/pool-controller.ts";
import { pool, svc } from "../../helpers/lbipam.ts";
import { computePoolPlan } from "../../../src/core/ipam/plan.ts";
import { planInputs } from "../../helpers/lbipam.ts";
import { DEFAULT_SETTINGS, type Raw } from "../../../src/core/ipam/index.ts";
import { runCli } from "../../helpers/cli.ts";

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${String(i).padStart(2, "0")}`);

async function snapshot(h: Awaited<ReturnType<typeof harness>>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const o of (await h.kube.list(SERVICES)).items) {
    const m = o["metadata"] as { name: string };
    out.set(m.name, JSON.stringify(lbStatus(o)));
  }
  return out;
}

/** Every handled Service has distinct IPs (shared keys aside) and `pool alloc` on the objects writes nothing. */
async function assertConsistent(h: Awaited<ReturnType<typeof harness>>): Promise<void> {
  const svcs = (await h.kube.list(SERVICES)).items;
  const pools = (await h.kube.list(POOLS)).items;
  // Services with a sharing key may share; every other IP has one holder.
  const unshared = svcs.filter((o) => !((o["metadata"] as Raw)["annotations"] as Raw | undefined)?.["lbipam.cilium.io/sharing-key"]);
  const ips = unshared.flatMap((o) => lbStatus(o).ips);
  assert.equal(new Set(ips).size, ips.length, `duplicate IPs: ${ips.join(" ")}`);
  const plan = computePoolPlan(planInputs([...pools, ...svcs], "cluster"), DEFAULT_SETTINGS, "2026-01-01T00:00:00Z");
  const changed = plan.items.filter((o, i) => o !== [...pools, ...svcs][i]).map((o) => (o["metadata"] as Raw)["name"]);
  assert.deepEqual(changed, [], "pool alloc predicts exactly what the controller wrote");
}

test("restart with Services already assigned changes nothing: zero writes", async () => {
  const h = await harness();
  try {
    const c1 = h.start("c1");
    await h.apply(pool("p", ["192.0.2.0/26"]));
    await h.apply(pool("q", ["198.51.100.0/30"], { allowFirstLastIPs: "No" }));
    for (const n of names(40)) await h.apply(svc(n, n.endsWith("7") ? { ann: { "lbipam.cilium.io/sharing-key": "k" }, ports: [{ port: Number(n.slice(1)) }] } : {}));
    await h.settle();
    const before = await snapshot(h);
    assert.ok([...before.values()].every((v) => v.includes("satisfied")));
    await c1.stop();
    const writes = h.statusWrites();
    h.start("c2");
    await h.settle();
    assert.equal(h.statusWrites(), writes, "a restarted controller writes nothing");
    assert.deepEqual(await snapshot(h), before);
    await assertConsistent(h);
  } finally {
    await h.close();
  }
});

test("409 conflicts and 5xx on status writes: retried with backoff, no lost or duplicated IP", async () => {
  const h = await harness();
  try {
    h.start("c1");
    await h.apply(pool("p", ["192.0.2.0/28"]));
    await h.settle();
    h.srv.faults.fail.push({ verb: "update", resource: "services/status", status: 409, count: 3 }, { verb: "update", resource: "services/status", status: 500, count: 2 });
    for (const n of names(10)) await h.apply(svc(n));
    await h.settle();
    const snap = await snapshot(h);
    assert.equal([...snap.values()].filter((v) => v.includes("satisfied")).length, 10);
    await assertConsistent(h);
    assert.ok(h.logs.some((l) => /status write failed/.test(l)), "5xx logged");
  } finally {
    await h.close();
  }
});

test("concurrent edits while allocating: every Service ends with one distinct IP", async () => {
  const h = await harness();
  try {
    h.start("c1");
    await h.apply(pool("p", ["192.0.2.0/27"]));
    await h.settle();
    const all = names(20);
    await Promise.all(all.map((n) => h.apply(svc(n))));
    // Label edits race the controller's status writes (409s on its side).
    for (let round = 0; round < 3; round++) await Promise.all(all.map((n) => h.apply(svc(n, { labels: { round: String(round) } })).catch(() => undefined)));
    await h.settle();
    const snap = await snapshot(h);
    assert.equal([...snap.values()].filter((v) => v.includes("satisfied")).length, 20);
    await assertConsistent(h);
  } finally {
    await h.close();
  }
});

test("two replicas: only the leader writes; leader SIGKILL → the standby takes over within the lease, no reassignment; SIGTERM exits 0", async () => {
  const h = await harness();
  const kc = h.srv.kubeconfigPath();
  const a = spawnController(kc, "c1");
  await a.waitFor(/lease acquired; reconciling/);
  const b = spawnController(kc, "c2");
  try {
    await b.waitFor(/joining election/);
    await h.apply(pool("p", ["192.0.2.0/27"]));
    for (const n of names(12)) await h.apply(svc(n));
    await waitUntil(async () => [...(await snapshot(h)).values()].every((v) => v.includes("satisfied")), 10_000);
    const before = await snapshot(h);
    assert.doesNotMatch(b.log(), /lease acquired/, "the standby never led");
    assert.equal(h.srv.requests.filter((r) => r.verb === "update" && r.url.includes("/status") && r.user).length >= 12, true);
    const t0 = Date.now();
    const killed = await a.stop("SIGKILL");
    // The leader itself dies of SIGKILL; its `timeout` wrapper may report 137 or die with it.
    assert.ok(killed.code === 137 || killed.signal === "SIGKILL", JSON.stringify(killed));
    await h.apply(svc("late"));
    await b.waitFor(/lease acquired; reconciling/, 10_000);
    await waitUntil(async () => lbStatus(await h.get(SERVICES, "late", "default")).ips.length === 1, 5000);
    const took = Date.now() - t0;
    assert.ok(took < 1500 + 2000, `takeover took ${took} ms (lease 1.5 s)`);
    const after = await snapshot(h);
    for (const [k, v] of before) assert.equal(after.get(k), v, `${k} kept its IP`);
    assert.deepEqual(lbStatus(await h.get(SERVICES, "late", "default")).ips, ["192.0.2.12"]);
    await assertConsistent(h);
    assert.equal((await b.stop("SIGTERM")).code, 0, b.log());
    assert.match(b.log(), /lease released/);
  } finally {
    await a.stop("SIGKILL").catch(() => undefined);
    await b.stop("SIGKILL").catch(() => undefined);
    await h.close();
  }
});

test("refuses to start when Cilium's LB-IPAM is evidently active, with a clear message; --lb-class serves only its class", async () => {
  const h = await harness();
  try {
    const kc = h.srv.kubeconfigPath();
    await h.kube.create({ group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true }, {
      apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "cilium-operator-resource-lock", namespace: "kube-system" },
      spec: { holderIdentity: "cilium-operator-abc", leaseDurationSeconds: 15, renewTime: new Date().toISOString().replace("Z", "000Z").replace(/\.(\d{3})000Z$/, ".$1000Z") },
    });
    const r = await runCli(["pool", "controller", "--kubeconfig", kc], { now: Date.now() });
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.trim().split("\n").filter((l) => !l.includes("level="));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /Cilium's LB-IPAM is active on this cluster \(Lease kube-system\/cilium-operator-resource-lock is held by cilium-operator-abc, renewed \d+s ago\); refusing.*--lb-class/);
    assert.equal(h.statusWrites(), 0);

    // --lb-class: only Services of that class, only pools labelled for it; pool status left to Cilium.
    await h.apply({ ...pool("ours", ["198.51.100.0/30"]), metadata: { name: "ours", labels: { "lbctl.io/lb-class": "lbctl.io/l2" } } });
    await h.apply(pool("cilium", ["192.0.2.0/30"]));
    await h.apply(svc("mine", { cls: "lbctl.io/l2" }));
    await h.apply(svc("theirs"));
    const c = spawnController(kc, "c1", ["--lb-class", "lbctl.io/l2"]);
    try {
      await c.waitFor(/cilium="active; pool status left to it"/);
      await waitUntil(async () => lbStatus(await h.get(SERVICES, "mine", "default")).ips.length === 1, 8000);
      assert.deepEqual(lbStatus(await h.get(SERVICES, "mine", "default")).ips, ["198.51.100.0"]);
      assert.deepEqual(lbStatus(await h.get(SERVICES, "theirs", "default")), { ips: [], cond: undefined });
      assert.equal(((await h.get(POOLS, "ours"))!["status"] as Raw | undefined)?.["conditions"], undefined, "pool status is Cilium's");
      assert.equal((await c.stop("SIGTERM")).code, 0);
    } finally {
      await c.stop("SIGKILL").catch(() => undefined);
    }
  } finally {
    await h.close();
  }
});

test("detection: enable-lb-ipam \"false\" in cilium-config overrides a running operator; a stale operator Lease is no evidence", async () => {
  const h = await harness();
  try {
    const kc = h.srv.kubeconfigPath();
    const leases = { group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true };
    await h.kube.create(leases, {
      apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "cilium-operator-resource-lock", namespace: "kube-system" },
      spec: { holderIdentity: "cilium-operator-abc", leaseDurationSeconds: 15, renewTime: "2020-01-01T00:00:00.000000Z" },
    });
    let c = spawnController(kc, "c1");
    await c.waitFor(/cilium="not detected"/);
    await c.waitFor(/lease acquired; reconciling/);
    assert.equal((await c.stop("SIGTERM")).code, 0);
    const lease = (await h.kube.get(leases, "cilium-operator-resource-lock", "kube-system"))!;
    await h.kube.update(leases, { ...lease, spec: { ...(lease["spec"] as Raw), renewTime: new Date().toISOString().replace("Z", "000Z") } });
    await h.kube.create({ group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true }, {
      apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cilium-config", namespace: "kube-system" }, data: { "enable-lb-ipam": "false" },
    });
    c = spawnController(kc, "c1");
    await c.waitFor(/cilium="LB-IPAM disabled in cilium-config"/);
    await c.waitFor(/lease acquired; reconciling/);
    assert.equal((await c.stop("SIGTERM")).code, 0);
  } finally {
    await h.close();
  }
});

async function waitUntil(fn: () => Promise<boolean>, ms: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${ms} ms`);
}
