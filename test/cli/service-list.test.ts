// `lbctl service list` end to end: offline from a dump and live against the test API server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { runCli, spawnCli } from "../helpers/cli.ts";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";

const LAB = fileURLToPath(new URL("../../../test/fixtures/service/lab.yaml", import.meta.url));

const LAB_TABLE = `ID   Frontend                Service Type   Backend
1    10.96.0.1:443/TCP       ClusterIP      1 => 192.168.10.100:6443/TCP (active)
2    10.96.120.44:80/TCP     ClusterIP      1 => 10.244.1.5:8080/TCP (active)
                                            2 => 10.244.2.9:8080/TCP (active)
3    10.96.33.91:80/TCP      ClusterIP      1 => 10.244.1.5:8080/TCP (active)
                                            2 => 10.244.2.9:8080/TCP (active)
4    0.0.0.0:31725/TCP       NodePort       1 => 10.244.1.5:8080/TCP (active)
                                            2 => 10.244.2.9:8080/TCP (active)
5    192.168.10.211:80/TCP   LoadBalancer   1 => 10.244.1.5:8080/TCP (active)
                                            2 => 10.244.2.9:8080/TCP (active)
6    10.96.0.10:53/UDP       ClusterIP      1 => 10.244.0.23:53/UDP (active)
                                            2 => 10.244.0.71:53/UDP (active)
7    10.96.0.10:53/TCP       ClusterIP      1 => 10.244.0.23:53/TCP (active)
                                            2 => 10.244.0.71:53/TCP (active)
8    10.96.0.10:9153/TCP     ClusterIP      1 => 10.244.0.23:9153/TCP (active)
                                            2 => 10.244.0.71:9153/TCP (active)
`;

let srv: TestApiServer;
let kc: string;
before(async () => {
  srv = await startTestApiServer();
  kc = srv.kubeconfigPath();
  const list = parse(readFileSync(LAB, "utf8")) as { items: Record<string, unknown>[] };
  for (const o of list.items) srv.store.put(o);
});
after(() => srv.close());

test("-f dump: the cilium-dbg table, byte for byte (trailing blanks trimmed)", async () => {
  const r = await runCli(["service", "list", "-f", LAB]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, LAB_TABLE);
  assert.equal(r.stderr, "");
});

test("live -A gives the same table as the dump", async () => {
  const r = await runCli(["--kubeconfig", kc, "service", "list", "-A"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, LAB_TABLE);
});

test("live default namespace is the context's; -n and -l narrow the Services read", async () => {
  let r = await runCli(["--kubeconfig", kc, "svc", "ls"]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /10\.96\.0\.10/);
  assert.match(r.stdout, /10\.96\.0\.1:443/);
  r = await runCli(["--kubeconfig", kc, "svc", "ls", "-n", "kube-system"]);
  assert.deepEqual(r.stdout.split("\n").filter((l) => /^\d/.test(l)).map((l) => l.split(/\s+/)[1]), ["10.96.0.10:53/UDP", "10.96.0.10:53/TCP", "10.96.0.10:9153/TCP"]);
  r = await runCli(["--kubeconfig", kc, "svc", "ls", "-A", "-l", "app=webpod", "--type", "LoadBalancer"]);
  // IDs number the Services read (webpod and webpod-lbtype), so the LB frontend is 4.
  assert.match(r.stdout, /^4 +192\.168\.10\.211:80\/TCP +LoadBalancer/m);
  assert.equal(r.stdout.split("\n").filter((l) => /^\d/.test(l)).length, 1);
});

test("-o wide adds service, policy, node and zone; --node-ips lists per-node NodePort rows", async () => {
  const r = await runCli(["svc", "ls", "-f", LAB, "-o", "wide", "--node-ips", "--type", "NodePort"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    `ID   Frontend                   Service Type   Service                 Traffic-Policy   Backend                             Node     Zone
4    192.168.10.100:31725/TCP   NodePort       default/webpod-lbtype   Cluster          1 => 10.244.1.5:8080/TCP (active)   k8s-w1   zone-a
                                                                                        2 => 10.244.2.9:8080/TCP (active)   k8s-w2   zone-b
5    192.168.10.101:31725/TCP   NodePort       default/webpod-lbtype   Cluster          1 => 10.244.1.5:8080/TCP (active)   k8s-w1   zone-a
                                                                                        2 => 10.244.2.9:8080/TCP (active)   k8s-w2   zone-b
6    192.168.10.102:31725/TCP   NodePort       default/webpod-lbtype   Cluster          1 => 10.244.1.5:8080/TCP (active)   k8s-w1   zone-a
                                                                                        2 => 10.244.2.9:8080/TCP (active)   k8s-w2   zone-b
7    0.0.0.0:31725/TCP          NodePort       default/webpod-lbtype   Cluster          1 => 10.244.1.5:8080/TCP (active)   k8s-w1   zone-a
                                                                                        2 => 10.244.2.9:8080/TCP (active)   k8s-w2   zone-b
`,
  );
});

test("-o json is the cilium-dbg REST shape; -o yaml the same data", async () => {
  const r = await runCli(["svc", "ls", "-f", LAB, "-o", "json", "--frontend", "192.168.10.211"]);
  assert.equal(r.code, 0);
  const data = JSON.parse(r.stdout) as { spec: Record<string, unknown>; status: { realized: unknown } }[];
  assert.equal(data.length, 1);
  assert.deepEqual(data[0]!.spec["frontend-address"], { ip: "192.168.10.211", port: 80, protocol: "TCP", scope: "external" });
  assert.deepEqual(data[0]!.spec["flags"], { type: "LoadBalancer", trafficPolicy: "Cluster", extTrafficPolicy: "Cluster", intTrafficPolicy: "Cluster", name: "webpod-lbtype", namespace: "default" });
  assert.deepEqual((data[0]!.spec["backend-addresses"] as unknown[])[0], { ip: "10.244.1.5", port: 8080, protocol: "TCP", nodeName: "k8s-w1", zone: "zone-a", state: "active", preferred: true, weight: 100 });
  assert.deepEqual(data[0]!.status.realized, data[0]!.spec);
  const y = await runCli(["svc", "ls", "-f", LAB, "-o", "yaml", "--frontend", "192.168.10.211:80"]);
  assert.deepEqual(parse(y.stdout), data);
});

test("--frontend with no owner: exit 1 and a note on stderr", async () => {
  const r = await runCli(["svc", "ls", "-f", LAB, "--frontend", "203.0.113.9"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "no Service has a frontend 203.0.113.9\n");
});

test("usage errors exit 2 with one line", async () => {
  const cases: [string[], RegExp][] = [
    [["--type", "Foo"], /--type: unknown frontend type "Foo"/],
    [["--frontend", "nope"], /--frontend: "nope" is not IP or IP:PORT/],
    [["-l", "a in (b"], /^error: -l: unable to parse requirement "a in \(b"$/m],
    [["-l", "app=-x"], /^error: -l: invalid label value "-x"$/m],
    [["-n", "x", "-A"], /cannot be used together/],
    [["-o", "xml"], /argument 'xml' is invalid/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(["svc", "ls", "-f", LAB, ...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
});

test("dump with unknown kinds, an orphan EndpointSlice and a Service without slices: warnings and a best-effort table", async () => {
  const dump = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
apiVersion: v1
kind: Service
metadata: {name: lonely, namespace: a}
spec: {clusterIP: 10.96.9.9, ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ghost-1, namespace: a, labels: {kubernetes.io/service-name: ghost}}
addressType: IPv4
endpoints: [{addresses: [10.0.0.1]}]
ports: [{port: 80}]
`;
  const r = await runCli(["svc", "ls", "-f", "-"], { stdin: dump });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "ID   Frontend           Service Type   Backend\n1    10.96.9.9:80/TCP   ClusterIP\n");
  assert.deepEqual(r.stderr.trim().split("\n"), [
    "warning: ignored objects of kinds service list does not use: ConfigMap (1)",
    "warning: 1 Services have no EndpointSlices and are listed without backends: a/lonely",
    'warning: 1 EndpointSlices have no Service and are ignored: a/ghost-1 (Service "ghost")',
  ]);
  const bad = await runCli(["svc", "ls", "-f", "/nonexistent/dump.yaml"]);
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "error: /nonexistent/dump.yaml: cannot read: no such file or directory\n");
  // one unreadable path among readable ones still fails, before any output (as kubectl get -f)
  const mixed = await runCli(["svc", "ls", "-f", "-", "-f", "/nonexistent/dump.yaml"], { stdin: dump });
  assert.equal(mixed.code, 1);
  assert.equal(mixed.stdout, "");
  assert.equal(mixed.stderr, "error: /nonexistent/dump.yaml: cannot read: no such file or directory\n");
});

test("cluster faults reach the user as one line, exit 1, no stack", async () => {
  const cases: [string[], RegExp, () => void][] = [
    [["--kubeconfig", srv.kubeconfigPath({ server: "https://127.0.0.1:1" })], /^error: cannot reach the API server at https:\/\/127\.0\.0\.1:1: connection refused/, () => {}],
    [["--kubeconfig", srv.kubeconfigPath({ ca: "other" })], /^error: TLS verification of the API server/, () => {}],
    [["--kubeconfig", kc, "--context", "nope"], /^error: .*context "nope" not found/, () => {}],
    [["--kubeconfig", kc], /^error: RBAC denied: cannot list endpointslices.discovery.k8s.io \(403 Forbidden/, () => srv.faults.forbid.push({ verb: "list", resource: "endpointslices" })],
    [["--kubeconfig", kc, "--request-timeout", "100ms"], /^error: timed out after 100ms/, () => (srv.faults.delayMs = 400)],
  ];
  try {
    for (const [args, re, arrange] of cases) {
      arrange();
      const r = await runCli([...args, "svc", "ls", "-A"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.equal(r.stdout, "");
      srv.faults.forbid = [];
      srv.faults.delayMs = 0;
    }
  } finally {
    srv.faults.forbid = [];
    srv.faults.delayMs = 0;
  }
});

test("the real binary: live list over HTTPS from a spawned process", async () => {
  const r = await spawnCli(["service", "list", "-A", "--frontend", "10.96.0.10:53"], { env: { ...process.env, NO_COLOR: "1", KUBECONFIG: kc } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^6 +10\.96\.0\.10:53\/UDP/m);
  assert.match(r.stdout, /^7 +10\.96\.0\.10:53\/TCP/m);
});

test("colour on a terminal marks backend states; never with NO_COLOR", async () => {
  const tty = await runCli(["svc", "ls", "-f", LAB, "--frontend", "10.96.0.1"], { tty: true });
  assert.match(tty.stdout, /\u001b\[32mactive\u001b\[39m/);
  const plain = await runCli(["svc", "ls", "-f", LAB, "--frontend", "10.96.0.1"], { tty: true, env: { NO_COLOR: "1" } });
  assert.doesNotMatch(plain.stdout, /\u001b/);
  // Colour does not shift the columns.
  assert.equal(tty.stdout.replace(/\u001b\[\d+m/g, ""), plain.stdout);
});
