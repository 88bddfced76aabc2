// Kubeconfig loading with kubectl's precedence: --kubeconfig, then $KUBECONFIG (several files,
// first one wins for duplicate names and current-context), then ~/.kube/config, then the
// in-cluster service account. Unlike client-node's loadFromDefault it never falls back to
// http://localhost:8080: no configuration is an error that says where it looked.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
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
  /** The user's kubectl `tokenFile`, absolute, read per request. */
  readonly tokenFile: string | undefined;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function loadFile(file: string): KubeConfig {
  if (!existsSync(file)) throw new LbctlError(`kubeconfig ${file}: no such file`, { code: "E_KUBECONFIG" });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LbctlError(`kubeconfig ${file}: cannot read: ${code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (code ?? String(err))}`, { code: "E_KUBECONFIG" });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).split("\n")[0];
    throw new LbctlError(`kubeconfig ${file}: cannot parse: ${msg}`, { code: "E_KUBECONFIG" });
  }
  // kubectl: "no configuration has been provided" for an empty file.
  if (raw === null || raw === undefined) throw new LbctlError(`kubeconfig ${file}: empty file (no clusters, contexts or users)`, { code: "E_KUBECONFIG" });
  if (typeof raw !== "object" || Array.isArray(raw)) throw new LbctlError(`kubeconfig ${file}: not a kubeconfig (a YAML mapping with clusters, contexts and users)`, { code: "E_KUBECONFIG" });
  for (const key of ["clusters", "contexts", "users"]) {
    const v = (raw as Record<string, unknown>)[key];
    if (v !== undefined && v !== null && !Array.isArray(v)) throw new LbctlError(`kubeconfig ${file}: "${key}" is not a list`, { code: "E_KUBECONFIG" });
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
    kc.makePathsAbsolute(dirname(file));
  } catch (err) {
    const msg = ((err as Error).message ?? String(err)).split("\n")[0];
    throw new LbctlError(`kubeconfig ${file}: cannot parse: ${msg}`, { code: "E_KUBECONFIG" });
  }
  // client-node knows only "token-file"; kubectl's field is "tokenFile". Carry it on the user so
  // the transport reads it per request, and a missing file is named instead of ignored.
  const tokenFiles = new Map<string, string>();
  for (const u of ((raw as { users?: unknown }).users ?? []) as unknown[]) {
    const entry = u as { name?: unknown; user?: { tokenFile?: unknown } } | null;
    const tf = entry?.user?.tokenFile;
    if (typeof entry?.name === "string" && typeof tf === "string" && tf !== "") tokenFiles.set(entry.name, isAbsolute(tf) ? tf : resolve(dirname(file), tf));
  }
  if (tokenFiles.size > 0) kc.users = kc.users.map((u) => (tokenFiles.has(u.name) && !u.token ? ({ ...u, tokenFile: tokenFiles.get(u.name) } as typeof u) : u));
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

/** The context names of the configuration kubectl's precedence picks (for `--context` completion). */
export function kubeContextNames(o: Omit<KubeConfigOptions, "context">): string[] {
  return findConfig(o).kc.contexts.map((c) => c.name);
}

/** --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config, else the pod's service account. */
function findConfig(o: Omit<KubeConfigOptions, "context">): { kc: KubeConfig; origin: string } {
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
  return { kc, origin };
}

export function loadKubeConfig(o: KubeConfigOptions): LoadedConfig {
  const { kc, origin } = findConfig(o);
  const names = kc.contexts.map((c) => c.name);
  // kubectl: an empty --context means the current one.
  const ctxName = o.context || kc.currentContext;
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
  const user = ctx.user ? kc.getUser(ctx.user) : null;
  const tokenFile = (user as { tokenFile?: string } | null)?.tokenFile;
  return { kc, context: ctxName, server: cluster.server.replace(/\/+$/, ""), user: ctx.user ?? "", namespace: ctx.namespace || "default", origin, tokenFile };
}

