// `pool … --cluster`: pools and Services read from a (test) API server through the real client,
// optionally overlaid with -f files ("what happens if I add this pool?"). Nothing is written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";
import { startTestApiServer, type TestApiServer } from "../kube-server/server.ts";
import { overlay } from "../../src/core/ipam/plan.ts";
import type { ManifestObject } from "../../src/adapters/manifests/load.ts";

let srv: TestApiServer;
let kc: string;
const dir = mkdtempSync(join(tmpdir(), "lbctl-pool-cluster-"));

const pool = (name: string, start: string, stop: string) => ({
  apiVersion: "cilium.io/v2",
  kind: "CiliumLoadBalancerIPPool",
  metadata: { name, creationTimestamp: "2026-01-01T00:00:00Z" },
  spec: { blocks: [{ start, stop }] },
});
const svc = (name: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default" },
  spec: { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP" }] },
});

before(async () => {
  srv = await startTestApiServer();
  kc = srv.kubeconfigPath();
  srv.store.put(pool("lan", "192.0.2.10", "192.0.2.10"));
  srv.store.put(svc("web"));
  srv.store.put(svc("api"));
});
after(() => srv.close());

test("pool alloc --cluster plans from the cluster's pools and Services", async () => {
  const r = await runCli(["pool", "alloc", "--cluster", "--kubeconfig", kc]);
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /default\s+api\s+lan\s+192\.0\.2\.10\s+assigned/);
  assert.match(r.stdout, /default\s+web\s+<none>\s+<pending>\s+pending\s+out_of_ips/);
});

test("pool check --cluster -f NEWPOOL: the file's pool resolves the pending Service, the cluster is untouched", async () => {
  const before = srv.requests.length;
  const file = join(dir, "more.yaml");
  writeFileSync(file, JSON.stringify(pool("lan-extra", "192.0.2.20", "192.0.2.29")));
  const pending = await runCli(["pool", "check", "--cluster", "--kubeconfig", kc]);
  assert.equal(pending.code, 1);
  const fixed = await runCli(["pool", "check", "--cluster", "--kubeconfig", kc, "-f", file]);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  const writes = srv.requests.slice(before).filter((r) => r.method !== "GET");
  assert.deepEqual(writes, [], "read-only: no create/update/patch/delete");
});

test("a file object replaces the cluster object of the same name in place", () => {
  const m = (obj: Record<string, unknown>, order: number): ManifestObject => ({ obj, source: { file: "x", line: undefined, order }, locate: () => undefined });
  const out = overlay([m(pool("a", "192.0.2.1", "192.0.2.1"), 0), m(pool("b", "192.0.2.2", "192.0.2.2"), 1)], [m(pool("a", "192.0.2.9", "192.0.2.9"), 0), m(svc("s"), 1)]);
  assert.deepEqual(out.map((o) => [(o.obj["metadata"] as { name: string }).name, o.source.order]), [["a", 0], ["b", 1], ["s", 2]]);
  assert.equal(((out[0]!.obj["spec"] as { blocks: { start: string }[] }).blocks[0]!.start), "192.0.2.9");
});

test("--cluster with an unreachable server: one line, exit 1", async () => {
  const r = await runCli(["pool", "list", "--cluster", "--kubeconfig", srv.kubeconfigPath({ server: "https://127.0.0.1:1" })]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: cannot reach the API server/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

test("neither -f nor --cluster is a usage error", async () => {
  const r = await runCli(["pool", "alloc"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /-f\/--filename or --cluster is required/);
});
