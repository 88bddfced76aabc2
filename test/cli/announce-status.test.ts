import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";
import { startTestApiServer } from "../kube-server/server.ts";

test("announce status: groups from the cluster with holder, renew age and interfaces (table, json)", async (t) => {
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  const now = Date.parse("2026-11-27T12:00:00Z");
  for (const [name, ip] of [["web", "192.0.2.10"], ["web-udp", "192.0.2.10"], ["db", "192.0.2.11"]] as const) {
    srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ ip }] } } });
  }
  srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "all" }, spec: { loadBalancerIPs: true } });
  srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "bad" }, spec: { loadBalancerIPs: true, interfaces: ["(["] } });
  srv.store.put({
    apiVersion: "coordination.k8s.io/v1", kind: "Lease",
    metadata: { name: "lbctl-l2-192-0-2-10", namespace: "kube-system", annotations: { "lbctl.io/interfaces": "eth0=02:00:00:00:00:01" } },
    spec: { holderIdentity: "node-a", leaseDurationSeconds: 15, renewTime: "2026-11-27T11:59:57.000000Z", leaseTransitions: 1 },
  });
  const kc = srv.kubeconfigPath();
  const r = await runCli(["announce", "status", "--kubeconfig", kc], { now });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, [
    "ADDRESS      SERVICES                      HOLDER   STATE      RENEWED   INTERFACES",
    "192.0.2.10   default/web,default/web-udp   node-a   held       3s        eth0",
    "192.0.2.11   default/db                    <none>   no-lease   <none>    <none>",
    "",
  ].join("\n"));
  assert.match(r.stderr, /warning: policy bad: io.cilium\/bad-interface-regex: interfaces\[0\] "\(\["/);
  const j = await runCli(["announce", "status", "--kubeconfig", kc, "-o", "json"], { now });
  const data = JSON.parse(j.stdout) as { groups: { address: string; lease: string; holder: string | null; interfaces: { mac: string }[] }[] };
  assert.equal(data.groups[0]?.lease, "lbctl-l2-192-0-2-10");
  assert.equal(data.groups[0]?.interfaces[0]?.mac, "02:00:00:00:00:01");
  await srv.stop();
  const err = await runCli(["announce", "status", "--kubeconfig", kc, "--request-timeout", "2s"], { now });
  assert.equal(err.code, 1);
  assert.match(err.stderr, /^error: cannot reach the API server/m);
});
