// Decodes the raw entries of every LB map read from one node into one snapshot (IPv4 and IPv6
// merged), deduplicating keys that a non-atomic read returned twice.
import { LAYOUTS, type LayoutName } from "./layout.ts";
import { decodeAffinityMatch, decodeBackend, decodeL2, decodeRevNat, decodeServiceKey, decodeServiceValue, decodeSourceRange, entries, type Backend, type L2Entry } from "./decode.ts";
import type { LbMaps, ServiceEntry } from "./render.ts";

export interface RawEntries {
  keys: Uint8Array;
  values: Uint8Array;
}

export type RawMaps = Partial<Record<LayoutName, RawEntries>>;

function each(raw: RawMaps, name: LayoutName): Generator<[Uint8Array, Uint8Array]> | [] {
  const r = raw[name];
  const l = LAYOUTS[name];
  return r ? entries(r.keys, r.values, l.keySize, l.valueSize) : [];
}

export function decodeLbMaps(raw: RawMaps): LbMaps {
  const services: ServiceEntry[] = [];
  const backends: Backend[] = [];
  const revnat = [];
  for (const f of [4, 6] as const) {
    for (const [k, v] of each(raw, f === 4 ? "services4" : "services6")) services.push({ key: decodeServiceKey(k, f), value: decodeServiceValue(v) });
    for (const [k, v] of each(raw, f === 4 ? "backends4" : "backends6")) backends.push(decodeBackend(k, v, f));
    for (const [k, v] of each(raw, f === 4 ? "revnat4" : "revnat6")) revnat.push(decodeRevNat(k, v, f));
  }
  const affinity = raw.affinityMatch ? [...each(raw, "affinityMatch")].map(([k]) => decodeAffinityMatch(k)) : undefined;
  const sourceRanges =
    raw.sourceRange4 || raw.sourceRange6 ? [...[...each(raw, "sourceRange4")].map(([k]) => decodeSourceRange(k, 4)), ...[...each(raw, "sourceRange6")].map(([k]) => decodeSourceRange(k, 6))] : undefined;
  return { services, backends, revnat, affinity, sourceRanges };
}

export function decodeL2Maps(raw: RawMaps): L2Entry[] {
  return [...[...each(raw, "l2responder4")].map(([k, v]) => decodeL2(k, v, 4)), ...[...each(raw, "l2responder6")].map(([k, v]) => decodeL2(k, v, 6))];
}

/** Backends by ID (IDs come from one pool shared by both families). */
export function backendIndex(backends: readonly Backend[]): Map<number, Backend> {
  return new Map(backends.map((b) => [b.id, b]));
}
