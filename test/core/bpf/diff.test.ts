import { test } from "node:test";
import assert from "node:assert/strict";
import { diffDatapath, persistent, type Problem } from "../../../src/core/bpf/diff.ts";

const p = (kind: Problem["kind"], subject: string): Problem => ({ kind, subject, detail: "d" });

test("persistent(): only problems seen in both reads, once each, sorted", () => {
  const first = [p("orphan-backend", "backend 7"), p("missing-frontend", "10.96.0.1:443/TCP"), p("capacity", "cilium_lb4_backends_v3")];
  const second = [p("missing-frontend", "10.96.0.1:443/TCP"), p("orphan-backend", "backend 7"), p("orphan-backend", "backend 7"), p("stale-slot", "x")];
  assert.deepEqual(persistent(first, second).map((x) => x.kind), ["missing-frontend", "orphan-backend"]);
  assert.deepEqual(persistent(first, []), []);
});

test("capacity near max_entries is a problem; empty maps against nothing expected are in sync", () => {
  const actual = { services: [], backends: [], revnat: [] };
  assert.deepEqual(diffDatapath({ expected: [], actual }), []);
  const got = diffDatapath({ expected: [], actual, capacity: [{ map: "cilium_lb4_services_v2", entries: 60000, maxEntries: 65536 }, { map: "cilium_lb4_backends_v3", entries: 10, maxEntries: 65536 }] });
  assert.deepEqual(got, [{ kind: "capacity", subject: "cilium_lb4_services_v2", detail: "60000 of 65536 entries (92%)" }]);
});

test("backend sets compared by address/port/protocol (canonical texts, any ID); dangling and stale slots", () => {
  const svc = (address: string, slot: number, union: number, count = 0) => ({ key: { family: 4 as const, address, port: 80, slot, proto: 6, scope: 0 }, value: { union, count, revNat: 1, flags: 0, qcount: 0 } });
  const be = (id: number, address: string) => ({ id, family: 4 as const, address, port: 8080, proto: 6, state: 0, clusterId: 0, zone: 0 });
  const actual = {
    services: [svc("10.96.0.1", 0, 0, 2), svc("10.96.0.1", 1, 7), svc("10.96.0.1", 2, 9), svc("10.96.0.1", 3, 8), svc("10.96.0.2", 1, 7)],
    backends: [be(7, "10.244.0.1"), be(8, "10.244.0.3"), be(9, "10.244.0.9")],
    revnat: [{ id: 1, family: 4 as const, address: "10.96.0.1", port: 80 }],
  };
  const backends = ["10.244.0.1", "10.244.0.2"].map((ip) => ({ ip, port: 8080, protocol: "tcp", state: "active" }));
  const expected = [{ ip: "10.96.0.1", port: 80, protocol: "TCP", scope: "external", type: "ClusterIP", policy: "Cluster", service: { namespace: "ns", name: "web" }, backends }];
  const got = diffDatapath({ expected: expected as unknown as Parameters<typeof diffDatapath>[0]["expected"], actual });
  assert.deepEqual(
    got.map((x) => [x.kind, x.subject, x.detail]),
    [
      ["backend-mismatch", "10.96.0.1:80/TCP", "ns/web: missing 10.244.0.2:8080/TCP; unexpected 10.244.0.9:8080/TCP"],
      ["stale-slot", "10.96.0.1:80/TCP slot 3", "beyond count 2 + qcount 0"],
      ["stale-slot", "10.96.0.2:80/TCP slot 1", "slot without a master entry"],
    ],
  );
  // the same backends under other IDs, and an address text written another way: in sync
  const same = { ...actual, services: actual.services.slice(0, 3).map((s) => (s.key.slot === 2 ? svc("10.96.0.1", 2, 3) : s)), backends: [be(7, "10.244.0.1"), be(3, "10.244.0.2")] };
  const written = [{ ...expected[0]!, ip: "10.96.0.1", backends: [backends[0]!, { ...backends[1]!, ip: "010.244.0.2" }] }];
  assert.deepEqual(diffDatapath({ expected: expected as never, actual: same }), []);
  assert.equal(diffDatapath({ expected: written as never, actual: same }).length, 1); // 010.… is not an address: no match
});

test("session affinity and source ranges (spec §11.6): flag, timeout and the source-range CIDRs, each reported once", () => {
  const AFF = 0x10;
  const SRC = 0x80;
  const LB = 0x20 | 0x40;
  const master = (flags: number, union = 0) => ({ key: { family: 4 as const, address: "203.0.113.7", port: 443, slot: 0, proto: 6, scope: 0 }, value: { union, count: 0, revNat: 5, flags, qcount: 0 } });
  const revnat = [{ id: 5, family: 4 as const, address: "203.0.113.7", port: 443 }];
  const range = (cidr: string) => ({ family: 4 as const, revNat: 5, cidr });
  const fe = (service: Record<string, unknown>, type = "LoadBalancer") =>
    [{ ip: "203.0.113.7", port: 443, protocol: "TCP", scope: "external", type, family: 4, policy: "Cluster", service: { namespace: "ns", name: "web", ...service }, backends: [] }] as never;
  const run = (service: Record<string, unknown>, flags: number, union: number, ranges?: string[], type = "LoadBalancer") =>
    diffDatapath({ expected: fe(service, type), actual: { services: [master(flags, union)], backends: [], revnat, ...(ranges ? { sourceRanges: ranges.map(range) } : {}) } }).map((x) => `${x.kind}: ${x.detail}`);
  const cases: [string, Record<string, unknown>, number, number, string[] | undefined, string[], string?][] = [
    ["in sync: ClientIP 3 h, two ranges", { affinityTimeout: 10800, sourceRanges: ["192.0.2.0/24", "198.51.100.0/25"] }, LB | AFF | SRC, 10800, ["198.51.100.0/25", "192.0.2.0/24"], []],
    ["in sync: nothing asked, nothing programmed", {}, LB, 0, [], []],
    ["affinity asked, not programmed", { affinityTimeout: 60 }, LB, 0, undefined, ["flag-mismatch: ns/web: sessionAffinity ClientIP but the map entry has no sessionAffinity"]],
    ["affinity programmed, not asked", {}, LB | AFF, 10800, undefined, ["flag-mismatch: ns/web: sessionAffinity None but the map entry has sessionAffinity"]],
    ["timeout differs", { affinityTimeout: 60 }, LB | AFF, 10800, undefined, ["flag-mismatch: ns/web: session-affinity timeout 10800s in the map, expected 60s"]],
    ["timeout read from the low 24 bits (LB algorithm above)", { affinityTimeout: 60 }, LB | AFF, (2 << 24) | 60, undefined, []],
    ["ranges asked, no check", { sourceRanges: ["192.0.2.0/24"] }, LB, 0, [], ["flag-mismatch: ns/web: loadBalancerSourceRanges 192.0.2.0/24 but the map entry does not check source ranges"]],
    ["check without ranges", {}, LB | SRC, 0, ["192.0.2.0/24"], ["flag-mismatch: ns/web: loadBalancerSourceRanges unset but the map entry checks source ranges"]],
    ["a range missing, one extra", { sourceRanges: ["192.0.2.0/24", "198.51.100.0/25"] }, LB | SRC, 0, ["192.0.2.0/24", "10.0.0.0/8"], ["source-range-mismatch: ns/web: missing 198.51.100.0/25; unexpected 10.0.0.0/8 in the source-range map (rev-NAT 5)"]],
    ["maps not pinned: the flag is still judged, CIDRs are not", { sourceRanges: ["192.0.2.0/24"] }, LB | SRC, 0, undefined, []],
    ["IPv6 ranges do not count for an IPv4 frontend", { sourceRanges: ["2001:db8::/32"] }, LB, 0, [], []],
    ["ClusterIP with ranges checked (all-types agents): fine", { sourceRanges: ["192.0.2.0/24"] }, SRC, 0, ["192.0.2.0/24"], [], "ClusterIP"],
    ["ClusterIP without ranges checked: reported", {}, SRC, 0, [], ["flag-mismatch: ns/web: loadBalancerSourceRanges unset but the map entry checks source ranges"], "ClusterIP"],
  ];
  for (const [name, service, flags, union, ranges, want, type] of cases) assert.deepEqual(run(service, flags, union, ranges, type), want, name);
});

test("stale-l2-entry: a responder entry for an address no LoadBalancer/ExternalIPs frontend has; announced VIPs are fine", () => {
  const master = (address: string, revNat: number, flags: number) => ({ key: { family: 4 as const, address, port: 80, slot: 0, proto: 6, scope: 0 }, value: { union: 0, count: 0, revNat, flags, qcount: 0 } });
  const actual = {
    services: [master("198.51.100.10", 1, 0x60), master("192.0.2.5", 2, 0x41)],
    backends: [],
    revnat: [{ id: 1, family: 4 as const, address: "198.51.100.10", port: 80 }, { id: 2, family: 4 as const, address: "192.0.2.5", port: 80 }],
  };
  const fe = (ip: string, type: string) => ({ ip, port: 80, protocol: "TCP", scope: "external", type, family: 4, policy: "Cluster", service: { namespace: "ns", name: "web" }, backends: [] });
  const expected = [fe("198.51.100.10", "LoadBalancer"), fe("192.0.2.5", "ExternalIPs")] as never;
  const l2 = ["198.51.100.10", "192.0.2.5", "198.51.100.99"].map((address) => ({ family: 4 as const, address, ifindex: 2, responses: 0n }));
  assert.deepEqual(diffDatapath({ expected, actual, l2 }).map((p) => `${p.kind} ${p.subject}`), ["stale-l2-entry 198.51.100.99 ifindex 2"]);
  // no L2 maps pinned: nothing to judge
  assert.deepEqual(diffDatapath({ expected, actual }), []);
});
