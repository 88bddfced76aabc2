// Membership election: which live announcer *should* answer each address, computed alike on
// every node from the same inputs (the member Leases and the cluster-wide plan). No Lease per
// address: an owner function over the eligible live members.
//
// The owner function is weighted rendezvous (highest random weight) hashing with bounded loads:
// every (key, member) pair gets a pseudo-random score `-weight / ln(u)` (u uniform in (0,1) from
// a hash of member and key); keys are placed in a fixed pseudo-random order, each on its
// best-scoring eligible member that still has room under a capacity of
// ceil((1 + ε) × keys × weight / total weight). Plain rendezvous moves only the keys the new
// member wins on a join, but its spread at 1,000 keys over 3 members is ≈ ±5 % per node (max/min
// often above 1.1); the capacity bounds the spread and costs a few extra moves on join/leave
// (measured in the property tests and docs/announce.md).
import type { AddressGroup, L2Policy, NodeInfo } from "./policy.ts";
import { compileSelector } from "../selector.ts";

export interface Member {
  /** The node name (holderIdentity of its member Lease). */
  readonly identity: string;
  /** Relative weight (> 0); 1 when the node has no weight label. */
  readonly weight: number;
}

export interface PlacementKey {
  /** The sharing key: every address with the same key goes to one node. */
  readonly key: string;
  /** Members that may answer this key (already filtered: live, policy, interfaces, eTP=Local). */
  readonly eligible: readonly Member[];
}

/** Spread bound: ε = 0.025 gives max/min ≤ 1.085 for equal weights and many keys over 3 nodes. */
export const DEFAULT_BALANCE_EPSILON = 0.025;

const FNV_BASIS = 0x811c9dc5;
const SEED_HI = 0x9e3779b9;
const SEED_LO = 0x7f4a7c15;

/** FNV-1a over the UTF-16 code units, continuing from state h (so a common prefix is hashed once). */
function fnv(h: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** murmur3's finaliser. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units with a seed, then murmur3's finaliser: 32 well-mixed bits. */
export function hash32(text: string, seed: number): number {
  return fmix(fnv((FNV_BASIS ^ seed) >>> 0, text));
}

/** u in (0,1) with 53 bits from two independent 32-bit hashes. */
function unitOf(hi: number, lo: number): number {
  return ((hi >>> 11) * 4294967296 + lo + 0.5) / 9007199254740992; // 21 + 32 bits
}

/** Weighted rendezvous score of a member for a key: higher wins. */
export function score(key: string, m: Member): number {
  if (!(m.weight > 0)) return -Infinity;
  const text = `${m.identity}\u0000${key}`;
  return -m.weight / Math.log(unitOf(hash32(text, SEED_HI), hash32(text, SEED_LO)));
}

/** score() with the member's part of the hash done once: the FNV states after "identity\0". */
interface Scorer {
  readonly m: Member;
  readonly hi: number;
  readonly lo: number;
}

function scorer(m: Member): Scorer {
  const prefix = `${m.identity}\u0000`;
  return { m, hi: fnv((FNV_BASIS ^ SEED_HI) >>> 0, prefix), lo: fnv((FNV_BASIS ^ SEED_LO) >>> 0, prefix) };
}

function scoreWith(s: Scorer, key: string): number {
  return -s.m.weight / Math.log(unitOf(fmix(fnv(s.hi, key)), fmix(fnv(s.lo, key))));
}

/** Eligible members best first (score, then identity for an exact tie). */
export function rank(key: string, members: readonly Member[]): Member[] {
  return members
    .filter((m) => m.weight > 0)
    .map((m) => ({ m, s: score(key, m) }))
    .sort((a, b) => b.s - a.s || (a.m.identity < b.m.identity ? -1 : a.m.identity > b.m.identity ? 1 : 0))
    .map((x) => x.m);
}

/** Plain weighted rendezvous owner (no capacity): the best-ranked eligible member. */
export function rendezvousOwner(key: string, members: readonly Member[]): string | undefined {
  return rank(key, members)[0]?.identity;
}

/**
 * Owners of all keys (bounded-load rendezvous). Deterministic: the result depends only on the
 * set of keys and their eligible members (not on input order). Keys without an eligible member
 * are absent from the result.
 */
export function placeKeys(keys: readonly PlacementKey[], epsilon: number = DEFAULT_BALANCE_EPSILON): Map<string, string> {
  const weights = new Map<string, number>();
  for (const k of keys) for (const m of k.eligible) if (m.weight > 0) weights.set(m.identity, m.weight);
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  const placeable = keys.filter((k) => k.eligible.some((m) => m.weight > 0));
  const cap = new Map<string, number>();
  for (const [id, w] of weights) cap.set(id, Math.ceil((1 + epsilon) * placeable.length * w / total));
  const load = new Map<string, number>();
  // Each key's position hash once, not twice per comparison (the sort was half of a pass).
  const order = placeable.map((k) => ({ k, h: hash32(k.key, 0x1b873593) })).sort((a, b) => a.h - b.h || (a.k.key < b.k.key ? -1 : a.k.key > b.k.key ? 1 : 0));
  const out = new Map<string, string>();
  const scorers = new Map<Member, Scorer>();
  for (const { k } of order) {
    // rank()'s first member with room, found in one scan (no sort, no arrays): best score, then
    // the smaller identity on an exact tie. Eligibility can leave a member's capacity out of
    // reach: then the best one takes it anyway.
    let best: Member | undefined;
    let bestScore = -Infinity;
    let free: Member | undefined;
    let freeScore = -Infinity;
    for (const m of k.eligible) {
      if (!(m.weight > 0)) continue;
      let sc = scorers.get(m);
      if (sc === undefined) scorers.set(m, (sc = scorer(m)));
      const v = scoreWith(sc, k.key);
      if (best === undefined || v > bestScore || (v === bestScore && m.identity < best.identity)) {
        best = m;
        bestScore = v;
      }
      if ((load.get(m.identity) ?? 0) < (cap.get(m.identity) ?? 0) && (free === undefined || v > freeScore || (v === freeScore && m.identity < free.identity))) {
        free = m;
        freeScore = v;
      }
    }
    const pick = free ?? best;
    if (pick === undefined) continue;
    load.set(pick.identity, (load.get(pick.identity) ?? 0) + 1);
    out.set(k.key, pick.identity);
  }
  return out;
}

/**
 * Sharing keys of the address groups: addresses connected through a Service (a shared IP, or
 * the two families of a dual-stack Service) form one component, keyed by the smallest
 * "namespace/name" among its Services, so they are placed on one node (Cilium #48419).
 */
export function sharingKeys(groups: readonly Pick<AddressGroup, "ip" | "services">[]): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r) ?? r;
    let c = x;
    while (c !== r) {
      const n = parent.get(c) ?? r;
      parent.set(c, r);
      c = n;
    }
    return r;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    // The smaller text becomes the root, so the root is the component's smallest Service.
    if (ra < rb) parent.set(rb, ra);
    else parent.set(ra, rb);
  };
  for (const g of groups) {
    for (const s of g.services) if (!parent.has(s)) parent.set(s, s);
    const first = g.services[0];
    if (first !== undefined) for (const s of g.services) union(first, s);
  }
  const out = new Map<string, string>();
  for (const g of groups) {
    const first = g.services[0];
    out.set(g.ip, first === undefined ? `ip:${g.ip}` : find(first));
  }
  return out;
}

/** What a member publishes that decides its eligibility (see lease-record.ts). */
export interface MemberView extends Member {
  /** Policies whose nodeSelector selects this node and that have an interface up here. */
  readonly policies: ReadonlySet<string>;
}

export interface OwnerInput {
  /** The cluster-wide plan (planGroups without a node): policies per address. */
  readonly groups: readonly Pick<AddressGroup, "ip" | "services" | "policies">[];
  /** Live members (their Lease not expired on the local clock, not released). */
  readonly members: readonly MemberView[];
  /** Services with externalTrafficPolicy Local ("ns/name"). */
  readonly localServices: ReadonlySet<string>;
  /** Whether Service "ns/name" has a ready endpoint on node `node`. */
  readonly hasLocalEndpoint: (serviceKey: string, node: string) => boolean;
  readonly epsilon?: number | undefined;
}

export interface Ownership {
  /** ip → the node that should answer it (absent: no eligible live member). */
  readonly owners: Map<string, string>;
  /** ip → its sharing key. */
  readonly keys: Map<string, string>;
}

/** Whether member m may answer address group g. */
export function eligibleFor(g: Pick<AddressGroup, "services" | "policies">, m: MemberView, localServices: ReadonlySet<string>, hasLocalEndpoint: OwnerInput["hasLocalEndpoint"]): boolean {
  if (!(m.weight > 0)) return false;
  if (!g.policies.some((p) => m.policies.has(p))) return false;
  return g.services.every((s) => !localServices.has(s) || hasLocalEndpoint(s, m.identity));
}

/**
 * Who should answer every address. A sharing component is placed as one key over the members
 * eligible for *all* its addresses; when no member is eligible for all of them, each address is
 * placed on its own (key `<sharing key>#<ip>`) over its own eligible members.
 */
export function computeOwners(input: OwnerInput): Ownership {
  const keys = sharingKeys(input.groups);
  const byKey = new Map<string, Pick<AddressGroup, "ip" | "services" | "policies">[]>();
  for (const g of input.groups) {
    const k = keys.get(g.ip) ?? g.ip;
    const list = byKey.get(k) ?? [];
    list.push(g);
    byKey.set(k, list);
  }
  const placement: PlacementKey[] = [];
  const ipsOfKey = new Map<string, string[]>();
  const el = (g: Pick<AddressGroup, "services" | "policies">): MemberView[] => input.members.filter((m) => eligibleFor(g, m, input.localServices, input.hasLocalEndpoint));
  for (const [k, gs] of byKey) {
    if (gs.length === 1) {
      // One address (the usual case): its own eligible members, no intersection to build.
      placement.push({ key: k, eligible: el(gs[0]!) });
      ipsOfKey.set(k, [gs[0]!.ip]);
      continue;
    }
    const sets = gs.map((g) => new Set(el(g).map((m) => m.identity)));
    const all = input.members.filter((m) => sets.every((s) => s.has(m.identity)));
    if (all.length > 0 || gs.every((_, i) => (sets[i]?.size ?? 0) === 0)) {
      placement.push({ key: k, eligible: all });
      ipsOfKey.set(k, gs.map((g) => g.ip));
    } else {
      for (const g of gs) {
        const kk = `${k}#${g.ip}`;
        placement.push({ key: kk, eligible: el(g) });
        ipsOfKey.set(kk, [g.ip]);
      }
    }
  }
  const placed = placeKeys(placement, input.epsilon);
  const owners = new Map<string, string>();
  for (const [k, owner] of placed) for (const ip of ipsOfKey.get(k) ?? []) owners.set(ip, owner);
  return { owners, keys };
}

/**
 * The policies this node can serve, as published on its member Lease: the policy is valid, its
 * nodeSelector selects this node, and one of its interface patterns (or any, when it has none)
 * matches an interface that is up here. Invalid policies are reported by planGroups.
 */
export function servablePolicies(policies: readonly L2Policy[], node: NodeInfo, upInterfaces: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of policies) {
    if (p.serviceSelector !== undefined && !compileSelector(p.serviceSelector).ok) continue;
    const sel = p.nodeSelector === undefined ? undefined : compileSelector(p.nodeSelector);
    if (sel !== undefined && (!sel.ok || !sel.matches(node.labels))) continue;
    const res: RegExp[] = [];
    for (const pat of p.interfaces ?? []) {
      try {
        res.push(new RegExp(pat));
      } catch {
        // reported by planGroups
      }
    }
    if ((p.interfaces ?? []).length > 0 && res.length === 0) continue;
    if (upInterfaces.some((i) => res.length === 0 || res.some((re) => re.test(i)))) out.push(p.name);
  }
  return out.sort();
}
