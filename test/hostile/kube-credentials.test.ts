// Broken credentials as users have them: exec plugins that are missing, fail, print garbage or
// never return; kubectl's tokenFile (present and missing); empty and wrong-shaped kubeconfigs.
// Each is one line naming the kubeconfig, the user and the culprit; a hanging plugin is cut off
// at --request-timeout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { runCli, spawnCli, type CliResult } from "../helpers/cli.ts";
import { assertOneLine } from "./one-line.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-cred-"));

/** A plain-HTTP API server that records the Authorization header of each request. */
async function apiServer(): Promise<{ url: string; server: Server; auth: string[] }> {
  const auth: string[] = [];
  const server = createServer((req, res) => {
    auth.push(String(req.headers.authorization ?? ""));
    const kind = (req.url ?? "").includes("endpointslices") ? "EndpointSliceList" : (req.url ?? "").includes("nodes") ? "NodeList" : "ServiceList";
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ kind, apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, auth };
}

function kubeconfig(name: string, server: string, user: Record<string, unknown>): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, JSON.stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "k", cluster: { server } }],
    contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
    users: [{ name: "u", user }],
  }));
  return file;
}

function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

const exec = (command: string): Record<string, unknown> => ({ exec: { apiVersion: "client.authentication.k8s.io/v1", command, interactiveMode: "Never" } });

const oneLine = (r: CliResult, want: RegExp, kc: string): string => assertOneLine(r, want, { names: kc });

test("exec plugin: a working plugin's token is sent", async () => {
  const s = await apiServer();
  try {
    const plugin = script("good-plugin", `echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok-from-plugin"}}'`);
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kubeconfig("exec-good", s.url, exec(plugin))]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(s.auth.length > 0 && s.auth.every((a) => a === "Bearer tok-from-plugin"), s.auth.join(" "));
  } finally {
    s.server.close();
  }
});

const plugins: [string, () => string, RegExp][] = [
  ["missing", () => "lbctl-no-such-plugin-xyz", /user "u": exec plugin "lbctl-no-such-plugin-xyz" not found \(is it installed and on PATH\?\)/],
  ["failing", () => script("fail-plugin", "echo 'error: token expired, run aws sso login' >&2\necho 'second line' >&2\nexit 1"), /exec plugin ".*fail-plugin" failed: error: token expired, run aws sso login$/],
  ["failing silently", () => script("mute-plugin", "exit 3"), /exec plugin ".*mute-plugin" failed with no message$/],
  ["printing non-JSON", () => script("text-plugin", "echo 'Please open https://login.example in a browser'"), /exec plugin ".*text-plugin" did not print an ExecCredential \(its output is not JSON\)/],
  ["printing JSON without a status", () => script("nostatus-plugin", `echo '{"kind":"ExecCredential"}'`), /exec plugin ".*nostatus-plugin" printed JSON that is not an ExecCredential with a status/],
];

for (const [name, make, want] of plugins) {
  test(`exec plugin ${name} → one line naming the plugin`, async () => {
    const s = await apiServer();
    try {
      const kc = kubeconfig(`exec-${name.replace(/\W+/g, "-")}`, s.url, exec(make()));
      const r = await runCli(["service", "list", "-A", "--kubeconfig", kc, "--request-timeout", "5s"]);
      oneLine(r, want, kc);
      assert.equal(s.auth.length, 0, "no request without credentials");
    } finally {
      s.server.close();
    }
  });
}

test("exec plugin that never returns is cut off at --request-timeout and lbctl exits", async () => {
  const s = await apiServer();
  try {
    const kc = kubeconfig("exec-hang", s.url, exec(script("hang-plugin", "sleep 30")));
    const started = Date.now();
    const r = await spawnCli(["service", "list", "-A", "--kubeconfig", kc, "--request-timeout", "1s"], { timeoutMs: 20_000 });
    const ms = Date.now() - started;
    oneLine(r, /exec plugin ".*hang-plugin" did not finish within 1s \(raise --request-timeout\)/, kc);
    assert.ok(ms < 8000, `exited after ${ms} ms`);
  } finally {
    s.server.close();
  }
});

test("tokenFile: the token is read (trimmed) and sent", async () => {
  const s = await apiServer();
  try {
    const tf = join(dir, "token");
    writeFileSync(tf, "tok-from-file\n");
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kubeconfig("tokenfile", s.url, { tokenFile: tf })]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(s.auth.length > 0 && s.auth.every((a) => a === "Bearer tok-from-file"), s.auth.join(" "));
  } finally {
    s.server.close();
  }
});

test("tokenFile that is missing is named, not dropped", async () => {
  const s = await apiServer();
  try {
    const kc = kubeconfig("tokenfile-missing", s.url, { tokenFile: "/nonexistent/lbctl-token" });
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kc]);
    oneLine(r, /user "u": tokenFile \/nonexistent\/lbctl-token: no such file/, kc);
    assert.equal(s.auth.length, 0);
  } finally {
    s.server.close();
  }
});

const files: [string, string, RegExp][] = [
  ["empty", "", /kubeconfig .*: empty file \(no clusters, contexts or users\)/],
  ["only a comment", "# nothing here\n", /: empty file/],
  ["a YAML list", "- a\n- b\n", /: not a kubeconfig \(a YAML mapping with clusters, contexts and users\)/],
  ["clusters as a mapping", "clusters: {a: 1}\n", /: "clusters" is not a list/],
  ["not YAML", "clusters: [\n", /: cannot parse: /],
];

for (const [name, text, want] of files) {
  test(`kubeconfig ${name} → one line`, async () => {
    const kc = join(dir, `file-${name.replace(/\W+/g, "-")}.yaml`);
    writeFileSync(kc, text);
    const r = await runCli(["service", "list", "-A", "--kubeconfig", kc]);
    oneLine(r, want, kc);
  });
}

test("in-cluster service account without ca.crt → one line naming the file", async () => {
  const sa = mkdtempSync(join(tmpdir(), "lbt-sa-"));
  writeFileSync(join(sa, "token"), "tok\n");
  const r = await runCli(["service", "list", "-A"], {
    env: { HOME: "/nonexistent", KUBERNETES_SERVICE_HOST: "127.0.0.1", KUBERNETES_SERVICE_PORT: "1", LBCTL_SERVICEACCOUNT_DIR: sa },
  });
  assertOneLine(r, /^error: in-cluster service account: cannot use the credentials of user "service-account" for https:\/\/127\.0\.0\.1:1: .*\/ca\.crt: no such file$/);
});
