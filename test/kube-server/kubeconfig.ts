// Writes kubeconfig files pointing at the test server (JSON, which is valid YAML), with the
// credential and trust variants tests need: client cert, bearer token, wrong CA, no CA.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestPki } from "./certs.ts";

export interface KubeconfigOptions {
  /** Default "cert" (CN=admin client certificate). */
  auth?: "cert" | "token" | "none";
  token?: string;
  /** Which CA the kubeconfig trusts: the server's (default), an unrelated one, or none. */
  ca?: "right" | "other" | "none";
  /** Override the server URL (e.g. an unreachable port). */
  server?: string;
  contextName?: string;
  clusterName?: string;
  userName?: string;
  /** Default namespace of the context. */
  namespace?: string;
  /** Where to write; a fresh temp directory otherwise. */
  path?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString("base64");

export function kubeconfigObject(url: string, pki: TestPki, o: KubeconfigOptions = {}): Record<string, unknown> {
  const ctx = o.contextName ?? "test";
  const cluster = o.clusterName ?? "test-cluster";
  const userName = o.userName ?? "test-user";
  const ca = o.ca ?? "right";
  const auth = o.auth ?? "cert";
  const user: Record<string, unknown> = {};
  if (auth === "cert") {
    user["client-certificate-data"] = b64(pki.clientCertPem);
    user["client-key-data"] = b64(pki.clientKeyPem);
  } else if (auth === "token") user["token"] = o.token ?? "";
  return {
    apiVersion: "v1",
    kind: "Config",
    "current-context": ctx,
    clusters: [
      {
        name: cluster,
        cluster: {
          server: o.server ?? url,
          ...(ca === "none" ? {} : { "certificate-authority-data": b64(ca === "right" ? pki.caPem : pki.otherCaPem) }),
        },
      },
    ],
    users: [{ name: userName, user }],
    contexts: [{ name: ctx, context: { cluster, user: userName, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
  };
}

export function writeKubeconfig(url: string, pki: TestPki, o: KubeconfigOptions = {}): string {
  const path = o.path ?? join(mkdtempSync(join(tmpdir(), "lbctl-kc-")), "config");
  writeFileSync(path, JSON.stringify(kubeconfigObject(url, pki, o), null, 2), { mode: 0o600 });
  return path;
}
