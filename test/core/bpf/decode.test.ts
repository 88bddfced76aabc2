// Golden byte vectors for every map layout and byte-order quirk (spec cilium-bpf-maps.md §3, §8.2),
// and property tests: encode → decode round trips.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeAffinityMatch, decodeBackend, decodeL2, decodeRevNat, decodeRuntimeConfig, decodeServiceKey, decodeServiceValue, decodeSourceRange, entries } from "../../../src/core/bpf/decode.ts";
import { flagWords, lbListRows, mapsDumpLines, l7ProxyPort, lbFrontendRows, lbBackendRows } from "../../../src/core/bpf/render.ts";
import { mapsDump } from "../../../src/core/bpf/dump.ts";
import { layoutMismatch, LAYOUTS } from "../../../src/core/bpf/layout.ts";
import { backendIndex, decodeLbMaps } from "../../../src/core/bpf/snapshot.ts";

export const hex = (h: string): Uint8Array => Uint8Array.from((h.replace(/\s+/g, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));

test("services key/value: ClusterIP 10.96.0.10:53/UDP, rev-NAT 3 big-endian, slot and count little-endian", () => {
  assert.deepEqual(decodeServiceKey(hex("0a60000a 0035 0000 11 00 0000"), 4), { family: 4, address: "10.96.0.10", port: 53, slot: 0, proto: 17, scope: 0 });
  assert.deepEqual(decodeServiceKey(hex("0a60000a 0035 0200 11 01 0000"), 4), { family: 4, address: "10.96.0.10", port: 53, slot: 2, proto: 17, scope: 1 });
  assert.deepEqual(decodeServiceValue(hex("00000000 0200 0003 00 00 0000")), { union: 0, count: 2, revNat: 3, flags: 0, qcount: 0 });
  assert.deepEqual(decodeServiceValue(hex("01000000 0000 0003 00 00 0000")), { union: 1, count: 0, revNat: 3, flags: 0, qcount: 0 });
  // master: algorithm maglev (2 << 24) and affinity 10800 s; flags LoadBalancer|Routable|Local, flags2 two-scopes; qcount 1
  const v = decodeServiceValue(hex("302a0002 0100 0102 64 20 0100"));
  assert.equal(v.union >>> 24, 2);
  assert.equal(v.union & 0xffffff, 10800);
  assert.equal(v.revNat, 258);
  assert.equal(v.flags, 0x2064);
  assert.equal(v.qcount, 1);
});

test("services key IPv6: [2001:db8::1]:443/TCP slot 1", () => {
  assert.deepEqual(decodeServiceKey(hex("20010db8000000000000000000000001 01bb 0100 06 00 0000"), 6), { family: 6, address: "2001:db8::1", port: 443, slot: 1, proto: 6, scope: 0 });
});

test("backends v3 IPv4 and IPv6: address/port big-endian, cluster ID little-endian, state, zone", () => {
  assert.deepEqual(decodeBackend(hex("01000000"), hex("0af40017 0035 11 00 0000 00 00"), 4), { id: 1, family: 4, address: "10.244.0.23", port: 53, proto: 17, state: 0, clusterId: 0, zone: 0 });
  assert.deepEqual(decodeBackend(hex("02000000"), hex("0af40047 0035 11 01 0000 00 00"), 4).state, 1);
  assert.deepEqual(decodeBackend(hex("00010000"), hex("c6336407 1f90 06 03 0201 07 00"), 4), { id: 256, family: 4, address: "198.51.100.7", port: 8080, proto: 6, state: 3, clusterId: 258, zone: 7 });
  assert.deepEqual(decodeBackend(hex("05000000"), hex("20010db8000000000000000000000abc 0050 06 00 0000 00 00"), 6), { id: 5, family: 6, address: "2001:db8::abc", port: 80, proto: 6, state: 0, clusterId: 0, zone: 0 });
});

test("reverse NAT: key big-endian, packed value", () => {
  assert.deepEqual(decodeRevNat(hex("0003"), hex("0a60000a 0035"), 4), { id: 3, family: 4, address: "10.96.0.10", port: 53 });
  assert.deepEqual(decodeRevNat(hex("0102"), hex("20010db8000000000000000000000001 01bb"), 6), { id: 258, family: 6, address: "2001:db8::1", port: 443 });
});

test("source range: prefixlen host order = 32 + CIDR bits, rev-NAT big-endian", () => {
  assert.deepEqual(decodeSourceRange(hex("38000000 0004 0000 0a000000"), 4), { family: 4, revNat: 4, cidr: "10.0.0.0/24" });
  assert.deepEqual(decodeSourceRange(hex("60000000 0004 0000 20010db8000000000000000000000000"), 6), { family: 6, revNat: 4, cidr: "2001:db8::/64" });
});

test("affinity match, L2 responder, runtime config", () => {
  assert.deepEqual(decodeAffinityMatch(hex("07000000 0003 0000")), { backendId: 7, revNat: 3 });
  assert.deepEqual(decodeL2(hex("c0a80ad3 02000000"), hex("0000000000000000"), 4), { family: 4, address: "192.168.10.211", ifindex: 2, responses: 0n });
  assert.deepEqual(decodeL2(hex("ac146464 02000000"), hex("0501000000000000"), 4).responses, 261n);
  assert.deepEqual(decodeL2(hex("20010db8000000000000000000000010 03000000 00000000"), hex("0100000000000000"), 6), { family: 6, address: "2001:db8::10", ifindex: 3, responses: 1n });
  assert.deepEqual(decodeRuntimeConfig(hex("01000000"), hex("00ca9a3b00000000")), { index: 1, value: 1_000_000_000n });
});

test("wrong sizes throw (never a silent misread)", () => {
  assert.throws(() => decodeServiceKey(hex("0a60000a 0035 0000 11 00"), 4), /service key: 10 bytes, expected 12/);
  assert.throws(() => decodeBackend(hex("01000000"), hex("0af40017 0035 11 00"), 4), /backend value/);
});

test("layout check: one line naming the map, its sizes and what was expected", () => {
  assert.equal(layoutMismatch(LAYOUTS.backends4, { type: 1, keySize: 4, valueSize: 12 }), undefined);
  assert.equal(
    layoutMismatch(LAYOUTS.backends4, { type: 1, keySize: 4, valueSize: 8 }),
    "map cilium_lb4_backends_v3 has an unknown layout: hash key 4 B value 8 B, expected hash key 4 B value 12 B (Cilium 1.17-1.20)",
  );
});

test("flag words: Cilium's order, aliases of bits 11 and 14", () => {
  const cases: [number, string][] = [
    [0x0000, "ClusterIP+non-routable"],
    [0x0002, "NodePort+non-routable"],
    [0x0042, "NodePort"],
    [0x1064, "LoadBalancer+Local+InternalLocal"],
    [0x2064, "LoadBalancer+Local+two-scopes"],
    [0x4080, "ClusterIP+non-routable+check source-range+deny"],
    [0x4000, "ClusterIP+non-routable+quarantined"],
    [0x0848, "HostPort+loopback"],
    [0x0860, "LoadBalancer+delegate-if-local"],
    [0x8071, "ExternalIPs+sessionAffinity+dsr"],
    [0x0700, "LocalRedirect+non-routable+46x64+l7-load-balancer"],
  ];
  for (const [flags, want] of cases) assert.equal(flagWords(flags).join("+"), want, `0x${flags.toString(16)}`);
});

test("L7 proxy port is stored htons()-ed in the master's union", () => {
  assert.equal(l7ProxyPort(decodeServiceValue(hex("2f900000 0000 0001 00 04 0000")).union), 12176);
});

const golden = {
  services4: {
    keys: hex("0a60000a003500001100 0000" + "0a60000a003501001100 0000" + "0a60000a003502001100 0000" + "0a60000a003503001100 0000" + "0a60000a000000000000 0000"),
    values: hex("00000000 0200 0003 00000000" + "01000000 0000 0003 00000000" + "02000000 0000 0003 00000000" + "09000000 0000 0003 00000000" + "000000000000000000000000"),
  },
  backends4: { keys: hex("01000000 02000000"), values: hex("0af4001700351100 00000000" + "0af4004700351101 00000000") },
  revnat4: { keys: hex("0003"), values: hex("0a60000a0035") },
  sourceRange4: { keys: hex("38000000 0004 0000 0a000000"), values: hex("00") },
};

test("bpf lb list rows: slot rows, dangling backend, wildcard", () => {
  const m = decodeLbMaps(golden);
  assert.deepEqual(lbListRows(m.services, backendIndex(m.backends)), [
    ["10.96.0.10:0/ANY (0)", "0.0.0.0:0 (0) (0) [ClusterIP, non-routable] "],
    ["10.96.0.10:53/UDP (0)", "0.0.0.0:0 (3) (0) [ClusterIP, non-routable] "],
    ["10.96.0.10:53/UDP (1)", "10.244.0.23:53/UDP (3) (1)"],
    ["10.96.0.10:53/UDP (2)", "10.244.0.71:53/UDP (3) (2)"],
    ["10.96.0.10:53/UDP (3)", "backend 9 not found"],
  ]);
  assert.deepEqual(lbFrontendRows(m.services)[1], ["10.96.0.10:53/UDP (0)", "0 2[0] (3) [0x0 0x0]"]);
  assert.deepEqual(lbBackendRows(m.backends), [["1", "UDP://10.244.0.23"], ["2", "UDP://10.244.0.71"]]);
});

test("maps-dump lines: Cilium's format, sorted as plain strings", () => {
  assert.deepEqual(mapsDumpLines(decodeLbMaps(golden)), [
    "BE: ID=1 ADDR=10.244.0.23:53/UDP STATE=active",
    "BE: ID=2 ADDR=10.244.0.71:53/UDP STATE=terminating",
    "REV: ID=3 ADDR=10.96.0.10:53",
    "SRCRANGE: ID=4 CIDR=10.0.0.0/24",
    "SVC: ID=0 ADDR=10.96.0.10:0/ANY SLOT=0 LBALG=undef AFFTimeout=0 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    "SVC: ID=3 ADDR=10.96.0.10:53/UDP SLOT=0 LBALG=undef AFFTimeout=0 COUNT=2 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    "SVC: ID=3 ADDR=10.96.0.10:53/UDP SLOT=1 BEID=1 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    "SVC: ID=3 ADDR=10.96.0.10:53/UDP SLOT=2 BEID=2 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
    "SVC: ID=3 ADDR=10.96.0.10:53/UDP SLOT=3 BEID=9 COUNT=0 QCOUNT=0 FLAGS=ClusterIP+non-routable",
  ]);
  // The fast path of `bpf lb dump` (core/bpf/dump.ts), byte for byte, also one line per chunk.
  const want = mapsDumpLines(decodeLbMaps(golden)).join("\n") + "\n";
  for (const size of [undefined, 1]) assert.equal([...mapsDump(golden).chunks(size)].map((c) => String.fromCharCode(...c)).join(""), want);
});

test("entries(): duplicate keys from a restarted iteration are dropped", () => {
  const got = [...entries(hex("0100 0200 0100"), hex("aa bb cc"), 2, 1)].map(([k, v]) => [k[0], v[0]]);
  assert.deepEqual(got, [[1, 0xaa], [2, 0xbb]]);
});

// Encoders written independently of the decoders, from the spec's tables.
function encServiceKey4(ip: number[], port: number, slot: number, proto: number, scope: number): Uint8Array {
  return Uint8Array.from([...ip, port >> 8, port & 255, slot & 255, slot >> 8, proto, scope, 0, 0]);
}

test("property: services keys and values round-trip", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
      fc.integer({ min: 0, max: 65535 }),
      (ip, port, slot, proto, scope, union, count, rev, flags) => {
        const k = decodeServiceKey(encServiceKey4(ip, port, slot, proto, scope), 4);
        assert.deepEqual(k, { family: 4, address: ip.join("."), port, slot, proto, scope });
        const v = Uint8Array.from([union & 255, (union >>> 8) & 255, (union >>> 16) & 255, union >>> 24, count & 255, count >> 8, rev >> 8, rev & 255, flags & 255, flags >> 8, 0, 0]);
        assert.deepEqual(decodeServiceValue(v), { union, count, revNat: rev, flags, qcount: 0 });
      },
    ),
  );
});

test("property: flag words always start with one type word and never repeat", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff }), (f) => {
      const w = flagWords(f);
      assert.ok(["ClusterIP", "NodePort", "LoadBalancer", "HostPort", "LocalRedirect", "ExternalIPs"].includes(w[0]!));
      assert.equal(new Set(w).size, w.length);
    }),
  );
});
