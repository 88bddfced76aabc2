// The Cilium agent's configuration as far as it changes what `service list` and `l2 status`
// show: the `kube-system/cilium-config` ConfigMap's keys, decoded with the agent's defaults,
// overridden by `--config key=value`. Pure: the caller supplies the ConfigMap data (or none).
//
// Sources, in the order they win: `--config` flag > cilium-config > the agent's default. With
// no cilium-config at all (a dump without it, a cluster without Cilium, or the ConfigMap not
// readable) lbctl assumes a fully featured agent ("assumed"), so plain dumps keep showing every
// frontend kind; the agent's own defaults apply only to keys a cilium-config that exists leaves
// out (the agent starts from its defaults too).

export const CILIUM_CONFIG_NAMESPACE = "kube-system";
export const CILIUM_CONFIG_NAME = "cilium-config";

export type SettingSource = "flag" | "cilium-config" | "default" | "assumed";

export interface AgentSettings {
  /** kube-proxy-replacement: the agent handles NodePort, LoadBalancer, ExternalIPs and HostPort itself. */
  readonly kubeProxyReplacement: boolean;
  /** NodePort frontends (enable-node-port; defaults to kube-proxy-replacement). */
  readonly nodePort: boolean;
  /** LoadBalancer frontends exist whenever NodePort does (the agent ties them together). */
  readonly externalIPs: boolean;
  readonly hostPort: boolean;
  readonly healthCheckNodePort: boolean;
  /** enable-health-check-loadbalancer-ip: the healthCheckNodePort also as a frontend on each LoadBalancer IP. */
  readonly healthCheckLoadBalancerIP: boolean;
  readonly serviceTopology: boolean;
  readonly l2Announcements: boolean;
  readonly externalClusterIP: boolean;
  readonly ipv4: boolean;
  readonly ipv6: boolean;
}

export type SettingKey = keyof AgentSettings;

export interface SettingInfo {
  readonly key: string; // the cilium-config key
  readonly field: SettingKey;
  readonly value: boolean;
  readonly source: SettingSource;
  /** The text the value came from (ConfigMap or flag), when there was one. */
  readonly raw?: string | undefined;
}

export interface ResolvedConfig {
  readonly settings: AgentSettings;
  /** One line per setting, in table order, for --show-config. */
  readonly info: readonly SettingInfo[];
  readonly warnings: readonly string[];
  /** Where the ConfigMap came from ("cluster", a file name) or undefined when none was found. */
  readonly origin: string | undefined;
}

interface Def {
  readonly key: string;
  readonly field: SettingKey;
  /** The agent's default, given the settings decided before (kube-proxy-replacement first). */
  readonly agentDefault: (s: Partial<AgentSettings>) => boolean;
  /** lbctl's assumption without any cilium-config. */
  readonly assumed: boolean;
  readonly what: string;
}

const kpr = (s: Partial<AgentSettings>): boolean => s.kubeProxyReplacement === true;

/** Every setting lbctl honours, in the order --show-config lists them. */
export const SETTING_DEFS: readonly Def[] = [
  { key: "kube-proxy-replacement", field: "kubeProxyReplacement", agentDefault: () => false, assumed: true, what: "the agent replaces kube-proxy" },
  { key: "enable-node-port", field: "nodePort", agentDefault: kpr, assumed: true, what: "NodePort and LoadBalancer frontends" },
  { key: "enable-external-ips", field: "externalIPs", agentDefault: kpr, assumed: true, what: "ExternalIPs frontends" },
  { key: "enable-host-port", field: "hostPort", agentDefault: kpr, assumed: true, what: "HostPort frontends from Pods" },
  { key: "enable-health-check-nodeport", field: "healthCheckNodePort", agentDefault: () => true, assumed: true, what: "healthCheckNodePort served (shown in -o json flags)" },
  { key: "enable-health-check-loadbalancer-ip", field: "healthCheckLoadBalancerIP", agentDefault: () => false, assumed: false, what: "healthCheckNodePort frontends on LoadBalancer IPs" },
  { key: "enable-service-topology", field: "serviceTopology", agentDefault: () => false, assumed: true, what: "topology-aware backends with --node" },
  { key: "enable-l2-announcements", field: "l2Announcements", agentDefault: () => false, assumed: true, what: "L2 announcements (l2 status)" },
  { key: "bpf-lb-external-clusterip", field: "externalClusterIP", agentDefault: () => false, assumed: false, what: "ClusterIPs reachable from outside the cluster" },
  { key: "enable-ipv4", field: "ipv4", agentDefault: () => true, assumed: true, what: "IPv4 frontends and backends" },
  { key: "enable-ipv6", field: "ipv6", agentDefault: () => false, assumed: true, what: "IPv6 frontends and backends" },
];

/** The settings when nothing is known: every frontend kind on (what lbctl showed before it read cilium-config). */
export const ASSUMED_SETTINGS: AgentSettings = Object.fromEntries(SETTING_DEFS.map((d) => [d.field, d.assumed])) as unknown as AgentSettings;

/**
 * A boolean as the agent's flag parser reads it (Go strconv.ParseBool), plus the values
 * kube-proxy-replacement had before Cilium 1.14 (strict → true; partial, probe, disabled → false).
 */
export function parseSettingValue(key: string, raw: string): boolean | undefined {
  const v = raw.trim();
  if (["1", "t", "T", "true", "TRUE", "True"].includes(v)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(v)) return false;
  if (key === "kube-proxy-replacement") {
    if (v === "strict") return true;
    if (v === "partial" || v === "probe" || v === "disabled") return false;
  }
  return undefined;
}

export const SETTING_KEYS: readonly string[] = SETTING_DEFS.map((d) => d.key);

/**
 * Resolves every setting. `data` is the ConfigMap's `data` (undefined: no cilium-config found);
 * `overrides` the `--config key=value` pairs, already checked by {@link parseOverride}.
 */
export function resolveAgentConfig(data: Readonly<Record<string, unknown>> | undefined, overrides: ReadonlyMap<string, boolean> = new Map(), origin?: string): ResolvedConfig {
  const warnings: string[] = [];
  const partial: Partial<Record<SettingKey, boolean>> = {};
  const info: SettingInfo[] = [];
  for (const d of SETTING_DEFS) {
    const fallback = data === undefined ? d.assumed : d.agentDefault(partial);
    const fallbackSource: SettingSource = data === undefined ? "assumed" : "default";
    let value = fallback;
    let source: SettingSource = fallbackSource;
    let raw: string | undefined;
    const fromMap = data?.[d.key];
    if (fromMap !== undefined) {
      const text = typeof fromMap === "string" ? fromMap : JSON.stringify(fromMap);
      const parsed = typeof fromMap === "string" ? parseSettingValue(d.key, fromMap) : typeof fromMap === "boolean" ? fromMap : undefined;
      if (parsed === undefined) warnings.push(`cilium-config: ${d.key}: "${text}" is not a boolean; using the agent's default ${String(fallback)}`);
      else {
        value = parsed;
        source = "cilium-config";
        raw = text;
      }
    }
    const o = overrides.get(d.key);
    if (o !== undefined) {
      value = o;
      source = "flag";
      raw = String(o);
    }
    partial[d.field] = value;
    info.push({ key: d.key, field: d.field, value, source, raw });
  }
  return { settings: partial as AgentSettings, info, warnings, origin };
}

/** `key=value` of `--config`; an error message naming the flag and value, or the pair. */
export function parseOverride(text: string): { key: string; value: boolean } | { error: string } {
  const eq = text.indexOf("=");
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (eq < 0) return { error: `--config: "${text}" is not key=value` };
  if (!SETTING_KEYS.includes(key)) return { error: `--config: unknown setting "${key}" (known: ${SETTING_KEYS.join(", ")})` };
  const value = parseSettingValue(key, text.slice(eq + 1));
  if (value === undefined) return { error: `--config: ${key}: "${text.slice(eq + 1)}" is not true or false` };
  return { key, value };
}

/** Lines of `--show-config`: setting, value, source (and the ConfigMap's text when it differs). */
export function configRows(c: ResolvedConfig): string[][] {
  const where = (i: SettingInfo): string =>
    i.source === "cilium-config" ? `cilium-config (${c.origin ?? "?"})` : i.source === "flag" ? "--config" : i.source === "default" ? "agent default (key absent)" : "assumed (no cilium-config found)";
  return c.info.map((i) => [i.key, String(i.value), where(i)]);
}
