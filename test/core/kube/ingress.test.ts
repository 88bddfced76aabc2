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
