// Kubeconfigs people really have, and broken ones: each gets a working connection or one line
// naming the kubeconfig, the cluster or user and the value — never an internal error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { runCli } from "../helpers/cli.ts";
import { assertOneLine } from "./one-line.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-kc-"));

function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown> | undefined): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "k", cluster }],
    contexts: [{ name: "c", context: { cluster: "k", ...(user ? { user: "u" } : {}) } }],
    users: user ? [{ name: "u", user }] : [],
  }));
  return file;
}

/** What `kubectl proxy` is to lbctl: plain HTTP on 127.0.0.1, no credentials. */
async function proxy(): Promise<{ url: string; server: Server; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    paths.push(req.url ?? "");
    res.setHeader("Content-Type", "application/json");
    const kind = (req.url ?? "").includes("endpointslices") ? "EndpointSliceList" : (req.url ?? "").includes("nodes") ? "NodeList" : "ServiceList";
    const items = kind === "ServiceList"
      ? [{ metadata: { name: "web", namespace: "default" }, spec: { type: "ClusterIP", clusterIP: "198.51.100.10", clusterIPs: ["198.51.100.10"], ports: [{ port: 80, protocol: "TCP" }] } }]
      : [];
    res.end(JSON.stringify({ kind, apiVersion: "v1", metadata: { resourceVersion: "1" }, items }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, paths };
}

test("a kubectl proxy kubeconfig (http://, no user) works as with kubectl", async () => {
  const p = await proxy();
  try {
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kubeconfig("proxy", { server: p.url }, undefined)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /198\.51\.100\.10:80\/TCP\s+ClusterIP/);
    assert.ok(p.paths.some((x) => x.startsWith("/api/v1/services")), p.paths.join(" "));
  } finally {
    p.server.close();
  }
});

const broken: [string, Record<string, unknown>, Record<string, unknown> | undefined, RegExp][] = [
  ["server not a URL", { server: "not a url" }, { token: "t" }, /cluster "k": server "not a url" is not an http:\/\/ or https:\/\/ URL/],
  ["server with another scheme", { server: "ftp://127.0.0.1:6443" }, { token: "t" }, /server "ftp:\/\/127\.0\.0\.1:6443" is not an http:\/\/ or https:\/\/ URL/],
  ["missing CA file", { server: "https://127.0.0.1:1", "certificate-authority": "/nonexistent/ca.crt" }, { token: "t" }, /cannot use the credentials of user "u" for https:\/\/127\.0\.0\.1:1: \/nonexistent\/ca\.crt: no such file/],
  ["missing client certificate", { server: "https://127.0.0.1:1" }, { "client-certificate": "/nonexistent/c.crt", "client-key": "/nonexistent/c.key" }, /\/nonexistent\/c\.(crt|key): no such file/],
];

for (const [name, cluster, user, want] of broken) {
  test(`kubeconfig: ${name} → one line naming it, exit 1, no internal error`, async () => {
    const kc = kubeconfig(name.replace(/\W+/g, "-"), cluster, user);
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kc, "--request-timeout", "2s"]);
    assertOneLine(r, want, { names: kc });
  });
}
