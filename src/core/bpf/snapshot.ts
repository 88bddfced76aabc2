// Decodes the raw entries of every LB map read from one node into one snapshot (IPv4 and IPv6
// merged), deduplicating keys that a non-atomic read returned twice.
import { LAYOUTS, type LayoutName } from "./layout.ts";
import { backendAt, decodeAffinityMatch, decodeL2, decodeMaglev, decodeRevNat, decodeSourceRange, entries, serviceKeyAt, serviceValueAt, uniqueIndexes, type Backend, type L2Entry, type MaglevEntry } from "./decode.ts";
import type { LbMaps, ServiceEntry } from "./render.ts";

export interface RawEntries {
  keys: Uint8Array;
  values: Uint8Array;
}

export type RawMaps = Partial<Record<LayoutName, RawEntries>> & {
  /** Maglev lookup tables (the one value of each inner ARRAY map, u32 backend IDs), by inner map ID. */
  maglevTables?: ReadonlyMap<number, Uint8Array>;
};

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
const count = (r: RawEntries, ks: number, vs: number): number => Math.min(Math.floor(r.keys.byteLength / ks), Math.floor(r.values.byteLength / vs));

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
    // The two big maps are decoded in place from the flat buffers (no per-entry views).
    const s = raw[f === 4 ? "services4" : "services6"];
    if (s) {
      const ks = LAYOUTS[f === 4 ? "services4" : "services6"].keySize;
      const kd = dv(s.keys);
      const vd = dv(s.values);
      for (const i of uniqueIndexes(s.keys, ks, count(s, ks, 12))) services.push({ key: serviceKeyAt(kd, s.keys, i * ks, f), value: serviceValueAt(vd, s.values, i * 12) });
    }
    const b = raw[f === 4 ? "backends4" : "backends6"];
    if (b) {
      const vs = LAYOUTS[f === 4 ? "backends4" : "backends6"].valueSize;
      const kd = dv(b.keys);
      const vd = dv(b.values);
      for (const i of uniqueIndexes(b.keys, 4, count(b, 4, vs))) backends.push(backendAt(kd, i * 4, vd, b.values, i * vs, f));
    }
    for (const [k, v] of each(raw, f === 4 ? "revnat4" : "revnat6")) revnat.push(decodeRevNat(k, v, f));
  }
  const affinity = raw.affinityMatch ? [...each(raw, "affinityMatch")].map(([k]) => decodeAffinityMatch(k)) : undefined;
  const sourceRanges =
    raw.sourceRange4 || raw.sourceRange6 ? [...[...each(raw, "sourceRange4")].map(([k]) => decodeSourceRange(k, 4)), ...[...each(raw, "sourceRange6")].map(([k]) => decodeSourceRange(k, 6))] : undefined;
  const maglev = raw.maglev4 || raw.maglev6 ? maglevEntries(raw) : undefined;
  return { services, backends, revnat, affinity, sourceRanges, ...(maglev ? { maglev } : {}) };
}

/** Outer entries of both Maglev maps with their tables (an inner map gone meanwhile: no table). */
export function maglevEntries(raw: RawMaps): MaglevEntry[] {
  const out: MaglevEntry[] = [];
  for (const f of [4, 6] as const) {
    const name = f === 4 ? "maglev4" : "maglev6";
    const r = raw[name];
    if (!r) continue;
    for (const i of uniqueIndexes(r.keys, 2, count(r, 2, 4))) out.push(decodeMaglev(r.keys.subarray(i * 2, i * 2 + 2), r.values.subarray(i * 4, i * 4 + 4), f, raw.maglevTables));
  }
  return out;
}

export function decodeL2Maps(raw: RawMaps): L2Entry[] {
  return [...[...each(raw, "l2responder4")].map(([k, v]) => decodeL2(k, v, 4)), ...[...each(raw, "l2responder6")].map(([k, v]) => decodeL2(k, v, 6))];
}

/** Backends by ID (IDs come from one pool shared by both families). */
export function backendIndex(backends: readonly Backend[]): Map<number, Backend> {
  return new Map(backends.map((b) => [b.id, b]));
}
