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
