import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { spawn } from "node:child_process";
import { LBCTL_BIN, runCli } from "../helpers/cli.ts";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";

const FIXTURE = new URL("../../../test/fixtures/l2status/cluster.yaml", import.meta.url).pathname;
const EXPECTED: [string, string][] = [
  ["192.0.2.10", "ok"], ["192.0.2.11", "no-policy"], ["192.0.2.12", "no-lease"], ["192.0.2.13", "lease-expired"],
  ["192.0.2.14", "etp-local-no-backend"], ["192.0.2.15", "duplicate"], ["192.0.2.16", "ok"], ["<pending>", "pending-ip"],
];

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer();
  for (const d of parseAllDocuments(readFileSync(FIXTURE, "utf8"))) srv.store.put(d.toJSON() as Record<string, unknown>);
});
after(() => srv.close());

function verdictsOfTable(stdout: string): [string, string][] {
  const lines = stdout.trimEnd().split("\n");
  const header = lines[0] ?? "";
  const at = header.indexOf("VERDICT");
  return lines.slice(1, -1).map((l) => [l.split(/\s+/)[0] ?? "", l.slice(at).split(/\s+/)[0] ?? ""]);
}

test("l2 status -f: one row per address with its verdict, summary footer, exit 3 when any is not ok", async () => {
  const r = await runCli(["l2", "status", "-f", FIXTURE]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^ADDRESS\s+SERVICES\s+POOL\s+HOLDER\s+RENEWED\s+ANSWERED\s+VERDICT\s+REASON$/);
  assert.deepEqual(verdictsOfTable(r.stdout), EXPECTED);
  assert.match(lines[1] ?? "", /^192\.0\.2\.10\s+shop\/web\s+lab-pool\s+node-a\s+2s\s+-\s+ok\s+held by node-a$/);
  assert.equal(lines.at(-1), "8 addresses: 2 ok, 1 no-policy, 1 no-lease, 1 lease-expired, 1 etp-local-no-backend, 1 duplicate, 1 pending-ip (not probed: pass --probe to check the wire)");
});

test("l2 status -o wide adds policies, lease, holder MAC; --vip narrows and exit 0 when all ok", async () => {
  const r = await runCli(["l2", "status", "-f", FIXTURE, "-o", "wide", "--vip", "192.0.2.10,192.0.2.16"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split("\n");
  assert.match(lines[0] ?? "", /^ADDRESS\s+SERVICES\s+POOL\s+POLICIES\s+LEASE\s+HOLDER\s+RENEWED\s+HOLDER-MAC\s+ANSWERED\s+VERDICT\s+REASON$/);
  assert.match(lines[1] ?? "", /^192\.0\.2\.10\s+shop\/web\s+lab-pool\s+announce-lab\s+kube-system\/lbctl-l2-192-0-2-10\s+node-a\s+2s\s+eth0=02:00:00:00:00:a1\s+-\s+ok/);
  assert.match(lines[2] ?? "", /^192\.0\.2\.16\s+shop\/legacy\s+.*kube-system\/cilium-l2announce-shop-legacy\s+node-b\s+1s\s+eth0=02:00:00:00:00:b1\s+-\s+ok/);
  assert.equal(lines.length, 4);
});

test("l2 status -o json / yaml: the same document, with every field of the contract", async () => {
  const j = await runCli(["l2", "status", "-f", FIXTURE, "-o", "json"]);
  const y = await runCli(["l2", "status", "-f", FIXTURE, "-o", "yaml"]);
  assert.equal(j.code, 3);
  assert.equal(y.code, 3);
  const doc = JSON.parse(j.stdout) as { kind: string; apiVersion: string; summary: Record<string, unknown>; addresses: Record<string, unknown>[] };
  assert.deepEqual(parseYaml(y.stdout), doc);
  assert.equal(doc.kind, "L2Status");
  assert.equal(doc.apiVersion, "lbctl.io/v1alpha1");
  assert.deepEqual(doc.summary, { addresses: 8, ok: 2, notOk: 6, probed: false, byVerdict: { ok: 2, "no-policy": 1, "no-lease": 1, "lease-expired": 1, "etp-local-no-backend": 1, duplicate: 1, "pending-ip": 1 } });
  assert.deepEqual(doc.addresses.map((a) => [a["address"] ?? "<pending>", a["verdict"]]), EXPECTED);
  const first = doc.addresses[0] ?? {};
  assert.deepEqual(Object.keys(first).sort(), [
    "address", "holderMacSource", "holderMacs", "lease", "localServicesWithoutBackend", "otherLeases", "policies", "pool", "probe", "reason", "services", "sources", "verdict",
  ]);
  assert.deepEqual(first["lease"], {
    name: "lbctl-l2-192-0-2-10", namespace: "kube-system", kind: "lbctl", holder: "node-a", renewTime: "2026-11-27T11:59:58.000Z", renewAgeSeconds: 2, durationSeconds: 15, expired: false,
  });
  assert.deepEqual(first["holderMacs"], [{ interface: "eth0", mac: "02:00:00:00:00:a1" }]);
});

test("l2 status from the cluster: same verdicts, a bounded number of list calls and no per-address request", async () => {
  const before = srv.requests.length;
  const r = await runCli(["l2", "status", "-A", "--kubeconfig", srv.kubeconfigPath()]);
  assert.equal(r.code, 3, r.stderr);
  assert.deepEqual(verdictsOfTable(r.stdout), EXPECTED);
  const reqs = srv.requests.slice(before);
  // six lists, and one GET of the agent's configuration (issue 14: enable-l2-announcements)
  assert.deepEqual([...new Set(reqs.map((q) => q.verb))], ["list", "get"]);
  assert.equal(reqs.length, 7, reqs.map((q) => q.url).join("\n"));
  assert.deepEqual(reqs.filter((q) => q.verb === "get").map((q) => q.url), ["/api/v1/namespaces/kube-system/configmaps/cilium-config"]);
  assert.ok(reqs.some((q) => q.url.startsWith("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")));
});

test("l2 status --vip for an address no Service carries: warning and exit 3", async () => {
  const r = await runCli(["l2", "status", "-f", FIXTURE, "--vip", "192.0.2.10,198.51.100.9"]);
  assert.equal(r.code, 3);
  assert.equal(r.stderr, "warning: --vip 198.51.100.9: no Service has this address (LoadBalancer ingress IP or ExternalIP)\n");
  assert.match(r.stdout, /^1 address: 1 ok/m);
});

test("l2 status -n limits Services to a namespace; nothing found is a warning and exit 0", async () => {
  const r = await runCli(["l2", "status", "-n", "elsewhere", "--kubeconfig", srv.kubeconfigPath()]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /^warning: no announced addresses found/);
  assert.match(r.stdout, /^0 addresses: 0 ok/m);
});

test("l2 status: usage errors are one line, exit 2", async () => {
  const cases: [string[], RegExp][] = [
    [["-n", "a", "-A"], /cannot be used together/],
    [["--vip", "192.0.2.300"], /--vip: "192.0.2.300" is not an IPv4 or IPv6 address/],
    [["--probe", "--probe-timeout", "soon"], /--probe-timeout: "soon" is not a duration/],
    [["--probe", "--probe-rate", "0"], /--probe-rate: "0" must be an integer/],
    [["-i", "eth0"], /-i\/--interface is only used with --probe/],
    [["-o", "xml"], /argument 'xml' is invalid/],
    [["--watch", "-f", "-"], /--watch cannot re-read standard input/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(["l2", "status", "-f", FIXTURE, ...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  }
  // Interface problems are found before any socket is opened (nothing is sent here).
  for (const [iface, re] of [["nosuchif0", /^error: -i nosuchif0: no such interface$/m], ["lo", /^error: -i lo: interface is not ARPable \(loopback or NOARP\)$/m]] as const) {
    const r = await runCli(["l2", "status", "-f", FIXTURE, "--probe", "-i", iface]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
  }
  const missing = await runCli(["l2", "status", "-f", "/nonexistent.yaml"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: \/nonexistent\.yaml/);
});

test("l2 status --watch re-evaluates and prints again when a lease changes (bounded: killed after the 2nd table or 20 s)", { timeout: 30_000 }, async () => {
  const child = spawn(process.execPath, [LBCTL_BIN, "l2", "status", "-A", "--vip", "192.0.2.12", "--watch", "--watch-interval", "200ms", "--kubeconfig", srv.kubeconfigPath()], {
    env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const tables = (): number => (stdout.match(/^1 address: /gm) ?? []).length;
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  await new Promise<void>((resolve) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      const before = tables();
      stdout += d;
      if (before === 0 && tables() === 1) {
        srv.store.put({
          apiVersion: "coordination.k8s.io/v1", kind: "Lease",
          metadata: { name: "lbctl-l2-192-0-2-12", namespace: "kube-system", annotations: { "lbctl.io/interfaces": "eth0=02:00:00:00:00:a1" } },
          spec: { holderIdentity: "node-a", leaseDurationSeconds: 3600, renewTime: new Date().toISOString().replace("Z", "000Z") },
        });
      }
      if (tables() >= 2) resolve();
    });
    child.on("close", () => resolve());
  });
  child.kill("SIGTERM");
  const code = await exited;
  clearTimeout(killer);
  const parts = stdout.split(/\n\n/).filter((p) => p.trim() !== "");
  assert.equal(parts.length, 2, stdout + stderr);
  assert.match(parts[0] ?? "", /192\.0\.2\.12 .* no-lease /);
  assert.match(parts[1] ?? "", /192\.0\.2\.12 .* node-a .* ok /);
  assert.equal(code, 0, stderr);
});

test("l2 status --watch survives an API outage: warns, retries, and picks up changes after", { timeout: 30_000 }, async () => {
  srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: "late", namespace: "shop", labels: { announce: "yes" } }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ ip: "192.0.2.20" }] } } });
  const child = spawn(process.execPath, [LBCTL_BIN, "l2", "status", "-A", "--vip", "192.0.2.20", "--watch", "--watch-interval", "200ms", "--kubeconfig", srv.kubeconfigPath()], {
    env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  const until = (what: () => boolean): Promise<void> => new Promise((resolve) => {
    const check = (): void => void (what() ? resolve() : undefined);
    child.stdout.on("data", check);
    child.stderr.on("data", check);
    child.on("close", () => resolve());
    check();
  });
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  await until(() => /^1 address: /m.test(stdout));
  await srv.stop();
  await until(() => /retrying in 200ms/.test(stderr));
  await srv.restart();
  srv.store.put({
    apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "lbctl-l2-192-0-2-20", namespace: "kube-system" },
    spec: { holderIdentity: "node-b", leaseDurationSeconds: 3600, renewTime: new Date().toISOString().replace("Z", "000Z") },
  });
  await until(() => (stdout.match(/^1 address: /gm) ?? []).length >= 2);
  child.kill("SIGTERM");
  const code = await exited;
  clearTimeout(killer);
  assert.match(stderr, /^warning: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+: connection refused .*\(retrying in 200ms\)$/m);
  const parts = stdout.split(/\n\n/).filter((p) => p.trim() !== "");
  assert.equal(parts.length, 2, stdout);
  assert.match(parts[1] ?? "", /192\.0\.2\.20 .* node-b .* ok /);
  assert.equal(code, 0, stderr);
});
