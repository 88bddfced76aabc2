// Issue 14 end to end: the agent's cilium-config read live (and from -f), --config, --show-config,
// l2 status with L2 announcements off, topology on --node, HostPort frontends from the node's Pods.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runCli } from "../helpers/cli.ts";
import { LAB, startLabServer } from "../helpers/service-lab.ts";
import type { TestApiServer } from "../kube-server/server.ts";

const CONFIG = {
  apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cilium-config", namespace: "kube-system" },
  data: { "kube-proxy-replacement": "true", "enable-node-port": "false", "enable-l2-announcements": "false", "enable-service-topology": "true" },
};
const POD = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "edge-proxy", namespace: "default" },
  spec: { nodeName: "k8s-w1", containers: [{ name: "p", ports: [{ containerPort: 8443, hostPort: 443, protocol: "TCP" }] }] },
  status: { phase: "Running", podIPs: [{ ip: "10.244.1.40" }] },
};
const POD_W2 = { ...POD, metadata: { name: "edge-proxy-2", namespace: "default" }, spec: { ...POD.spec, nodeName: "k8s-w2" }, status: { phase: "Running", podIPs: [{ ip: "10.244.2.40" }] } };

let srv: TestApiServer;
let kc: string;
before(async () => {
  srv = await startLabServer([CONFIG, POD, POD_W2]);
  kc = srv.kubeconfigPath();
});
after(() => srv.close());

test("live cilium-config with NodePort off: no NodePort or LoadBalancer frontends; --show-config names the source; --config overrides", async () => {
  const r = await runCli(["--kubeconfig", kc, "svc", "ls", "-A"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const kinds = r.stdout.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[2]);
  assert.deepEqual([...new Set(kinds)], ["ClusterIP"]);
  assert.equal(kinds.length, 6);

  const show = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "--show-config", "--config", "enable-external-ips=false"]);
  assert.equal(show.code, 0, show.stderr);
  const lines = show.stdout.split("\n");
  assert.match(lines[0]!, /^Setting +Value +Source$/);
  assert.match(show.stdout, /^enable-node-port +false +cilium-config \(cluster kube-system\/cilium-config\)$/m);
  assert.match(show.stdout, /^enable-l2-announcements +false +cilium-config \(cluster kube-system\/cilium-config\)$/m);
  assert.match(show.stdout, /^enable-external-ips +false +--config$/m);
  assert.match(show.stdout, /^enable-health-check-nodeport +true +agent default \(key absent\)$/m);

  const on = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "--config", "enable-node-port=true", "--type", "NodePort,LoadBalancer"]);
  assert.equal(on.code, 0, on.stderr);
  assert.match(on.stdout, /^\d+ +0\.0\.0\.0:31725\/TCP +NodePort/m);
  assert.match(on.stdout, /^\d+ +192\.168\.10\.211:80\/TCP +LoadBalancer/m);

  const bad = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "--config", "enable-node-port=perhaps"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'error: --config: enable-node-port: "perhaps" is not true or false\n');
});

test("live l2 status with enable-l2-announcements false: every address gets l2-disabled naming the setting", async () => {
  const r = await runCli(["--kubeconfig", kc, "l2", "status", "-A", "-o", "json"]);
  assert.equal(r.code, 3, r.stderr);
  const doc = JSON.parse(r.stdout) as { addresses: { address: string | null; verdict: string; reason: string }[] };
  assert.ok(doc.addresses.length > 0);
  for (const a of doc.addresses) {
    assert.equal(a.verdict, "l2-disabled", JSON.stringify(a));
    assert.equal(a.reason, "enable-l2-announcements is false (cilium-config from cluster kube-system/cilium-config): the agent announces no address");
  }
  const over = await runCli(["--kubeconfig", kc, "l2", "status", "-A", "-o", "json", "--config", "enable-l2-announcements=true"]);
  const doc2 = JSON.parse(over.stdout) as { addresses: { verdict: string }[] };
  assert.ok(doc2.addresses.every((a) => a.verdict !== "l2-disabled"));
});

test("live --node: HostPort frontends from that node's Pods only, read with a field selector; the Node's zone", async () => {
  const before = srv.requests.length;
  const r = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "--node", "k8s-w1", "--type", "HostPort", "-o", "wide"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `ID   Frontend          Service Type   Service              Traffic-Policy   Backend                              Node     Zone
7    0.0.0.0:443/TCP   HostPort       default/edge-proxy   Cluster          1 => 10.244.1.40:8443/TCP (active)   k8s-w1   <none>
`,
  );
  const urls = srv.requests.slice(before).map((q) => decodeURIComponent(q.url));
  assert.ok(urls.some((u) => u.startsWith("/api/v1/pods?") && u.includes("fieldSelector=spec.nodeName=k8s-w1")), urls.join("\n"));
  assert.ok(urls.includes("/api/v1/nodes/k8s-w1"), urls.join("\n"));
  assert.ok(!urls.some((u) => u.startsWith("/api/v1/nodes?")), "no list of every Node");
});

test("-f: a cilium-config in the dump is recognised (not an ignored kind); malformed values warn once with the agent's default", async () => {
  const dump = `${readFileSync(LAB, "utf8")}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cilium-config, namespace: kube-system}
data: {kube-proxy-replacement: "true", enable-external-ips: "sometimes", enable-l2-announcements: "false"}
`;
  const r = await runCli(["svc", "ls", "-f", "-", "--show-config"], { stdin: dump });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "warning: cilium-config: enable-external-ips: \"sometimes\" is not a boolean; using the agent's default true\n");
  assert.match(r.stdout, /^kube-proxy-replacement +true +cilium-config \(<stdin>:\d+\)$/m);
  const l2 = await runCli(["l2", "status", "-f", "-"], { stdin: dump });
  assert.equal(l2.code, 3);
  assert.match(l2.stdout, /l2-disabled/);
  assert.doesNotMatch(l2.stdout, / ok /);
});

test("live: a forbidden cilium-config, Node or Pod list is a warning each, not a failure; the view falls back to the assumptions", async () => {
  srv.faults.forbid.push({ verb: "get", resource: "configmaps" }, { verb: "get", resource: "nodes" }, { verb: "list", resource: "pods" });
  try {
    const r = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "--node", "k8s-w1", "--type", "NodePort"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /0\.0\.0\.0:31725\/TCP +NodePort/); // NodePort assumed on again
    assert.deepEqual(r.stderr.trim().split("\n").sort(), [
      "warning: cannot get Node k8s-w1 (forbidden); no zone for topology-aware backends and no labels for node exposure annotations",
      "warning: cannot list Pods on node k8s-w1 (forbidden); no HostPort frontends",
      "warning: cannot read ConfigMap kube-system/cilium-config (forbidden); assuming every frontend kind is enabled (see --show-config, override with --config)",
    ]);
  } finally {
    srv.faults.forbid = [];
  }
});
