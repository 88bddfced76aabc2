// Faults and bad configuration: every failure is one line that names the cause.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, delimiter } from "node:path";
import { startTestApiServer, type TestApiServer } from "../../kube-server/server.ts";
import { connectKube } from "../../../src/adapters/kube/connect.ts";
import { RESOURCES } from "../../../src/adapters/kube/types.ts";
import { LbctlError } from "../../../src/cli/errors.ts";

let srv: TestApiServer;
before(async () => {
  srv = await startTestApiServer({ tokens: { "good-token": "alice" } });
});
after(() => srv.close());

const oneLine = (e: unknown, re: RegExp): boolean => e instanceof LbctlError && re.test(e.message) && !e.message.includes("\n");
const listSvc = (kubeconfig: string, extra: { requestTimeoutMs?: number; context?: string } = {}) =>
  connectKube({ kubeconfig, env: {}, ...extra }).list(RESOURCES.services, { namespace: "default" });

test("client certificate and bearer token both authenticate; a bad token is 401", async () => {
  await listSvc(srv.kubeconfigPath({ auth: "cert" }));
  await listSvc(srv.kubeconfigPath({ auth: "token", token: "good-token" }));
  await assert.rejects(listSvc(srv.kubeconfigPath({ auth: "token", token: "bad" })), (e) => oneLine(e, /rejected the credentials of user "test-user" \(401 Unauthorized\)/));
  await assert.rejects(listSvc(srv.kubeconfigPath({ auth: "none" })), (e) => oneLine(e, /401/));
});

test("403 names the verb and resource RBAC denied", async () => {
  srv.faults.forbid.push({ verb: "list", resource: "endpointslices" });
  try {
    const kube = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
    await kube.list(RESOURCES.services);
    await assert.rejects(kube.list(RESOURCES.endpointSlices, { namespace: "prod" }), (e) =>
      oneLine(e, /^RBAC denied: cannot list endpointslices.discovery.k8s.io in namespace "prod" \(403 Forbidden: .*User "admin" cannot list/),
    );
  } finally {
    srv.faults.forbid = [];
  }
});

test("TLS failure: the kubeconfig trusts another CA", async () => {
  await assert.rejects(listSvc(srv.kubeconfigPath({ ca: "other" })), (e) => oneLine(e, /^TLS verification of the API server at https:\/\/127\.0\.0\.1:\d+ failed: .*certificate-authority/));
});

test("unreachable server: connection refused", async () => {
  await assert.rejects(listSvc(srv.kubeconfigPath({ server: "https://127.0.0.1:1" })), (e) => oneLine(e, /cannot reach the API server at https:\/\/127\.0\.0\.1:1: connection refused/));
});

test("timeout: --request-timeout bounds a slow server", async () => {
  srv.faults.delayMs = 1000;
  try {
    const t0 = Date.now();
    await assert.rejects(listSvc(srv.kubeconfigPath(), { requestTimeoutMs: 200 }), (e) => oneLine(e, /timed out after 200ms .*list services in namespace "default"/));
    assert.ok(Date.now() - t0 < 900);
  } finally {
    srv.faults.delayMs = 0;
  }
});

test("dropped connection and a stopped-then-restarted server", async () => {
  const kc = srv.kubeconfigPath();
  srv.faults.dropRequests = 1;
  await assert.rejects(listSvc(kc), (e) => oneLine(e, /closed the connection/));
  await srv.stop();
  await assert.rejects(listSvc(kc), (e) => oneLine(e, /connection refused/));
  await srv.restart();
  await listSvc(kc);
});

test("kubeconfig problems: unparsable, missing file, missing context, nothing configured", () => {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-kcbad-"));
  const bad = join(dir, "bad");
  writeFileSync(bad, "clusters: [ {name: x\n");
  assert.throws(() => connectKube({ kubeconfig: bad, env: {} }), (e) => oneLine(e, /^kubeconfig .*bad: cannot parse/));
  assert.throws(() => connectKube({ kubeconfig: join(dir, "nope"), env: {} }), (e) => oneLine(e, /no such file/));
  assert.throws(() => connectKube({ kubeconfig: srv.kubeconfigPath(), context: "prod", env: {} }), (e) => oneLine(e, /context "prod" not found \(contexts: test\)/));
  assert.throws(() => connectKube({ env: { HOME: dir } }), (e) => oneLine(e, /no Kubernetes configuration found.*does not fall back to http:\/\/localhost:8080/));
});

test("KUBECONFIG with several files merges them; --context picks one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-kcmerge-"));
  const a = srv.kubeconfigPath({ path: join(dir, "a"), contextName: "dead", clusterName: "dead", userName: "u1", server: "https://127.0.0.1:1" });
  const b = srv.kubeconfigPath({ path: join(dir, "b"), contextName: "live", clusterName: "live", userName: "u2", namespace: "team" });
  const env = { KUBECONFIG: [a, join(dir, "missing"), b].join(delimiter) };
  // current-context comes from the first file ("dead").
  await assert.rejects(connectKube({ env }).list(RESOURCES.services), (e) => oneLine(e, /connection refused/));
  const kube = connectKube({ env, context: "live" });
  assert.equal(kube.namespace, "team");
  await kube.list(RESOURCES.services);
  // kubectl: an empty --context (an unset variable) means the current context, not "none set".
  await assert.rejects(connectKube({ env, context: "" }).list(RESOURCES.services), (e) => oneLine(e, /connection refused/));
});

test("in-cluster service account: token file and CA from the mounted directory", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-sa-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "token"), "good-token");
  writeFileSync(join(dir, "ca.crt"), srv.caPem);
  const env = { HOME: dir, KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: String(srv.port), LBCTL_SERVICEACCOUNT_DIR: dir };
  const kube = connectKube({ env });
  assert.equal(kube.context, "in-cluster");
  await kube.list(RESOURCES.services);
  assert.equal(srv.requests.at(-1)?.user, "alice");
});

test("exec credential plugin (client.authentication.k8s.io/v1beta1) supplies the token", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lbctl-exec-"));
  const plugin = join(dir, "cred.sh");
  writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"good-token"}}'\n`);
  chmodSync(plugin, 0o755);
  const path = srv.kubeconfigPath({ auth: "none", path: join(dir, "config") });
  const cfg = JSON.parse(readFileSync(path, "utf8")) as { users: { user: Record<string, unknown> }[] };
  cfg.users[0]!.user = { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: plugin, args: [] } };
  writeFileSync(path, JSON.stringify(cfg));
  await listSvc(path);
  assert.equal(srv.requests.at(-1)?.user, "alice");
});

test("a server that requires client certificates answers 401 to a token", async () => {
  const strict = await startTestApiServer({ requireClientCert: true, tokens: { "good-token": "alice" } });
  try {
    await connectKube({ kubeconfig: strict.kubeconfigPath({ auth: "cert" }), env: {} }).list(RESOURCES.services);
    await assert.rejects(connectKube({ kubeconfig: strict.kubeconfigPath({ auth: "token", token: "good-token" }), env: {} }).list(RESOURCES.services), (e) => oneLine(e, /401 Unauthorized/));
  } finally {
    await strict.close();
  }
});
