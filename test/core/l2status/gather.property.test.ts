import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { gatherStatus } from "../../../src/core/l2status/gather.ts";
import { VERDICTS } from "../../../src/core/l2status/model.ts";
import { compareIp, parseIp } from "../../../src/core/ip.ts";
import type { LeaseObject, ServiceObject } from "../../../src/core/announce/objects.ts";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const ip = fc.oneof(fc.integer({ min: 1, max: 20 }).map((n) => `192.0.2.${n}`), fc.integer({ min: 1, max: 20 }).map((n) => `2001:db8::${n.toString(16)}`));
const svc = fc.record({
  name: fc.constantFrom("a", "b", "c", "d", "e"), ns: fc.constantFrom("x", "y"), lb: fc.array(ip, { maxLength: 2 }), ext: fc.array(ip, { maxLength: 1 }),
  lbType: fc.boolean(), label: fc.boolean(), etp: fc.constantFrom(undefined, "Local", "Cluster"),
});
const lease = fc.record({ ip, holder: fc.constantFrom("", "n1", "n2"), age: fc.integer({ min: 0, max: 60 }) });

test("property: every address of every Service appears in exactly one row, sorted, with a known verdict", () => {
  fc.assert(fc.property(fc.array(svc, { maxLength: 8 }), fc.array(lease, { maxLength: 6 }), (svcs, leases) => {
    const services: ServiceObject[] = svcs.map((s) => ({
      metadata: { name: s.name, namespace: s.ns, labels: s.label ? { l2: "on" } : ({} as Record<string, string>) },
      spec: { type: s.lbType ? "LoadBalancer" : "ClusterIP", externalIPs: s.ext, externalTrafficPolicy: s.etp },
      status: { loadBalancer: { ingress: s.lb.map((i) => ({ ip: i })) } },
    }));
    const leaseObjs: LeaseObject[] = leases.map((l) => ({
      metadata: { name: `lbctl-l2-${l.ip.includes(":") ? "v6-x" : l.ip.replace(/\./g, "-")}`, namespace: "kube-system" },
      spec: { holderIdentity: l.holder, leaseDurationSeconds: 15, renewTime: new Date(NOW - l.age * 1000).toISOString() },
    }));
    const rows = gatherStatus({
      services, leases: leaseObjs, nodes: [], slices: [], poolOf: new Map(), now: NOW,
      policies: [{ metadata: { name: "p" }, spec: { serviceSelector: { matchLabels: { l2: "on" } }, loadBalancerIPs: true, externalIPs: true } }],
    });
    const expected = new Set(svcs.flatMap((s) => [...s.lb, ...s.ext]));
    const addressed = rows.filter((r) => r.address !== null).map((r) => r.address ?? "");
    assert.equal(new Set(addressed).size, addressed.length, "one row per address");
    assert.deepEqual(new Set(addressed), expected);
    for (let i = 1; i < addressed.length; i++) assert.ok(compareIp(parseIp(addressed[i - 1] ?? "")!, parseIp(addressed[i] ?? "")!) < 0, "sorted");
    for (const r of rows) {
      assert.ok(VERDICTS.includes(r.verdict));
      assert.ok(r.reason.length > 0);
      if (r.verdict === "ok") assert.ok(r.lease !== null && r.lease.holder !== null && !r.lease.expired && r.policies.length > 0);
    }
  }), { numRuns: 300 });
});
