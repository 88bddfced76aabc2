// Expected frontends (the service map model, core/service/map.ts) versus the LB maps of one node
// (spec cilium-bpf-maps.md §11). Matching is by address/port/protocol/scope for frontends and
// address/port/protocol for backends, never by ID (IDs are node-local). Pure: two reads are
// compared by `persistent()` so that only problems seen in both are reported.
import type { MapEntry } from "../service/map.ts";
import { hostPort, protoName, serviceType, SVC_FLAG, type LbMaps, type ServiceEntry } from "./render.ts";
import type { L2Entry, Backend as MapBackend } from "./decode.ts";
import { canonicalIp } from "../ip.ts";

export type ProblemKind =
  | "missing-frontend"
  | "unexpected-frontend"
  | "backend-mismatch"
  | "missing-slot"
  | "stale-slot"
  | "dangling-backend"
  | "dangling-revnat"
  | "orphan-backend"
  | "flag-mismatch"
  | "source-range-mismatch"
  | "stale-maglev"
  | "stale-l2-entry"
  | "capacity";

export interface Problem {
  kind: ProblemKind;
  /** What it is about: a frontend `ip:port/PROTO[/i]`, a backend ID, a map name. */
  subject: string;
  detail: string;
}

export interface Capacity {
  map: string;
  entries: number;
  maxEntries: number;
}

export interface DiffInput {
  expected: readonly MapEntry[];
  actual: LbMaps;
  capacity?: readonly Capacity[];
  /** Fraction of max_entries at which a map counts as near full (default 0.9). */
  capacityThreshold?: number;
  /** The L2 responder entries, when those maps are pinned. */
  l2?: readonly L2Entry[];
}

const feKey = (ip: string, port: number, proto: string, internal: boolean): string => `${hostPort(ip, ip.includes(":") ? 6 : 4, port)}/${proto}${internal ? "/i" : ""}`;
const beKey = (ip: string, port: number, proto: string): string => `${hostPort(ip, ip.includes(":") ? 6 : 4, port)}/${proto}`;

/** The backends a frontend's active slots should hold: ready ones, else the terminating-serving ones (KEP-1669). */
function expectedActive(e: MapEntry): string[] {
  const active = e.backends.filter((b) => b.state === "active");
  const use = active.length > 0 ? active : e.backends.filter((b) => b.state === "terminating");
  return use.map((b) => beKey(canonicalIp(b.ip) ?? b.ip, b.port, b.protocol.toUpperCase()));
}

const TYPE_FLAG: Readonly<Record<string, string>> = { ClusterIP: "ClusterIP", NodePort: "NodePort", LoadBalancer: "LoadBalancer", ExternalIPs: "ExternalIPs" };

/** Frontends Cilium programs with no Kubernetes Service of their own (spec §11.2). */
function exempt(s: ServiceEntry): boolean {
  const f = s.value.flags;
  if (s.key.port === 0 && s.key.proto === 0) return true; // wildcard (1.19+)
  if (f & (SVC_FLAG.LOCALREDIRECT | SVC_FLAG.L7_LOADBALANCER | SVC_FLAG.HOSTPORT)) return true;
  if (f & SVC_FLAG.NODEPORT && f & SVC_FLAG.ROUTABLE) return true; // per-node-address NodePort copy
  return false;
}

export function diffDatapath(input: DiffInput): Problem[] {
  const { actual } = input;
  const problems: Problem[] = [];
  const backends = new Map<number, MapBackend>(actual.backends.map((b) => [b.id, b]));
  const revnat = new Map(actual.revnat.map((r) => [`${r.family}|${r.id}`, r]));
  const masters = new Map<string, ServiceEntry>();
  const slots = new Map<string, ServiceEntry[]>();
  const referenced = new Set<number>();
  for (const s of actual.services) {
    const k = feKey(s.key.address, s.key.port, protoName(s.key.proto), s.key.scope === 1);
    if (s.key.slot === 0) masters.set(k, s);
    else {
      const list = slots.get(k);
      if (list) list.push(s);
      else slots.set(k, [s]);
      referenced.add(s.value.union);
    }
  }

  // A master whose slots 1..count+qcount are not all present: one problem, which also explains
  // its backend set and the backends left unreferenced (reported once, by its root cause).
  const gaps = new Map<string, number[]>();
  for (const [k, m] of masters) {
    const have = new Set((slots.get(k) ?? []).map((s) => s.key.slot));
    const missing: number[] = [];
    for (let slot = 1; slot <= m.value.count + m.value.qcount; slot++) if (!have.has(slot)) missing.push(slot);
    if (missing.length > 0) gaps.set(k, missing);
  }
  const explained = new Set<string>();
  // Source-range map entries per family and rev-NAT ID; undefined when the maps are not pinned.
  let ranges: Map<string, string[]> | undefined;
  if (actual.sourceRanges) {
    ranges = new Map();
    for (const r of actual.sourceRanges) {
      const id = `${r.family}|${r.revNat}`;
      const list = ranges.get(id);
      if (list) list.push(r.cidr);
      else ranges.set(id, [r.cidr]);
    }
  }

  const expectedKeys = new Set<string>();
  for (const e of input.expected) {
    const ip = canonicalIp(e.ip) ?? e.ip;
    const k = feKey(ip, e.port, e.protocol.toUpperCase(), e.scope === "internal");
    expectedKeys.add(k);
    const m = masters.get(k);
    const who = `${e.service.namespace}/${e.service.name}`;
    if (!m) {
      problems.push({ kind: "missing-frontend", subject: k, detail: `${who} ${e.type} frontend has no services-map entry` });
      continue;
    }
    const type = serviceType(m.value.flags);
    if (TYPE_FLAG[e.type] !== type) problems.push({ kind: "flag-mismatch", subject: k, detail: `${who}: type ${type} in the map, expected ${e.type}` });
    if (e.scope === "external" && e.type !== "ClusterIP") {
      const local = (m.value.flags & SVC_FLAG.EXT_LOCAL_SCOPE) !== 0;
      if (local !== (e.policy === "Local")) problems.push({ kind: "flag-mismatch", subject: k, detail: `${who}: externalTrafficPolicy ${e.policy} but the map entry is ${local ? "" : "not "}Local` });
    }
    problems.push(...attributeProblems(e, m, k, who, ranges));
    const want = new Set(expectedActive(e));
    if (gaps.has(k)) {
      for (const b of want) explained.add(b);
      continue;
    }
    const mine = (slots.get(k) ?? []).filter((s) => s.key.slot <= m.value.count);
    const have = new Set<string>();
    for (const s of mine) {
      const b = backends.get(s.value.union);
      if (b) have.add(beKey(b.address, b.port, protoName(b.proto)));
    }
    const missing = [...want].filter((b) => !have.has(b)).sort();
    const extra = [...have].filter((b) => !want.has(b)).sort();
    if (missing.length > 0 || extra.length > 0) {
      problems.push({ kind: "backend-mismatch", subject: k, detail: `${who}: ${[missing.length > 0 ? `missing ${missing.join(",")}` : "", extra.length > 0 ? `unexpected ${extra.join(",")}` : ""].filter(Boolean).join("; ")}` });
    }
  }

  for (const [k, m] of masters) {
    const f = m.key.family;
    const mySlots = slots.get(k) ?? [];
    const isWildcard = m.key.port === 0 && m.key.proto === 0;
    if (!expectedKeys.has(k) && !exempt(m)) problems.push({ kind: "unexpected-frontend", subject: k, detail: `services-map entry (rev-NAT ${m.value.revNat}, ${serviceType(m.value.flags)}) has no Kubernetes frontend` });
    const gap = gaps.get(k);
    if (gap) problems.push({ kind: "missing-slot", subject: k, detail: `slot${gap.length > 1 ? "s" : ""} ${gap.join(",")} of ${m.value.count + m.value.qcount} missing from the services map` });
    for (const s of mySlots) {
      if (s.key.slot > m.value.count + m.value.qcount) problems.push({ kind: "stale-slot", subject: `${k} slot ${s.key.slot}`, detail: `beyond count ${m.value.count} + qcount ${m.value.qcount}` });
      if (!backends.has(s.value.union)) problems.push({ kind: "dangling-backend", subject: `${k} slot ${s.key.slot}`, detail: `backend ${s.value.union} not found` });
    }
    if (isWildcard) continue;
    const r = revnat.get(`${f}|${m.value.revNat}`);
    if (!r) problems.push({ kind: "dangling-revnat", subject: k, detail: `reverse-NAT ${m.value.revNat} not found` });
    else if (r.address !== m.key.address || r.port !== m.key.port) problems.push({ kind: "dangling-revnat", subject: k, detail: `reverse-NAT ${m.value.revNat} is ${hostPort(r.address, r.family, r.port)}` });
  }
  for (const [k, list] of slots) if (!masters.has(k)) for (const s of list) problems.push({ kind: "stale-slot", subject: `${k} slot ${s.key.slot}`, detail: "slot without a master entry" });

  for (const b of actual.backends) if (!referenced.has(b.id) && !explained.has(beKey(b.address, b.port, protoName(b.proto)))) problems.push({ kind: "orphan-backend", subject: `backend ${b.id}`, detail: `${hostPort(b.address, b.family, b.port)}/${protoName(b.proto)} is referenced by no slot` });

  // A Maglev table whose rev-NAT ID no master carries (spec §11.4).
  if (actual.maglev) {
    const ids = new Set([...masters.values()].map((m) => `${m.key.family}|${m.value.revNat}`));
    for (const g of actual.maglev) if (!ids.has(`${g.family}|${g.revNat}`)) problems.push({ kind: "stale-maglev", subject: `Maglev rev-NAT ${g.revNat} (IPv${g.family})`, detail: `lookup table (inner map ${g.innerId}) without a services-map master` });
  }

  // An L2 responder entry for an address no LoadBalancer or ExternalIPs frontend of this node has:
  // the datapath answers ARP/NDP for an address Kubernetes no longer gives out (a second answerer
  // once the address is reused). Whether this node should hold an announced address at all is the
  // lease question, which `l2 status --datapath` answers.
  if (input.l2) {
    const announceable = new Set(input.expected.filter((e) => e.type === "LoadBalancer" || e.type === "ExternalIPs").map((e) => canonicalIp(e.ip) ?? e.ip));
    for (const l of input.l2) if (!announceable.has(l.address)) problems.push({ kind: "stale-l2-entry", subject: `${l.address} ifindex ${l.ifindex}`, detail: "L2 responder entry for an address no LoadBalancer or ExternalIPs frontend has" });
  }

  const threshold = input.capacityThreshold ?? 0.9;
  for (const c of input.capacity ?? []) {
    if (c.maxEntries > 0 && c.entries >= c.maxEntries * threshold) problems.push({ kind: "capacity", subject: c.map, detail: `${c.entries} of ${c.maxEntries} entries (${Math.round((100 * c.entries) / c.maxEntries)}%)` });
  }
  return problems;
}

/** Low 24 bits of a master's union: the session-affinity timeout in seconds (spec §3.3). */
const AFFINITY_TIMEOUT_MASK = 0xffffff;

/**
 * Session affinity and source ranges of one frontend against its master entry (spec §11.6): the
 * flag, the timeout, and the CIDRs of the source-range map. The source-range check is judged on
 * LoadBalancer frontends, where every Cilium version applies it; on other types only a check the
 * Service cannot explain (no ranges at all) is reported, since newer agents can apply ranges to
 * every type (`bpf-lb-source-range-all-types`).
 */
function attributeProblems(e: MapEntry, m: ServiceEntry, k: string, who: string, ranges: Map<string, string[]> | undefined): Problem[] {
  const out: Problem[] = [];
  const flags = m.value.flags;
  const affinity = (flags & SVC_FLAG.AFFINITY) !== 0;
  const wantTimeout = e.service.affinityTimeout;
  if (affinity !== (wantTimeout !== undefined)) {
    out.push({ kind: "flag-mismatch", subject: k, detail: `${who}: sessionAffinity ${wantTimeout !== undefined ? "ClientIP" : "None"} but the map entry has ${affinity ? "" : "no "}sessionAffinity` });
  } else if (wantTimeout !== undefined && (m.value.union & AFFINITY_TIMEOUT_MASK) !== wantTimeout) {
    out.push({ kind: "flag-mismatch", subject: k, detail: `${who}: session-affinity timeout ${m.value.union & AFFINITY_TIMEOUT_MASK}s in the map, expected ${wantTimeout}s` });
  }
  const family = e.family;
  const want = (e.service.sourceRanges ?? []).filter((c) => (c.includes(":") ? 6 : 4) === family);
  const checks = (flags & SVC_FLAG.SOURCE_RANGE) !== 0;
  if (e.type === "LoadBalancer" ? checks !== want.length > 0 : checks && (e.service.sourceRanges ?? []).length === 0) {
    out.push({ kind: "flag-mismatch", subject: k, detail: `${who}: loadBalancerSourceRanges ${want.length > 0 ? want.join(",") : "unset"} but the map entry ${checks ? "checks" : "does not check"} source ranges` });
  } else if (checks && ranges) {
    const have = new Set(ranges.get(`${family}|${m.value.revNat}`) ?? []);
    const missing = want.filter((c) => !have.has(c)).sort();
    const wanted = new Set(want);
    const extra = [...have].filter((c) => !wanted.has(c)).sort();
    if (missing.length > 0 || extra.length > 0) {
      out.push({ kind: "source-range-mismatch", subject: k, detail: `${who}: ${[missing.length > 0 ? `missing ${missing.join(",")}` : "", extra.length > 0 ? `unexpected ${extra.join(",")}` : ""].filter(Boolean).join("; ")} in the source-range map (rev-NAT ${m.value.revNat})` });
    }
  }
  return out;
}

export const problemId = (p: Problem): string => `${p.kind}|${p.subject}|${p.detail}`;

/** Problems present in both reads (the agent reconciles asynchronously: spec §11, #48271). */
export function persistent(first: readonly Problem[], second: readonly Problem[]): Problem[] {
  const seen = new Set(first.map(problemId));
  const out: Problem[] = [];
  const done = new Set<string>();
  for (const p of second) {
    const id = problemId(p);
    if (seen.has(id) && !done.has(id)) {
      done.add(id);
      out.push(p);
    }
  }
  return out.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}
