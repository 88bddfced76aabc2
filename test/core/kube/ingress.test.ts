import { test } from "node:test";
import assert from "node:assert/strict";
import { vipIngressIps } from "../../../src/core/kube/ingress.ts";
import { toL2Service } from "../../../src/core/announce/objects.ts";
import { parseService, type DecodeProblem } from "../../../src/core/service/parse.ts";

const ingress = [{ ip: "192.0.2.10" }, { ip: "192.0.2.11", ipMode: "VIP" }, { ip: "192.0.2.12", ipMode: "Proxy" }, { hostname: "lb.example" }, { ip: "" }];

test("vipIngressIps: hostname-only and ipMode Proxy entries are not VIPs", () => {
  assert.deepEqual(vipIngressIps(ingress), ["192.0.2.10", "192.0.2.11"]);
  assert.deepEqual(vipIngressIps(undefined), []);
});

// Drift fixed by the one rule (issue 10): announce and l2 status used to count a Proxy ingress
// as a VIP (and answer ARP for it) while service list left it out.
test("announce/l2 status and service list read the same VIPs from one Service", () => {
  const svc = { metadata: { name: "web", namespace: "shop" }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress } } };
  assert.deepEqual(toL2Service(svc).ingressIPs, ["192.0.2.10", "192.0.2.11"]);
  const problems: DecodeProblem[] = [];
  assert.deepEqual(parseService(svc, problems).ingressIPs, ["192.0.2.10", "192.0.2.11"]);
  assert.deepEqual(problems, []);
});

test("parseService: ClientIP affinity timeout (default 3 h, bounds) and loadBalancerSourceRanges (masked, bad ones named)", () => {
  const parse = (spec: Record<string, unknown>) => {
    const problems: DecodeProblem[] = [];
    const s = parseService({ metadata: { name: "web", namespace: "ns" }, spec: { type: "LoadBalancer", ...spec } }, problems);
    return { timeout: s.affinityTimeout, ranges: s.sourceRanges, problems: problems.map((p) => `${p.path.join(".")}: ${p.message}`) };
  };
  assert.deepEqual(parse({}), { timeout: undefined, ranges: undefined, problems: [] });
  assert.deepEqual(parse({ sessionAffinity: "None", sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } } }).timeout, undefined);
  assert.equal(parse({ sessionAffinity: "ClientIP" }).timeout, 10800);
  assert.equal(parse({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }).timeout, 60);
  const bad = parse({ sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } });
  assert.equal(bad.timeout, 10800);
  assert.deepEqual(bad.problems, ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: 0 is not 1-86400 seconds; the default 10800 is assumed"]);
  const r = parse({ loadBalancerSourceRanges: ["192.0.2.77/24", " 2001:db8::1/32 ", "10.0.0.1", 7] });
  assert.deepEqual(r.ranges, ["192.0.2.0/24", "2001:db8::/32"]);
  assert.equal(r.problems.length, 2);
  assert.match(r.problems[0]!, /^spec\.loadBalancerSourceRanges\.2: "10\.0\.0\.1" is not a CIDR \(no prefix length/);
});
