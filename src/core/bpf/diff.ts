// Expected frontends (the service map model, core/service/map.ts) versus the LB maps of one node
// (spec cilium-bpf-maps.md §11). Matching is by address/port/protocol/scope for frontends and
// address/port/protocol for backends, never by ID (IDs are node-local). Pure: two reads are
// compared by `persistent()` so that only problems seen in both are reported.
import type { MapEntry } from "../service/map.ts";
import { hostPort, protoName, serviceType, SVC_FLAG, type LbMaps, type ServiceEntry } from "./render.ts";
import type { Backend as MapBackend, RevNat } from "./decode.ts";
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
}

const feKey = (ip: string, port: number, proto: string, internal: boolean): string => `${hostPort(ip, ip.includes(":") ? 6 : 4, port)}/${proto}${internal ? "/i" : ""}`;
const beKey = (ip: string, port: number, proto: string): string => `${hostPort(ip, ip.includes(":") ? 6 : 4, port)}/${proto}`;

/**
 * Values by (address text, small number): one map entry per address and a short chain for its
 * ports, not a Map per address (a full node has ~16k frontend and ~30k backend addresses, nearly
 * all with one port).
 */
class AddressTable<T> {
  private readonly byAddr = new Map<string, { sub: number; value: T; next: unknown }>();

  get(address: string, sub: number): T | undefined {
    for (let n = this.byAddr.get(address); n !== undefined; n = n.next as typeof n) if (n.sub === sub) return n.value;
    return undefined;
  }

  set(address: string, sub: number, value: T): void {
    this.byAddr.set(address, { sub, value, next: this.byAddr.get(address) });
  }
}

/**
 * Backend identities (address, port, protocol name) as small integers, so that comparing a
 * frontend's expected and actual backend sets builds no string per backend; the `ip:port/PROTO`
 * text is made only for the problems that name it. Address texts on both sides are canonical
 * (canonicalIp of the model's, formatIp of the map's), so equal texts are equal addresses.
 */
class BackendIds {
  private readonly byAddr = new AddressTable<number>();
  private readonly protos = new Map<string, number>([["ANY", 0], ["TCP", 1], ["UDP", 2], ["SCTP", 3]]);
  private readonly texts: string[] = [];
  private readonly canon = new Map<string, string>();
  private readonly ofMap = new Map<MapBackend, number>();

  private id(address: string, port: number, proto: string): number {
    let p = this.protos.get(proto);
    if (p === undefined) this.protos.set(proto, (p = this.protos.size));
    const sub = p * 0x10000 + port;
    let id = this.byAddr.get(address, sub);
    if (id === undefined) {
      this.byAddr.set(address, sub, (id = this.texts.length));
      this.texts.push(beKey(address, port, proto));
    }
    return id;
  }

  /** canonicalIp, once per distinct text (a backend serves every frontend of its Service). */
  canonical(ip: string): string {
    if (isPlainV4(ip)) return ip;
    let c = this.canon.get(ip);
    if (c === undefined) this.canon.set(ip, (c = canonicalIp(ip) ?? ip));
    return c;
  }

  /** A model backend. */
  expected(ip: string, port: number, protocol: string): number {
    return this.id(this.canonical(ip), port, protocol === "TCP" || protocol === "UDP" || protocol === "SCTP" ? protocol : protocol.toUpperCase());
  }

  /** A backends-map entry (once per entry, however many slots name it). */
  actual(b: MapBackend): number {
    let id = this.ofMap.get(b);
    if (id === undefined) this.ofMap.set(b, (id = this.id(b.address, b.port, protoName(b.proto))));
    return id;
  }

  text(id: number): string {
    return this.texts[id]!;
  }
}

/**
 * Whether `s` is a dotted quad already in canonical form (four decimal parts 0-255 without
 * leading zeros), i.e. canonicalIp(s) === s: the common case, checked without parsing.
 */
export function isPlainV4(s: string): boolean {
  let parts = 0;
  let digits = 0;
  let v = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || v > 255 || ++parts > 4) return false;
      digits = 0;
      v = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && v === 0) return false; // a leading zero
      v = v * 10 + c - 48;
      if (++digits > 3) return false;
    } else return false;
  }
  return parts === 4;
}

/** The backends a frontend's active slots should hold: ready ones, else the terminating-serving ones (KEP-1669). Sorted, unique. */
function expectedActive(e: MapEntry, ids: BackendIds): number[] {
  const want: number[] = [];
  let anyActive = false;
  for (const b of e.backends) if (b.state === "active") anyActive = true;
  const state = anyActive ? "active" : "terminating";
  for (const b of e.backends) if (b.state === state) want.push(ids.expected(b.ip, b.port, b.protocol));
  return sortedUnique(want);
}

/** A small set of identities as a sorted array without repeats (cheaper than a Set per frontend). */
function sortedUnique(xs: number[]): number[] {
  if (xs.length < 2) return xs;
  xs.sort((a, b) => a - b);
  let n = 1;
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[n - 1]) xs[n++] = xs[i]!;
  xs.length = n;
  return xs;
}

/** One frontend of the services map: its master entry (if any) and its slot entries, in map order. */
interface Frontend {
  key: string;
  master?: ServiceEntry;
  slots: ServiceEntry[];
}

/**
 * The services map grouped by frontend. The key text is built once per frontend, not once per
 * entry: the address strings are looked up first, then a number for port, protocol name and scope
 * (the parts of feKey), so a full node's ~100k entries make ~16k strings, not 100k.
 */
function groupFrontends(services: readonly ServiceEntry[]): { masters: Frontend[]; slotted: Frontend[]; byKey: Map<string, Frontend> } {
  const byAddr = new AddressTable<Frontend>();
  const byKey = new Map<string, Frontend>();
  const masters: Frontend[] = [];
  const slotted: Frontend[] = [];
  for (const s of services) {
    const { address, port, proto, scope } = s.key;
    const name = protoName(proto);
    const sub = port * 8 + (name === "TCP" ? 1 : name === "UDP" ? 2 : name === "SCTP" ? 3 : 0) * 2 + (scope === 1 ? 1 : 0);
    let fe = byAddr.get(address, sub);
    if (!fe) {
      const key = feKey(address, port, name, scope === 1);
      fe = byKey.get(key); // the same text from another family's entry cannot happen, but keep one group per text
      if (!fe) byKey.set(key, (fe = { key, slots: [] }));
      byAddr.set(address, sub, fe);
    }
    if (s.key.slot === 0) {
      if (!fe.master) masters.push(fe);
      fe.master = s;
    } else {
      if (fe.slots.length === 0) slotted.push(fe);
      fe.slots.push(s);
    }
  }
  return { masters, slotted, byKey };
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
  const backends = new Map<number, MapBackend>();
  for (const b of actual.backends) backends.set(b.id, b);
  const revnat = new Map<number, RevNat>();
  for (const r of actual.revnat) revnat.set(r.family * 0x10000 + r.id, r);
  const ids = new BackendIds();
  const { masters, slotted, byKey } = groupFrontends(actual.services);
  const referenced = new Set<number>();
  for (const fe of slotted) for (const s of fe.slots) referenced.add(s.value.union);

  // A master whose slots 1..count+qcount are not all present: one problem, which also explains
  // its backend set and the backends left unreferenced (reported once, by its root cause).
  const gaps = new Map<Frontend, number[]>();
  for (const fe of masters) {
    const total = fe.master!.value.count + fe.master!.value.qcount;
    if (total === 0) continue;
    const have = new Uint8Array(total + 1);
    for (const s of fe.slots) if (s.key.slot <= total) have[s.key.slot] = 1;
    const missing: number[] = [];
    for (let slot = 1; slot <= total; slot++) if (!have[slot]) missing.push(slot);
    if (missing.length > 0) gaps.set(fe, missing);
  }
  const explained = new Set<number>();

  const expectedKeys = new Set<string>();
  for (const e of input.expected) {
    const k = feKey(ids.canonical(e.ip), e.port, e.protocol.toUpperCase(), e.scope === "internal");
    expectedKeys.add(k);
    const fe = byKey.get(k);
    const m = fe?.master;
    const who = (): string => `${e.service.namespace}/${e.service.name}`;
    if (!fe || !m) {
      problems.push({ kind: "missing-frontend", subject: k, detail: `${who()} ${e.type} frontend has no services-map entry` });
      continue;
    }
    const type = serviceType(m.value.flags);
    if (TYPE_FLAG[e.type] !== type) problems.push({ kind: "flag-mismatch", subject: k, detail: `${who()}: type ${type} in the map, expected ${e.type}` });
    if (e.scope === "external" && e.type !== "ClusterIP") {
      const local = (m.value.flags & SVC_FLAG.EXT_LOCAL_SCOPE) !== 0;
      if (local !== (e.policy === "Local")) problems.push({ kind: "flag-mismatch", subject: k, detail: `${who()}: externalTrafficPolicy ${e.policy} but the map entry is ${local ? "" : "not "}Local` });
    }
    const want = expectedActive(e, ids);
    if (gaps.has(fe)) {
      for (const b of want) explained.add(b);
      continue;
    }
    const haveIds: number[] = [];
    for (const s of fe.slots) {
      if (s.key.slot > m.value.count) continue;
      const b = backends.get(s.value.union);
      if (b) haveIds.push(ids.actual(b));
    }
    const have = sortedUnique(haveIds);
    if (have.length === want.length && have.every((b, i) => b === want[i])) continue;
    const missing = want.filter((b) => !have.includes(b)).map((b) => ids.text(b)).sort();
    const extra = have.filter((b) => !want.includes(b)).map((b) => ids.text(b)).sort();
    if (missing.length > 0 || extra.length > 0) {
      problems.push({ kind: "backend-mismatch", subject: k, detail: `${who()}: ${[missing.length > 0 ? `missing ${missing.join(",")}` : "", extra.length > 0 ? `unexpected ${extra.join(",")}` : ""].filter(Boolean).join("; ")}` });
    }
  }

  for (const fe of masters) {
    const m = fe.master!;
    const k = fe.key;
    const isWildcard = m.key.port === 0 && m.key.proto === 0;
    if (!expectedKeys.has(k) && !exempt(m)) problems.push({ kind: "unexpected-frontend", subject: k, detail: `services-map entry (rev-NAT ${m.value.revNat}, ${serviceType(m.value.flags)}) has no Kubernetes frontend` });
    const gap = gaps.get(fe);
    if (gap) problems.push({ kind: "missing-slot", subject: k, detail: `slot${gap.length > 1 ? "s" : ""} ${gap.join(",")} of ${m.value.count + m.value.qcount} missing from the services map` });
    for (const s of fe.slots) {
      if (s.key.slot > m.value.count + m.value.qcount) problems.push({ kind: "stale-slot", subject: `${k} slot ${s.key.slot}`, detail: `beyond count ${m.value.count} + qcount ${m.value.qcount}` });
      if (!backends.has(s.value.union)) problems.push({ kind: "dangling-backend", subject: `${k} slot ${s.key.slot}`, detail: `backend ${s.value.union} not found` });
    }
    if (isWildcard) continue;
    const r = revnat.get(m.key.family * 0x10000 + m.value.revNat);
    if (!r) problems.push({ kind: "dangling-revnat", subject: k, detail: `reverse-NAT ${m.value.revNat} not found` });
    else if (r.address !== m.key.address || r.port !== m.key.port) problems.push({ kind: "dangling-revnat", subject: k, detail: `reverse-NAT ${m.value.revNat} is ${hostPort(r.address, r.family, r.port)}` });
  }
  for (const fe of slotted) if (!fe.master) for (const s of fe.slots) problems.push({ kind: "stale-slot", subject: `${fe.key} slot ${s.key.slot}`, detail: "slot without a master entry" });

  for (const b of actual.backends) if (!referenced.has(b.id) && !explained.has(ids.actual(b))) problems.push({ kind: "orphan-backend", subject: `backend ${b.id}`, detail: `${hostPort(b.address, b.family, b.port)}/${protoName(b.proto)} is referenced by no slot` });

  const threshold = input.capacityThreshold ?? 0.9;
  for (const c of input.capacity ?? []) {
    if (c.maxEntries > 0 && c.entries >= c.maxEntries * threshold) problems.push({ kind: "capacity", subject: c.map, detail: `${c.entries} of ${c.maxEntries} entries (${Math.round((100 * c.entries) / c.maxEntries)}%)` });
  }
  return problems;
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
