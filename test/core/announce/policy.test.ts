import { test } from "node:test";
import assert from "node:assert/strict";
import { leaseNameFor } from "../../../src/core/announce/lease-record.ts";
import { planGroups, type L2Policy, type PlanInput, type L2Service } from "../../../src/core/announce/policy.ts";

const svc = (o: Partial<L2Service> & { name: string }): L2Service => ({
  namespace: "default", labels: {}, type: "LoadBalancer", externalIPs: [], ingressIPs: [], ...o,
});
const all: L2Policy = { name: "all", loadBalancerIPs: true, externalIPs: true };
const node = { name: "n1", labels: { role: "edge" } };
const base: PlanInput = { policies: [all], services: [], node, interfaces: ["eth0", "eth1", "lo"] };
const plan = (o: Partial<PlanInput>) => planGroups({ ...base, ...o });
const ips = (o: Partial<PlanInput>) => plan(o).groups.filter((g) => g.candidate).map((g) => g.ip);

test("service selection (table)", () => {
  const web = svc({ name: "web", labels: { app: "web" }, ingressIPs: ["192.0.2.10"], externalIPs: ["192.0.2.11"] });
  const cases: [string, Partial<PlanInput>, string[]][] = [
    ["nil selectors, both toggles", { services: [web] }, ["192.0.2.10", "192.0.2.11"]],
    ["loadBalancerIPs only", { policies: [{ name: "p", loadBalancerIPs: true }], services: [web] }, ["192.0.2.10"]],
    ["externalIPs only", { policies: [{ name: "p", externalIPs: true }], services: [web] }, ["192.0.2.11"]],
    ["both toggles default false → nothing", { policies: [{ name: "p" }], services: [web] }, []],
    ["serviceSelector matchLabels", { policies: [{ ...all, serviceSelector: { matchLabels: { app: "db" } } }], services: [web] }, []],
    ["synthetic namespace label", { policies: [{ ...all, serviceSelector: { matchLabels: { "io.kubernetes.service.namespace": "default" } } }], services: [web] }, ["192.0.2.10", "192.0.2.11"]],
    ["synthetic name label via expression", { policies: [{ ...all, serviceSelector: { matchExpressions: [{ key: "io.kubernetes.service.name", operator: "NotIn", values: ["web"] }] } }], services: [web] }, []],
    ["nodeSelector matches", { policies: [{ ...all, nodeSelector: { matchLabels: { role: "edge" } } }], services: [web] }, ["192.0.2.10", "192.0.2.11"]],
    ["nodeSelector does not match", { policies: [{ ...all, nodeSelector: { matchLabels: { role: "core" } } }], services: [web] }, []],
    ["loadBalancerClass l2-announcer", { services: [{ ...web, loadBalancerClass: "io.cilium/l2-announcer" }] }, ["192.0.2.10", "192.0.2.11"]],
    ["other loadBalancerClass skipped", { services: [{ ...web, loadBalancerClass: "io.cilium/bgp-control-plane" }] }, []],
    ["no IPs → no group", { services: [svc({ name: "c", type: "ClusterIP" })] }, []],
    ["IPv6 canonicalised", { services: [svc({ name: "v6", ingressIPs: ["2001:DB8:0::10"] })] }, ["2001:db8::10"]],
    ["garbage IP ignored", { services: [svc({ name: "g", ingressIPs: ["not-an-ip", "192.0.2.300"] })] }, []],
  ];
  for (const [name, o, want] of cases) assert.deepEqual(ips(o), want, name);
});

test("services sharing one IP form one group with one lease", () => {
  const a = svc({ name: "a", ingressIPs: ["192.0.2.10"] });
  const b = svc({ name: "b", namespace: "other", ingressIPs: ["192.0.2.10"] });
  const { groups } = plan({ services: [b, a] });
  assert.equal(groups.length, 1);
  assert.deepEqual(groups[0]?.services, ["default/a", "other/b"]);
  assert.equal(groups[0]?.leaseName, "lbctl-l2-192-0-2-10");
});

test("interfaces regexes: unanchored, OR-ed, empty = all; an invalid one is reported and skipped", () => {
  const s = svc({ name: "a", ingressIPs: ["192.0.2.10"] });
  const ifs = (interfaces: string[]) => plan({ policies: [{ ...all, interfaces }], services: [s] });
  assert.deepEqual(ifs([]).groups[0]?.interfaces, ["eth0", "eth1", "lo"]);
  assert.deepEqual(ifs(["^eth"]).groups[0]?.interfaces, ["eth0", "eth1"]);
  assert.deepEqual(ifs(["th1", "^lo$"]).groups[0]?.interfaces, ["eth1", "lo"]);
  const bad = ifs(["eth0", "(["]);
  assert.deepEqual(bad.groups[0]?.interfaces, ["eth0"]);
  assert.equal(bad.problems.length, 1);
  assert.equal(bad.problems[0]?.type, "io.cilium/bad-interface-regex");
  assert.match(bad.problems[0]?.message ?? "", /interfaces\[1\] "\(\["/);
  const onlyBad = ifs(["(["]);
  assert.equal(onlyBad.groups.length, 0, "a policy with only invalid regexes selects nothing");
  const none = ifs(["^wlan"]);
  assert.equal(none.groups[0]?.candidate, false);
  assert.equal(none.groups[0]?.reason, "no-interface");
});

test("a bad selector disables that policy only, with a condition", () => {
  const s = svc({ name: "a", ingressIPs: ["192.0.2.10"] });
  const r = plan({
    policies: [{ ...all, name: "bad", serviceSelector: { matchExpressions: [{ key: "x", operator: "In" }] }, interfaces: ["^eth0$"] },
      { ...all, name: "bad-node", nodeSelector: { matchExpressions: [{ key: "x", operator: "Nope" }] } },
      { ...all, name: "good", interfaces: ["^eth1$"] }],
    services: [s],
  });
  assert.deepEqual(r.problems.map((p) => `${p.policy}:${p.type}`), ["bad:io.cilium/bad-service-selector", "bad-node:io.cilium/bad-node-selector"]);
  assert.deepEqual(r.groups[0]?.interfaces, ["eth1"]);
  assert.deepEqual(r.groups[0]?.policies, ["good"]);
});

test("externalTrafficPolicy Local: candidate only with a ready local endpoint for every Local Service", () => {
  const local = svc({ name: "l", ingressIPs: ["192.0.2.10"], externalTrafficPolicy: "Local" });
  const cluster = svc({ name: "c", ingressIPs: ["192.0.2.10"], externalTrafficPolicy: "Cluster" });
  const cases: [string, L2Service[], string[], boolean][] = [
    ["Local with endpoint", [local], ["default/l"], true],
    ["Local without endpoint", [local], [], false],
    ["Cluster needs none", [cluster], [], true],
    ["mixed group, Local lacks endpoint", [local, cluster], ["default/c"], false],
  ];
  for (const [name, services, withEp, want] of cases) {
    const g = plan({ services, hasLocalEndpoint: (k) => withEp.includes(k) }).groups[0];
    assert.equal(g?.candidate, want, name);
    if (!want) assert.equal(g?.reason, "no-local-endpoint", name);
  }
});

test("cluster-wide view (no node): node selectors and interfaces ignored", () => {
  const s = svc({ name: "a", ingressIPs: ["192.0.2.10"] });
  const r = planGroups({ policies: [{ ...all, nodeSelector: { matchLabels: { role: "core" } } }], services: [s] });
  assert.equal(r.groups.length, 1);
  assert.equal(r.groups[0]?.candidate, true);
});

test("lease names: valid DNS subdomains, unique per address", () => {
  const cases: [string, string][] = [
    ["192.0.2.10", "lbctl-l2-192-0-2-10"],
    ["2001:db8::10", "lbctl-l2-v6-20010db8000000000000000000000010"],
    ["::1", "lbctl-l2-v6-00000000000000000000000000000001"],
    ["fe80::", "lbctl-l2-v6-fe800000000000000000000000000000"],
    ["2001:db8:1:2:3:4:5:6", "lbctl-l2-v6-20010db8000100020003000400050006"],
  ];
  for (const [ip, want] of cases) {
    assert.equal(leaseNameFor(ip), want);
    assert.match(want, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
});
