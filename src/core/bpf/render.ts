// How Cilium prints its LB map entries: the flag string (spec §3.7), `cilium-dbg bpf lb list`
// cells (§7) and the canonical `lb/maps-dump` lines (§6.2). Pure functions over decoded entries.
import { compareIp, compareIpText, parseIp, type Family, type Ip } from "../ip.ts";
import type { AffinityMatch, Backend, MaglevEntry, RevNat, ServiceKey, ServiceValue, SourceRange } from "./decode.ts";

export const SVC_FLAG = {
  EXTERNAL_IP: 0x0001,
  NODEPORT: 0x0002,
  EXT_LOCAL_SCOPE: 0x0004,
  HOSTPORT: 0x0008,
  AFFINITY: 0x0010,
  LOADBALANCER: 0x0020,
  ROUTABLE: 0x0040,
  SOURCE_RANGE: 0x0080,
  LOCALREDIRECT: 0x0100,
  NAT_46X64: 0x0200,
  L7_LOADBALANCER: 0x0400,
  LOOPBACK: 0x0800,
  INT_LOCAL_SCOPE: 0x1000,
  TWO_SCOPES: 0x2000,
  QUARANTINED: 0x4000,
  FWD_MODE_DSR: 0x8000,
} as const;

export const BACKEND_STATES = ["active", "terminating", "quarantined", "maintenance"] as const;

/** Go's BackendState name; unknown values read as active, as Cilium does. */
export function backendStateName(state: number): string {
  return BACKEND_STATES[state] ?? "active";
}

export function protoName(proto: number): string {
  return proto === 6 ? "TCP" : proto === 17 ? "UDP" : proto === 132 ? "SCTP" : "ANY";
}

export const LB_ALGORITHMS = ["undef", "random", "maglev"] as const;

/** The service type word: the first match among ExternalIPs, NodePort, LoadBalancer, HostPort, LocalRedirect. */
export function serviceType(flags: number): string {
  if (flags & SVC_FLAG.EXTERNAL_IP) return "ExternalIPs";
  if (flags & SVC_FLAG.NODEPORT) return "NodePort";
  if (flags & SVC_FLAG.LOADBALANCER) return "LoadBalancer";
  if (flags & SVC_FLAG.HOSTPORT) return "HostPort";
  if (flags & SVC_FLAG.LOCALREDIRECT) return "LocalRedirect";
  return "ClusterIP";
}

/**
 * The words of the 16-bit flag word, in Cilium's order. Bit 14 is `deny` when it follows
 * `check source-range` and `quarantined` otherwise; bit 11 is `loopback` on HostPort entries and
 * `delegate-if-local` on the others.
 */
export function flagWords(flags: number): string[] {
  const w = [serviceType(flags)];
  if (flags & SVC_FLAG.EXT_LOCAL_SCOPE) w.push("Local");
  if (flags & SVC_FLAG.INT_LOCAL_SCOPE) w.push("InternalLocal");
  if (flags & SVC_FLAG.TWO_SCOPES) w.push("two-scopes");
  if (flags & SVC_FLAG.AFFINITY) w.push("sessionAffinity");
  if (!(flags & SVC_FLAG.ROUTABLE)) w.push("non-routable");
  const srcRange = (flags & SVC_FLAG.SOURCE_RANGE) !== 0;
  if (srcRange) w.push("check source-range");
  if (srcRange && flags & SVC_FLAG.QUARANTINED) w.push("deny");
  if (flags & SVC_FLAG.NAT_46X64) w.push("46x64");
  if (flags & SVC_FLAG.L7_LOADBALANCER) w.push("l7-load-balancer");
  if (flags & SVC_FLAG.LOOPBACK) w.push(flags & SVC_FLAG.HOSTPORT ? "loopback" : "delegate-if-local");
  if (!srcRange && flags & SVC_FLAG.QUARANTINED) w.push("quarantined");
  if (flags & SVC_FLAG.FWD_MODE_DSR) w.push("dsr");
  return w;
}

export function hostPort(address: string, family: Family, port: number): string {
  return family === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `ip:port/PROTO[/i]` of a services-map key (without the slot). */
export function frontendAddr(k: ServiceKey): string {
  return `${hostPort(k.address, k.family, k.port)}/${protoName(k.proto)}${k.scope === 1 ? "/i" : ""}`;
}

/** The master's L7 proxy port: stored htons()-ed in the u32 union. */
export function l7ProxyPort(union: number): number {
  return ((union & 0xff) << 8) | ((union >>> 8) & 0xff);
}

export interface ServiceEntry {
  key: ServiceKey;
  value: ServiceValue;
}

/**
 * Entries in frontend order — family, address (numeric), port, protocol, scope, slot — with each
 * address parsed once: parsing in the comparator meant two parses per comparison, ~2 million for
 * a full map of 65,536 entries.
 */
export function sortedByKey<T extends { key: ServiceKey }>(entries: readonly T[]): T[] {
  const parsed = new Map<string, Ip | undefined>();
  const ipOf = (address: string): Ip | undefined => {
    let ip = parsed.get(address);
    if (ip === undefined && !parsed.has(address)) parsed.set(address, (ip = parseIp(address)));
    return ip;
  };
  const decorated = entries.map((e) => ({ e, ip: ipOf(e.key.address) }));
  decorated.sort((x, y) => {
    const a = x.e.key;
    const b = y.e.key;
    const byIp = x.ip && y.ip ? compareIp(x.ip, y.ip) : compareIpText(a.address, b.address);
    return a.family - b.family || byIp || a.port - b.port || a.proto - b.proto || a.scope - b.scope || a.slot - b.slot;
  });
  return decorated.map((d) => d.e);
}

function backendAddr(b: Backend): string {
  const ip = b.clusterId !== 0 ? `${b.address}@${b.clusterId}` : b.address;
  return b.family === 6 ? `[${ip}]:${b.port}` : `${ip}:${b.port}`;
}

/** Rows of `cilium-dbg bpf lb list` (default view): one per services-map key. */
export function lbListRows(services: readonly ServiceEntry[], backends: ReadonlyMap<number, Backend>): [string, string][] {
  return sortedByKey(services).map(({ key, value }) => {
    const col1 = `${frontendAddr(key)} (${key.slot})`;
    if (key.slot === 0) {
      const any = key.family === 6 ? "[::]:0" : "0.0.0.0:0";
      const extra = value.flags & SVC_FLAG.L7_LOADBALANCER ? `(L7LB Proxy Port: ${l7ProxyPort(value.union)})` : "";
      return [col1, `${any} (${value.revNat}) (0) [${flagWords(value.flags).join(", ")}] ${extra}`];
    }
    const be = backends.get(value.union);
    return [col1, be ? `${backendAddr(be)}/${protoName(be.proto)} (${value.revNat}) (${key.slot})` : `backend ${value.union} not found`];
  });
}

/** `--frontends`: the raw value string. */
export function lbFrontendRows(services: readonly ServiceEntry[]): [string, string][] {
  return sortedByKey(services).map(({ key, value }) => {
    const id = key.slot === 0 && value.flags & SVC_FLAG.L7_LOADBALANCER ? l7ProxyPort(value.union) : value.union;
    return [`${frontendAddr(key)} (${key.slot})`, `${id} ${value.count}[${value.qcount}] (${value.revNat}) [0x${(value.flags & 0xff).toString(16)} 0x${(value.flags >>> 8).toString(16)}]`];
  });
}

/** `--backends`: `PROTO://ip[@cluster]` plus `[zone]`; no port, no state (as cilium-dbg). */
export function lbBackendRows(backends: readonly Backend[]): [string, string][] {
  return [...backends]
    .sort((a, b) => a.id - b.id)
    .map((b) => {
      const ip = b.clusterId !== 0 ? `${b.address}@${b.clusterId}` : b.address;
      return [String(b.id), `${protoName(b.proto)}://${ip}${b.zone !== 0 ? ` [${b.zone}]` : ""}`];
    });
}

/** `--revnat`: ID → ip:port. */
export function lbRevNatRows(revnat: readonly RevNat[]): [string, string][] {
  return [...revnat].sort((a, b) => a.family - b.family || a.id - b.id).map((r) => [String(r.id), hostPort(r.address, r.family, r.port)]);
}

export interface LbMaps {
  services: readonly ServiceEntry[];
  backends: readonly Backend[];
  revnat: readonly RevNat[];
  /** undefined: the map is not pinned on this node. */
  affinity?: readonly AffinityMatch[];
  sourceRanges?: readonly SourceRange[];
  /** undefined: neither Maglev map is pinned (the algorithm is random, or an older agent). */
  maglev?: readonly MaglevEntry[];
}

/** `MAGLEV: ID=5 INNER=[1(511), 2(510)]`; undefined when the entry's inner map could not be read. */
export function maglevLine(m: MaglevEntry): string | undefined {
  return m.histogram === undefined ? undefined : `MAGLEV: ID=${m.revNat} INNER=[${m.histogram.map((h) => `${h.backendId}(${h.count})`).join(", ")}]`;
}

/** The lines of Cilium's `lb/maps-dump`: one per raw entry, sorted as plain strings. The reference for dump.ts, which `bpf lb dump` uses. */
export function mapsDumpLines(m: LbMaps): string[] {
  const out: string[] = [];
  const flagText = new Map<number, string>();
  const flagsOf = (f: number): string => {
    let t = flagText.get(f);
    if (t === undefined) flagText.set(f, (t = flagWords(f).join("+")));
    return t;
  };
  for (const { key, value } of m.services) {
    const mid =
      key.slot === 0
        ? value.flags & SVC_FLAG.L7_LOADBALANCER
          ? `L7Proxy=${l7ProxyPort(value.union)}`
          : `LBALG=${LB_ALGORITHMS[value.union >>> 24] ?? "undef"} AFFTimeout=${value.union & 0xffffff}`
        : `BEID=${value.union}`;
    out.push(`SVC: ID=${value.revNat} ADDR=${frontendAddr(key)} SLOT=${key.slot} ${mid} COUNT=${value.count} QCOUNT=${value.qcount} FLAGS=${flagsOf(value.flags)}`);
  }
  for (const b of m.backends) out.push(`BE: ID=${b.id} ADDR=${hostPort(b.address, b.family, b.port)}/${protoName(b.proto)} STATE=${backendStateName(b.state)}`);
  for (const r of m.revnat) out.push(`REV: ID=${r.id} ADDR=${hostPort(r.address, r.family, r.port)}`);
  for (const a of m.affinity ?? []) out.push(`AFF: ID=${a.revNat} BEID=${a.backendId}`);
  for (const s of m.sourceRanges ?? []) out.push(`SRCRANGE: ID=${s.revNat} CIDR=${s.cidr}`);
  for (const g of m.maglev ?? []) {
    const line = maglevLine(g);
    if (line !== undefined) out.push(line);
  }
  return out.sort(); // plain string order (UTF-16 code units = bytes for this ASCII text), as Cilium's sort.Strings
}
