// The fast `lb/maps-dump` writer (core/bpf/dump.ts) against the reference, render.ts
// mapsDumpLines over the generic decoders: byte-identical on random maps of every kind, with
// repeated keys, colliding sort prefixes, IPv6 and every flag, in chunks of any size.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { mapsDump, sortLines } from "../../../src/core/bpf/dump.ts";
import { mapsDumpLines, sortedByKey } from "../../../src/core/bpf/render.ts";
import type { ServiceKey } from "../../../src/core/bpf/decode.ts";
import { compareIpText } from "../../../src/core/ip.ts";
import { decodeLbMaps, type RawMaps } from "../../../src/core/bpf/snapshot.ts";
import { LAYOUTS, type LayoutName } from "../../../src/core/bpf/layout.ts";

const text = (raw: RawMaps, maxBytes?: number): string => {
  let out = "";
  for (const c of mapsDump(raw).chunks(maxBytes)) out += String.fromCharCode(...c);
  return out;
};
const reference = (raw: RawMaps): string => {
  const lines = mapsDumpLines(decodeLbMaps(raw));
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
};

test("maps-dump fast path: no maps, empty maps: no output", () => {
  assert.equal(text({}), "");
  assert.equal(text({ services4: { keys: new Uint8Array(0), values: new Uint8Array(0) } }), "");
});

// Values from small pools, so that addresses, rev-NAT IDs and whole keys repeat (the sort's ties
// and the deduplication), next to arbitrary ones.
const byte = fc.oneof(fc.constantFrom(0, 1, 9, 10, 99, 100, 255), fc.integer({ min: 0, max: 255 }));
const u16 = fc.oneof(fc.constantFrom(0, 1, 9, 10, 80, 443, 1000, 65535), fc.integer({ min: 0, max: 65535 }));
const u32 = fc.oneof(fc.constantFrom(0, 1, 10, 0x01000000, 0x02002a30, 0x03000001, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
const ipBytes = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.constantFrom(Array(n).fill(0), [...Array(n - 4).fill(0), 10, 96, 0, 10], n === 16 ? [0x20, 0x01, 0x0d, 0xb8, ...Array(11).fill(0), 1] : [10, 96, 0, 1]),
    fc.array(byte, { minLength: n, maxLength: n }),
  );
const le16 = (v: number): number[] => [v & 255, v >>> 8];
const be16 = (v: number): number[] => [v >>> 8, v & 255];
const le32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

/** Entries as [key bytes, value bytes]; some keys repeated with another value (a restarted walk). */
const entriesOf = (key: fc.Arbitrary<number[]>, value: fc.Arbitrary<number[]>): fc.Arbitrary<[number[], number[]][]> =>
  fc.array(fc.tuple(key, value), { maxLength: 30 }).chain((es) =>
    fc.array(fc.tuple(fc.nat(), value), { maxLength: es.length > 0 ? 5 : 0 }).map((dups) => [...es, ...dups.map(([i, v]): [number[], number[]] => [es[i % es.length]![0], v])]),
  );
const raw = (name: LayoutName, es: [number[], number[]][]): RawMaps => {
  const l = LAYOUTS[name];
  assert.ok(es.every(([k, v]) => k.length === l.keySize && v.length === l.valueSize));
  return { [name]: { keys: Uint8Array.from(es.flatMap(([k]) => k)), values: Uint8Array.from(es.flatMap(([, v]) => v)) } };
};

const serviceKey = (n: number): fc.Arbitrary<number[]> =>
  fc.tuple(ipBytes(n), u16, fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 6, 17, 132, 1), fc.constantFrom(0, 1, 2)).map(([ip, port, slot, proto, scope]) => [...ip, ...be16(port), ...le16(slot), proto, scope, 0, 0]);
const serviceValue = fc.tuple(u32, u16, fc.oneof(fc.constantFrom(1, 10, 100), u16), u16, u16).map(([union, count, rev, flags, q]) => [...le32(union), ...le16(count), ...be16(rev), ...le16(flags), ...le16(q)]);
const backendValue = (n: number): fc.Arbitrary<number[]> =>
  fc.tuple(ipBytes(n), u16, fc.constantFrom(0, 6, 17, 132, 2), fc.integer({ min: 0, max: 5 }), u16, byte).map(([ip, port, proto, state, cluster, zone]) => [...ip, ...be16(port), proto, state, ...le16(cluster), zone, 0]);

const maps: fc.Arbitrary<RawMaps> = fc
  .record({
    s4: fc.option(entriesOf(serviceKey(4), serviceValue)),
    s6: fc.option(entriesOf(serviceKey(16), serviceValue)),
    b4: fc.option(entriesOf(u32.map(le32), backendValue(4))),
    b6: fc.option(entriesOf(u32.map(le32), backendValue(16))),
    r4: fc.option(entriesOf(u16.map(be16), fc.tuple(ipBytes(4), u16).map(([ip, p]) => [...ip, ...be16(p)]))),
    r6: fc.option(entriesOf(u16.map(be16), fc.tuple(ipBytes(16), u16).map(([ip, p]) => [...ip, ...be16(p)]))),
    aff: fc.option(entriesOf(fc.tuple(u32, u16).map(([b, r]) => [...le32(b), ...be16(r), 0, 0]), fc.constant([0]))),
    src4: fc.option(entriesOf(fc.tuple(fc.integer({ min: 32, max: 64 }), u16, ipBytes(4)).map(([p, r, ip]) => [...le32(p), ...be16(r), 0, 0, ...ip]), fc.constant([0]))),
    src6: fc.option(entriesOf(fc.tuple(fc.integer({ min: 32, max: 160 }), u16, ipBytes(16)).map(([p, r, ip]) => [...le32(p), ...be16(r), 0, 0, ...ip]), fc.constant([0]))),
    // Outer Maglev entries point at inner map IDs 1-4; tables exist for some IDs only (vanished ones print nothing).
    mag4: fc.option(entriesOf(u16.map(be16), fc.integer({ min: 1, max: 4 }).map(le32))),
    mag6: fc.option(entriesOf(u16.map(be16), fc.integer({ min: 1, max: 4 }).map(le32))),
    tables: fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom(0, 1, 2, 7, 300, 0xffffffff), { minLength: 1, maxLength: 40 }))),
  })
  .map((m) => {
    const names: [keyof typeof m, LayoutName][] = [["s4", "services4"], ["s6", "services6"], ["b4", "backends4"], ["b6", "backends6"], ["r4", "revnat4"], ["r6", "revnat6"], ["aff", "affinityMatch"], ["src4", "sourceRange4"], ["src6", "sourceRange6"], ["mag4", "maglev4"], ["mag6", "maglev6"]];
    const maglevTables = new Map(m.tables.map(([id, ids]) => [id, Uint8Array.from(ids.flatMap(le32))]));
    return Object.assign({ maglevTables }, ...names.flatMap(([k, name]) => (m[k] ? [raw(name, m[k] as [number[], number[]][])] : []))) as RawMaps;
  });

test("MAGLEV: lines as cilium-dbg's lb/maps-dump prints them: the table's histogram, most first, then by ID", () => {
  // Table size 1021, two backends (the agent's dualstack-maglev test: [1(511), 2(510)]).
  const table = Uint8Array.from(Array.from({ length: 1021 }, (_, i) => (i % 2 === 0 ? 1 : 2)).flatMap(le32));
  const m: RawMaps = { maglev4: { keys: Uint8Array.from(be16(5)), values: Uint8Array.from(le32(77)) }, maglevTables: new Map([[77, table]]) };
  assert.equal(reference(m), "MAGLEV: ID=5 INNER=[1(511), 2(510)]\n");
  assert.equal(text(m), reference(m));
  // An outer entry whose inner map is gone: no line.
  assert.equal(text({ maglev4: m.maglev4 }), "");
});

test("property: maps-dump fast path is byte-identical to the generic decoder, in any chunk size", () => {
  fc.assert(
    fc.property(maps, fc.integer({ min: 1, max: 4096 }), (m, chunk) => {
      const want = reference(m);
      assert.equal(text(m), want);
      assert.equal(text(m, chunk), want);
    }),
    { numRuns: 300 },
  );
});

test("property: sortLines orders any ASCII lines as plain strings", () => {
  const prefixes = ["AFF: ID=", "BE: ID=", "MAGLEV: ID=", "REV: ID=", "SRCRANGE: ID=", "SVC: ID="]; // dump.ts PREFIXES
  const rest = fc.stringMatching(/^[ -~]{0,24}$/);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.oneof(rest, fc.constantFrom("", "1", "1 ", "10", "1 ADDR=9", "1!", "1:", "12345678901 x"))), { maxLength: 60 }), (ls) => {
      const lines = ls.map(([k, r]) => prefixes[k] + r + "\n");
      const buf = Uint8Array.from(lines.join(""), (c) => c.charCodeAt(0));
      const starts = new Uint32Array(lines.length + 1);
      for (let i = 0; i < lines.length; i++) starts[i + 1] = starts[i]! + lines[i]!.length;
      const order = sortLines(buf, starts, Uint8Array.from(ls.map(([k]) => k)), lines.length);
      assert.deepEqual([...order].map((i) => lines[i]), [...lines].sort());
    }),
    { numRuns: 500 },
  );
});

test("property: sortedByKey orders entries as the plain comparator does (family, numeric address, port, proto, scope, slot)", () => {
  const plain = (a: ServiceKey, b: ServiceKey): number =>
    a.family - b.family || compareIpText(a.address, b.address) || a.port - b.port || a.proto - b.proto || a.scope - b.scope || a.slot - b.slot;
  const key = fc.record({
    family: fc.constantFrom(4 as const, 6 as const),
    address: fc.constantFrom("10.96.0.10", "10.96.0.9", "10.96.0.100", "192.0.2.1", "2001:db8::1", "2001:db8::a", "::", "0.0.0.0"),
    port: fc.constantFrom(0, 53, 80, 443),
    proto: fc.constantFrom(0, 6, 17),
    scope: fc.constantFrom(0, 1),
    slot: fc.integer({ min: 0, max: 3 }),
  });
  fc.assert(
    fc.property(fc.array(key, { maxLength: 80 }), (keys) => {
      const entries = keys.map((k, i) => ({ key: k, i }));
      const want = [...entries].sort((a, b) => plain(a.key, b.key)).map((e) => `${e.key.family}|${e.key.address}|${e.key.port}|${e.key.proto}|${e.key.scope}|${e.key.slot}`);
      const got = sortedByKey(entries).map((e) => `${e.key.family}|${e.key.address}|${e.key.port}|${e.key.proto}|${e.key.scope}|${e.key.slot}`);
      assert.deepEqual(got, want);
    }),
    { numRuns: 300 },
  );
});
