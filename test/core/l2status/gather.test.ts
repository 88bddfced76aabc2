import { test } from "node:test";
import assert from "node:assert/strict";
import { gatherStatus, summarize, type L2StatusInput } from "../../../src/core/l2status/gather.ts";
import { ciliumLeaseName } from "../../../src/core/l2status/leases.ts";
import { parseInterfaces } from "../../../src/core/announce/lease-record.ts";
import type { LeaseObject, ServiceObject } from "../../../src/core/announce/objects.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const svc = (name: string, o: { ip?: string; ext?: string[]; labels?: Record<string, string>; etp?: string; cls?: string; type?: string } = {}): ServiceObject => ({
  metadata: { name, namespace: "shop", labels: o.labels ?? { announce: "yes" } },
  spec: { type: o.type ?? "LoadBalancer", externalIPs: o.ext, externalTrafficPolicy: o.etp, ...(o.cls ? { loadBalancerClass: o.cls } : {}) },
  status: o.ip ? { loadBalancer: { ingress: [{ ip: o.ip }] } } : {},
});
const lease = (name: string, holder: string, ageS: number, annotations: Record<string, string> = {}): LeaseObject => ({
  metadata: { name, namespace: "kube-system", annotations },
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date(NOW - ageS * 1000).toISOString() },
});
const policy = { metadata: { name: "announce-lab" }, spec: { serviceSelector: { matchLabels: { announce: "yes" } }, loadBalancerIPs: true, externalIPs: true } };
const input = (o: Partial<L2StatusInput>): L2StatusInput => ({ services: [], policies: [policy], leases: [], nodes: [], slices: [], poolOf: new Map(), now: NOW, ...o });

test("gather: one row per address, Services sharing it together, ExternalIPs included, pending last", () => {
  const rows = gatherStatus(input({
    services: [svc("b", { ip: "192.0.2.20" }), svc("a", { ip: "192.0.2.20" }), svc("ext", { type: "ClusterIP", ext: ["192.0.2.3"] }), svc("wait"), svc("v6", { ip: "2001:db8::0a" })],
    poolOf: new Map([["192.0.2.20", "lab"]]),
  }));
  assert.deepEqual(rows.map((r) => r.address), ["192.0.2.3", "192.0.2.20", "2001:db8::a", null]);
  assert.deepEqual(rows[1]?.services, ["shop/a", "shop/b"]);
  assert.equal(rows[1]?.pool, "lab");
  assert.deepEqual(rows[0]?.sources, ["externalIP"]);
  assert.equal(rows[3]?.verdict, "pending-ip");
  assert.deepEqual(rows.map((r) => r.verdict), ["no-lease", "no-lease", "no-lease", "pending-ip"]);
});

test("gather: lbctl lease annotation gives the holder MAC; Cilium lease falls back to the Node annotation", () => {
  const rows = gatherStatus(input({
    services: [svc("web", { ip: "192.0.2.10" }), svc("old", { ip: "192.0.2.11" })],
    leases: [lease("lbctl-l2-192-0-2-10", "node-a", 2, { "lbctl.io/interfaces": "eth0=02:00:00:00:00:A1,bad" }), lease(ciliumLeaseName("shop/old"), "node-b", 1)],
    nodes: [{ metadata: { name: "node-b", annotations: { "lbctl.io/interfaces": "ens3=02:00:00:00:00:b1" } } }],
  }));
  assert.deepEqual(rows[0]?.holderMacs, [{ interface: "eth0", mac: "02:00:00:00:00:a1" }]);
  assert.equal(rows[0]?.holderMacSource, "lease-annotation");
  assert.equal(rows[1]?.lease?.kind, "cilium");
  assert.equal(rows[1]?.holderMacSource, "node-annotation");
  assert.deepEqual(rows.map((r) => r.verdict), ["ok", "ok"]);
});

test("gather: foreign loadBalancerClass is no-policy with the reason; --vip filters and hides pending", () => {
  const rows = gatherStatus(input({ services: [svc("x", { ip: "192.0.2.5", cls: "metallb.io/metallb" }), svc("y", { ip: "192.0.2.6" }), svc("p")], vips: new Set(["192.0.2.5"]) }));
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.verdict, "no-policy");
  assert.match(rows[0]?.reason ?? "", /loadBalancerClass metallb.io\/metallb/);
});

test("gather: eTP=Local needs a ready endpoint on the holder", () => {
  const slices = [{ metadata: { namespace: "shop", labels: { "kubernetes.io/service-name": "local" } }, endpoints: [{ nodeName: "node-a", conditions: { ready: true } }] }];
  const mk = (holder: string) => gatherStatus(input({ services: [svc("local", { ip: "192.0.2.14", etp: "Local" })], slices, leases: [lease("lbctl-l2-192-0-2-14", holder, 1)] }))[0];
  assert.equal(mk("node-a")?.verdict, "ok");
  assert.equal(mk("node-b")?.verdict, "etp-local-no-backend");
  assert.deepEqual(mk("node-b")?.localServicesWithoutBackend, ["shop/local"]);
});

test("gather: probe results are attached and judged; summary counts verdicts", () => {
  const probes = new Map([["192.0.2.10", { interface: "eth0", sent: 1, answers: [{ mac: "02:00:00:00:00:a1", rttMs: 0.1, count: 1 }, { mac: "02:00:00:00:00:66", rttMs: 0.2, count: 1 }] }]]);
  const rows = gatherStatus(input({ services: [svc("web", { ip: "192.0.2.10" })], leases: [lease("lbctl-l2-192-0-2-10", "node-a", 2)], probes }));
  assert.equal(rows[0]?.verdict, "duplicate");
  assert.deepEqual(summarize(rows, true), { addresses: 1, ok: 0, notOk: 1, byVerdict: { duplicate: 1 }, probed: true });
});

test("parseInterfaces skips malformed parts", () => {
  assert.deepEqual(parseInterfaces("eth0=02:00:00:00:00:01, eth1=zz,=02:00:00:00:00:02,eth2"), [{ interface: "eth0", mac: "02:00:00:00:00:01" }]);
  assert.deepEqual(parseInterfaces(undefined), []);
});
