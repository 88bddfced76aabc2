// Fidelity: the real kubectl (when installed) against the test API server: get, apply (create,
// then a client-side apply patch), and get -w bounded by a timeout.
import { test, before, after } from "node:test";
import { missingTools } from "../helpers/tools.ts";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestApiServer, type TestApiServer } from "./server.ts";

const NO_KUBECTL = missingTools(["kubectl"]);
const KUBECTL = NO_KUBECTL === undefined ? "kubectl" : undefined;
let srv: TestApiServer;
let env: NodeJS.ProcessEnv;

before(async () => {
  srv = await startTestApiServer();
  env = { ...process.env, KUBECONFIG: srv.kubeconfigPath(), HOME: mkdtempSync(join(tmpdir(), "lbctl-kubectl-home-")) };
});
after(() => srv.close());

// Async on purpose: the server runs in this process, so a synchronous spawn would deadlock it.
function kubectl(args: string[], timeoutMs = 20_000): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL!, args, { env, timeout: timeoutMs });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const manifest = (tier: string): string => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default, labels: {app: web, tier: ${tier}}}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: {name: pool-a, labels: {tier: ${tier}}}
spec:
  blocks: [{cidr: 192.0.2.0/28}]
`;

test("kubectl apply creates, re-apply patches, get reads back", { skip: NO_KUBECTL ?? false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-apply-"));
  const f = join(dir, "m.yaml");
  writeFileSync(f, manifest("front"));
  let r = await kubectl(["apply", "-f", f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /service\/web created/);
  assert.match(r.out, /ciliumloadbalancerippool.cilium.io\/pool-a created/);
  writeFileSync(f, manifest("back"));
  r = await kubectl(["apply", "-f", f]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /service\/web configured/);
  r = await kubectl(["get", "svc", "web", "-o", "jsonpath={.metadata.labels.tier} {.spec.ports[0].nodePort}"]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^back 3\d{4}$/);
  r = await kubectl(["get", "ippools", "-l", "tier=back", "-o", "name"]);
  assert.equal(r.out.trim(), "ciliumloadbalancerippool.cilium.io/pool-a");
  r = await kubectl(["get", "svc", "nope"]);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /services "nope" not found/);
});

test("kubectl get -w streams changes", { skip: NO_KUBECTL ?? false }, async () => {
  srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: "watched", namespace: "w" }, spec: { ports: [{ port: 1 }] } });
  const child = spawn(KUBECTL!, ["get", "svc", "-n", "w", "-w", "-o", "name"], { env });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const done = new Promise<void>((r) => child.on("close", () => r()));
  const wait = async (re: RegExp): Promise<void> => {
    for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  };
  await wait(/watched/);
  srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: "later", namespace: "w" }, spec: { ports: [{ port: 1 }] } });
  await wait(/later/);
  child.kill("SIGTERM");
  await done;
  assert.match(out, /^service\/watched$/m);
  assert.match(out, /^service\/later$/m);
});
