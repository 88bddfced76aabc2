// Pure decoders for Cilium's LB and L2 map entries (spec cilium-bpf-maps.md §3, §5). Raw bytes in,
// plain records out. Byte order per field: addresses and ports are big-endian; rev-NAT IDs are
// big-endian too although C declares them __u16 (the agent writes them with ToNetwork()); slot,
// count, qcount, backend IDs, cluster IDs, ifindex and prefixlen are host order, which is
// little-endian on every architecture Cilium ships (amd64, arm64).
import { formatIp, type Family } from "../ip.ts";

export interface ServiceKey {
  family: Family;
  address: string;
  port: number;
  slot: number;
  proto: number;
  /** 0 external, 1 internal (`/i`). */
  scope: number;
}

export interface ServiceValue {
  /** Slot > 0: the backend ID; master: LB algorithm << 24 | affinity timeout, or the L7 port (htons). */
  union: number;
  count: number;
  revNat: number;
  /** flags | flags2 << 8 */
  flags: number;
  qcount: number;
}

export interface Backend {
  id: number;
  family: Family;
  address: string;
  port: number;
  proto: number;
  /** BE_STATE_*: 0 active, 1 terminating, 2 quarantined, 3 maintenance. */
  state: number;
  clusterId: number;
  zone: number;
}

export interface RevNat {
  id: number;
  family: Family;
  address: string;
  port: number;
}

export interface AffinityMatch {
  backendId: number;
  revNat: number;
}

export interface SourceRange {
  family: Family;
  revNat: number;
  /** CIDR of the client range: address/(prefixlen − 32). */
  cidr: string;
}

export interface MaglevEntry {
  family: Family;
  revNat: number;
  /** The inner map's ID, as a userspace lookup of the outer map returns it. */
  innerId: number;
  /** The lookup table's histogram: backend ID and how many table slots it holds, most first, then by ID; undefined when the inner map could not be read. */
  histogram: { backendId: number; count: number }[] | undefined;
}

export interface L2Entry {
  family: Family;
  address: string;
  ifindex: number;
  responses: bigint;
}

/** Fixed-width integers at `off` (map fields are one or the other byte order, spec §3). */
export const u16be = (b: Uint8Array, off: number): number => (b[off]! << 8) | b[off + 1]!;
export const u16le = (b: Uint8Array, off: number): number => b[off]! | (b[off + 1]! << 8);
export const u32le = (b: Uint8Array, off: number): number => (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function need(b: Uint8Array, n: number, what: string): void {
  if (b.byteLength !== n) throw new RangeError(`${what}: ${b.byteLength} bytes, expected ${n}`);
}

/** IPv4 (4 bytes) or IPv6 (16 bytes) at `off`, network order, as text. */
export function ipAt(b: Uint8Array, off: number, family: Family): string {
  if (family === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const w = (i: number): number => ((b[off + i]! << 24) | (b[off + i + 1]! << 16) | (b[off + i + 2]! << 8) | b[off + i + 3]!) >>> 0;
  return formatIp({ family: 6, w0: w(0), w1: w(4), w2: w(8), w3: w(12) });
}

export function decodeServiceKey(k: Uint8Array, family: Family): ServiceKey {
  need(k, family === 4 ? 12 : 24, "service key");
  return serviceKeyAt(view(k), k, 0, family);
}

/** A services-map key at `off` of a flat buffer (no length check: the caller strides by key size). */
export function serviceKeyAt(d: DataView, k: Uint8Array, off: number, family: Family): ServiceKey {
  const a = off + (family === 4 ? 4 : 16);
  return { family, address: ipAt(k, off, family), port: d.getUint16(a), slot: d.getUint16(a + 2, true), proto: k[a + 4]!, scope: k[a + 5]! };
}

export function decodeServiceValue(v: Uint8Array): ServiceValue {
  need(v, 12, "service value");
  return serviceValueAt(view(v), v, 0);
}

export function serviceValueAt(d: DataView, v: Uint8Array, off: number): ServiceValue {
  return { union: d.getUint32(off, true), count: d.getUint16(off + 4, true), revNat: d.getUint16(off + 6), flags: v[off + 8]! | (v[off + 9]! << 8), qcount: d.getUint16(off + 10, true) };
}

export function decodeBackend(k: Uint8Array, v: Uint8Array, family: Family): Backend {
  need(k, 4, "backend key");
  need(v, family === 4 ? 12 : 24, "backend value");
  return backendAt(view(k), 0, view(v), v, 0, family);
}

export function backendAt(kd: DataView, koff: number, d: DataView, v: Uint8Array, off: number, family: Family): Backend {
  const a = off + (family === 4 ? 4 : 16);
  return {
    id: kd.getUint32(koff, true),
    family,
    address: ipAt(v, off, family),
    port: d.getUint16(a),
    proto: v[a + 2]!,
    state: v[a + 3]!,
    clusterId: d.getUint16(a + 4, true),
    zone: v[a + 6]!,
  };
}

export function decodeRevNat(k: Uint8Array, v: Uint8Array, family: Family): RevNat {
  need(k, 2, "reverse-NAT key");
  const a = family === 4 ? 4 : 16;
  need(v, a + 2, "reverse-NAT value");
  return { id: view(k).getUint16(0), family, address: ipAt(v, 0, family), port: view(v).getUint16(a) };
}

export function decodeAffinityMatch(k: Uint8Array): AffinityMatch {
  need(k, 8, "affinity-match key");
  const d = view(k);
  return { backendId: d.getUint32(0, true), revNat: d.getUint16(4) };
}

export function decodeSourceRange(k: Uint8Array, family: Family): SourceRange {
  need(k, family === 4 ? 12 : 24, "source-range key");
  const d = view(k);
  return { family, revNat: d.getUint16(4), cidr: `${ipAt(k, 8, family)}/${Math.max(0, d.getUint32(0, true) - 32)}` };
}

/** One outer Maglev entry (key be16 rev-NAT ID, value u32 host inner map ID) and its table. */
export function decodeMaglev(k: Uint8Array, v: Uint8Array, family: Family, tables: ReadonlyMap<number, Uint8Array> | undefined): MaglevEntry {
  need(k, 2, "Maglev outer key");
  need(v, 4, "Maglev outer value");
  const revNat = view(k).getUint16(0);
  const innerId = view(v).getUint32(0, true);
  const table = tables?.get(innerId);
  return { family, revNat, innerId, histogram: table ? maglevHistogram(table) : undefined };
}

/** Slots per backend ID in a Maglev table (u32 host IDs), most first, ties by ID: `cilium-dbg`'s INNER=[…]. */
export function maglevHistogram(table: Uint8Array): { backendId: number; count: number }[] {
  const d = view(table);
  const counts = new Map<number, number>();
  for (let o = 0; o + 4 <= table.byteLength; o += 4) {
    const id = d.getUint32(o, true);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([backendId, count]) => ({ backendId, count })).sort((a, b) => b.count - a.count || a.backendId - b.backendId);
}

export function decodeL2(k: Uint8Array, v: Uint8Array, family: Family): L2Entry {
  const a = family === 4 ? 4 : 16;
  need(k, family === 4 ? 8 : 24, "L2 responder key");
  need(v, 8, "L2 responder value");
  return { family, address: ipAt(k, 0, family), ifindex: view(k).getUint32(a, true), responses: view(v).getBigUint64(0, true) };
}

/** cilium_runtime_config index of the agent's last heartbeat (CLOCK_MONOTONIC ns). */
export const RUNTIME_CONFIG_AGENT_LIVENESS = 1;

/** The u64 value of a runtime-config entry. */
export function decodeRuntimeConfig(k: Uint8Array, v: Uint8Array): { index: number; value: bigint } {
  need(k, 4, "runtime-config key");
  need(v, 8, "runtime-config value");
  return { index: view(k).getUint32(0, true), value: view(v).getBigUint64(0, true) };
}

/** Iterates a flat batch of `count` fixed-size entries, skipping repeated keys (non-atomic reads). */
export function* entries(keys: Uint8Array, values: Uint8Array, keySize: number, valueSize: number): Generator<[Uint8Array, Uint8Array]> {
  const n = Math.min(Math.floor(keys.byteLength / keySize), Math.floor(values.byteLength / valueSize));
  for (const i of uniqueIndexes(keys, keySize, n)) yield [keys.subarray(i * keySize, (i + 1) * keySize), values.subarray(i * valueSize, (i + 1) * valueSize)];
}

/**
 * Indexes of the first occurrence of each key in a flat batch of `count` keys, ascending. An
 * open-addressing table of entry indexes over the key bytes (FNV-1a): no string or boxed number
 * per key, which for 65,536-entry maps was most of the decode time.
 */
export function uniqueIndexes(keys: Uint8Array, keySize: number, count: number): Uint32Array {
  const size = 2 ** Math.max(4, 33 - Math.clz32(count)); // ≥ 2 × count: short probe runs
  const table = new Int32Array(size).fill(-1);
  const out = new Uint32Array(count);
  let n = 0;
  for (let i = 0; i < count; i++) {
    const o = i * keySize;
    let h = 0x811c9dc5;
    for (let j = 0; j < keySize; j++) h = Math.imul(h ^ keys[o + j]!, 0x01000193);
    let slot = (h >>> 0) & (size - 1);
    for (;;) {
      const e = table[slot]!;
      if (e < 0) {
        table[slot] = i;
        out[n++] = i;
        break;
      }
      if (sameKey(keys, e * keySize, o, keySize)) break;
      slot = (slot + 1) & (size - 1);
    }
  }
  return out.subarray(0, n);
}

function sameKey(keys: Uint8Array, a: number, b: number, size: number): boolean {
  for (let j = 0; j < size; j++) if (keys[a + j] !== keys[b + j]) return false;
  return true;
}
