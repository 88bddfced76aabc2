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

export interface L2Entry {
  family: Family;
  address: string;
  ifindex: number;
  responses: bigint;
}

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
  const seen = new Set<string>();
  let hex = "";
  for (let i = 0; i < n; i++) {
    const k = keys.subarray(i * keySize, (i + 1) * keySize);
    hex = "";
    for (let j = 0; j < k.length; j++) hex += String.fromCharCode(k[j]!);
    if (seen.has(hex)) continue;
    seen.add(hex);
    yield [k, values.subarray(i * valueSize, (i + 1) * valueSize)];
  }
}

/** Offsets (entry indexes) of the first occurrence of each key in a flat batch of `count` keys. */
export function uniqueIndexes(keys: Uint8Array, keySize: number, count: number): number[] {
  const seen = new Set<string | number>();
  const out: number[] = [];
  const d = view(keys);
  const args: number[] = new Array<number>(Math.ceil(keySize / 2)).fill(0);
  for (let i = 0; i < count; i++) {
    const o = i * keySize;
    let id: string | number;
    if (keySize === 4) id = d.getUint32(o);
    else if (keySize === 2) id = d.getUint16(o);
    else {
      // One flat string per key (16-bit units), built by one call into a reused argument array.
      for (let j = 0; j < args.length; j++) args[j] = (keys[o + 2 * j]! << 8) | (2 * j + 1 < keySize ? keys[o + 2 * j + 1]! : 0);
      id = String.fromCharCode.apply(null, args);
    }
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(i);
  }
  return out;
}
