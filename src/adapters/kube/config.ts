// Kubeconfig loading with kubectl's precedence: --kubeconfig, then $KUBECONFIG (several files,
// first one wins for duplicate names and current-context), then ~/.kube/config, then the
// in-cluster service account. Unlike client-node's loadFromDefault it never falls back to
// http://localhost:8080: no configuration is an error that says where it looked.
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { LbctlError } from "../../errors.ts";

export interface KubeConfigOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface LoadedConfig {
  readonly kc: KubeConfig;
  readonly context: string;
  readonly server: string;
  readonly user: string;
  readonly namespace: string;
  /** Where the configuration came from, for messages. */
  readonly origin: string;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function loadFile(file: string): KubeConfig {
  if (!existsSync(file)) throw new LbctlError(`kubeconfig ${file}: no such file`, { code: "E_KUBECONFIG" });
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).split("\n")[0];
    throw new LbctlError(`kubeconfig ${file}: cannot parse: ${msg}`, { code: "E_KUBECONFIG" });
  }
  return kc;
}

/** kubectl merge rule: the first file that defines a name (or current-context) wins. */
function merge(configs: KubeConfig[]): KubeConfig {
  const out = new KubeConfig();
  out.clusters = [];
  out.users = [];
  out.contexts = [];
  out.currentContext = "";
  for (const kc of configs) {
    if (!out.currentContext && kc.currentContext) out.currentContext = kc.currentContext;
    for (const c of kc.clusters ?? []) if (!out.clusters.some((x) => x.name === c.name)) out.clusters.push(c);
    for (const u of kc.users ?? []) if (!out.users.some((x) => x.name === u.name)) out.users.push(u);
    for (const c of kc.contexts ?? []) if (!out.contexts.some((x) => x.name === c.name)) out.contexts.push(c);
  }
  return out;
}

function inCluster(env: KubeConfigOptions["env"]): KubeConfig | undefined {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  // LBCTL_SERVICEACCOUNT_DIR exists so tests can fake a pod's mounted service account.
  const dir = env["LBCTL_SERVICEACCOUNT_DIR"] ?? SA_DIR;
  if (!host || !port || !existsSync(join(dir, "token"))) return undefined;
  const kc = new KubeConfig();
  const h = host.includes(":") ? `[${host}]` : host;
  kc.loadFromClusterAndUser(
    { name: "in-cluster", server: `https://${h}:${port}`, caFile: join(dir, "ca.crt"), skipTLSVerify: false },
    { name: "service-account", authProvider: { name: "tokenFile", config: { tokenFile: join(dir, "token") } } },
  );
  kc.contexts = [{ name: "in-cluster", cluster: "in-cluster", user: "service-account" }];
  kc.currentContext = "in-cluster";
  return kc;
}

export function loadKubeConfig(o: KubeConfigOptions): LoadedConfig {
  let kc: KubeConfig | undefined;
  let origin: string;
  const envList = (o.env["KUBECONFIG"] ?? "").split(delimiter).filter((f) => f !== "");
  const home = o.env["HOME"];
  if (o.kubeconfig) {
    kc = loadFile(o.kubeconfig);
    origin = o.kubeconfig;
  } else if (envList.length > 0) {
    const present = envList.filter((f) => existsSync(f));
    if (present.length === 0) throw new LbctlError(`KUBECONFIG names no existing file (${envList.join(delimiter)})`, { code: "E_KUBECONFIG" });
    kc = merge(present.map(loadFile));
    origin = `KUBECONFIG=${envList.join(delimiter)}`;
  } else if (home && existsSync(join(home, ".kube", "config"))) {
    origin = join(home, ".kube", "config");
    kc = loadFile(origin);
  } else {
    kc = inCluster(o.env);
    origin = "in-cluster service account";
    if (!kc) {
      throw new LbctlError(
        "no Kubernetes configuration found: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a pod (lbctl does not fall back to http://localhost:8080)",
        { code: "E_KUBECONFIG" },
      );
    }
  }
  const names = kc.contexts.map((c) => c.name);
  const ctxName = o.context ?? kc.currentContext;
  if (!ctxName) throw new LbctlError(`${origin}: no current-context set and no --context given (contexts: ${names.join(", ") || "none"})`, { code: "E_KUBECONFIG" });
  const ctx = kc.getContextObject(ctxName);
  if (!ctx) {
    throw new LbctlError(`${origin}: context "${ctxName}" not found (contexts: ${names.join(", ") || "none"})`, { code: "E_KUBECONFIG" });
  }
  kc.setCurrentContext(ctxName);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new LbctlError(`${origin}: context "${ctxName}" names cluster "${ctx.cluster}", which is not defined`, { code: "E_KUBECONFIG" });
  if (!cluster.server) throw new LbctlError(`${origin}: cluster "${cluster.name}" has no server URL`, { code: "E_KUBECONFIG" });
  if (ctx.user && !kc.getUser(ctx.user)) throw new LbctlError(`${origin}: context "${ctxName}" names user "${ctx.user}", which is not defined`, { code: "E_KUBECONFIG" });
  let protocol: string;
  try {
    protocol = new URL(cluster.server).protocol;
  } catch {
    protocol = "";
  }
  if (protocol !== "https:" && protocol !== "http:") {
    throw new LbctlError(`${origin}: cluster "${cluster.name}": server "${cluster.server}" is not an http:// or https:// URL`, { code: "E_KUBECONFIG" });
  }
  // A plain-HTTP server (`kubectl proxy`, http://127.0.0.1:8001) is used as kubectl uses it.
  // client-node refuses http: unless insecure-skip-tls-verify is set, a flag that means nothing
  // without TLS; setting it on this cluster only lifts that refusal.
  if (protocol === "http:" && !cluster.skipTLSVerify) kc.clusters = kc.clusters.map((c) => (c.name === cluster.name ? { ...c, skipTLSVerify: true } : c));
  return { kc, context: ctxName, server: cluster.server.replace(/\/+$/, ""), user: ctx.user ?? "", namespace: ctx.namespace || "default", origin };
}

