import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatIPv6 } from "../../../src/core/packet/addr.ts";
import { formatMac } from "../../../src/core/packet/ethernet.ts";
import {
  decodeNdp,
  decodeNdpFrame,
  encodeNdp,
  encodeNdpFrame,
  multicastMac,
  newAdvertisement,
  newSolicitation,
  newUnsolicitedAdvertisement,
  solicitedNodeMulticast,
  type NdpMessage,
  type NdpOption,
} from "../../../src/core/packet/ndp.ts";
import { hex } from "./hex.ts";

// Captured in a namespace: ndisc6's NS (flow label 0x2dff2) and the kernel's NA.
const NS_WIRE = `3333 ff00 0002 0200 0000 000a 86dd 6002 dff2 0020 3aff 2001 0db8 0000 0000 0000 0000 0000 0001 ff02
  0000 0000 0000 0000 0001 ff00 0002 8700 1c1e 0000 0000 2001 0db8 0000 0000 0000 0000 0000 0002 0101 0200 0000 000a`;
const NA_WIRE = `0200 0000 000a 0200 0000 000b 86dd 6000 0000 0020 3aff 2001 0db8 0000 0000 0000 0000 0000 0002 2001
  0db8 0000 0000 0000 0000 0000 0001 8800 8a68 6000 0000 2001 0db8 0000 0000 0000 0000 0000 0002 0201 0200 0000 000b`;
const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";

test("solicited-node group and its multicast MAC", () => {
  const cases: [string, string, string][] = [
    ["2001:db8::2", "ff02::1:ff00:2", "33:33:ff:00:00:02"],
    ["2001:db8::50", "ff02::1:ff00:50", "33:33:ff:00:00:50"],
    ["fe80::ff:fe00:a", "ff02::1:ff00:a", "33:33:ff:00:00:0a"],
    ["2001:db8::abcd:1234:5678", "ff02::1:ff34:5678", "33:33:ff:34:56:78"],
  ];
  for (const [ip, group, mac] of cases) {
    assert.equal(solicitedNodeMulticast(ip), group, ip);
    assert.equal(multicastMac(group), mac, ip);
  }
  assert.equal(multicastMac("ff02::1"), "33:33:00:00:00:01");
});

test("decode the captured NS and NA; our builders reproduce them (checksum included)", () => {
  const ns = decodeNdpFrame(hex(NS_WIRE));
  assert.ok(ns.ok, ns.ok ? "" : ns.error);
  assert.deepEqual(ns.value, newSolicitation({ mac: A, src: "2001:db8::1", target: "2001:db8::2" }));
  const na = decodeNdpFrame(hex(NA_WIRE));
  assert.ok(na.ok);
  const built = newAdvertisement({ mac: B, target: "2001:db8::2", dstIp: "2001:db8::1", dstMac: A, solicited: true, override: true });
  assert.deepEqual(na.value, built);
  assert.deepEqual(encodeNdpFrame(built), hex(NA_WIRE));
});

test("builders: DAD probe has no source LLA; unicast NS goes to the target; unsolicited NA to all nodes", () => {
  const dad = newSolicitation({ mac: A, src: "::", target: "2001:db8::2" });
  assert.deepEqual(dad.msg.options, []);
  assert.equal(dad.ipDst, "ff02::1:ff00:2");
  const uni = newSolicitation({ mac: A, src: "2001:db8::1", target: "2001:db8::2", unicastMac: B });
  assert.equal(uni.ethDst, B);
  assert.equal(uni.ipDst, "2001:db8::2");
  const una = newUnsolicitedAdvertisement(A, "2001:db8::50");
  assert.equal(una.ethDst, "33:33:00:00:00:01");
  assert.equal(una.ipSrc, "2001:db8::50");
  assert.deepEqual(una.msg, { type: "na", router: false, solicited: false, override: true, target: "2001:db8::50", options: [{ kind: "target-lla", mac: A }] });
});

test("decode errors are values: checksum, type, code, options, truncation", () => {
  const wire = hex(NA_WIRE);
  const flip = (at: number): Uint8Array => {
    const b = wire.slice();
    b[at] = (b[at] ?? 0) ^ 0xff;
    return b;
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["bad checksum", flip(70), /checksum/],
    ["ICMPv6 code 1", flip(55), /code/],
    ["echo request", (() => { const b = wire.slice(); b[54] = 128; return b; })(), /not NS\/NA/],
    ["UDP", (() => { const b = wire.slice(); b[20] = 17; return b; })(), /next header/],
    ["IPv4 ethertype", (() => { const b = wire.slice(); b[12] = 8; b[13] = 0; return b; })(), /not IPv6/],
    ["truncated", wire.subarray(0, 70), /truncated/],
    ["version 4", (() => { const b = wire.slice(); b[14] = 0x40; return b; })(), /version/],
  ];
  for (const [name, bytes, want] of cases) {
    const r = decodeNdpFrame(bytes);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.error, want, name);
  }
  const zeroLenOpt = encodeNdp({ type: "ns", target: "2001:db8::2", options: [] }, "::", "ff02::1");
  const withBad = new Uint8Array(zeroLenOpt.length + 8);
  withBad.set(zeroLenOpt);
  withBad[24] = 1; // option type 1, length 0
  const r = decodeNdp(withBad, "::", "ff02::1");
  assert.equal(r.ok, false);
});

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
const ip6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(b));
const option: fc.Arbitrary<NdpOption> = fc.oneof(
  mac.map((m) => ({ kind: "source-lla" as const, mac: m })),
  mac.map((m) => ({ kind: "target-lla" as const, mac: m })),
  fc.record({
    kind: fc.constant("raw" as const),
    type: fc.integer({ min: 3, max: 255 }),
    data: fc.integer({ min: 1, max: 4 }).chain((n) => fc.uint8Array({ minLength: n * 8 - 2, maxLength: n * 8 - 2 })),
  }, { noNullPrototype: true }),
);
const message: fc.Arbitrary<NdpMessage> = fc.oneof(
  fc.record({ type: fc.constant("ns" as const), target: ip6, options: fc.array(option, { maxLength: 3 }) }, { noNullPrototype: true }),
  fc.record({
    type: fc.constant("na" as const),
    router: fc.boolean(),
    solicited: fc.boolean(),
    override: fc.boolean(),
    target: ip6,
    options: fc.array(option, { maxLength: 3 }),
  }, { noNullPrototype: true }),
);

test("property: decode(encode(x)) = x for messages and whole frames", () => {
  fc.assert(
    fc.property(message, ip6, ip6, mac, mac, fc.nat(255), (msg, src, dst, ethSrc, ethDst, hopLimit) => {
      const back = decodeNdp(encodeNdp(msg, src, dst), src, dst);
      assert.ok(back.ok);
      assert.deepEqual(back.value, msg);
      const frame = { ethDst, ethSrc, ipSrc: src, ipDst: dst, hopLimit, msg };
      const f = decodeNdpFrame(encodeNdpFrame(frame));
      assert.ok(f.ok);
      assert.deepEqual(f.value, frame);
    }),
  );
});

test("property: arbitrary and truncated bytes give an error value, never a throw", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => void decodeNdpFrame(b)));
  fc.assert(
    fc.property(message, ip6, ip6, fc.nat(), (msg, src, dst, cut) => {
      const bytes = encodeNdpFrame({ ethDst: A, ethSrc: B, ipSrc: src, ipDst: dst, hopLimit: 255, msg });
      const r = decodeNdpFrame(bytes.subarray(0, cut % bytes.length));
      assert.equal(r.ok, false);
    }),
  );
});
