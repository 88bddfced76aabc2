import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ArpFastCodec, type ArpFields } from "../../../src/core/packet/arp-fast.ts";
import { ARPHRD_ETHER, arpMessageBytes, decodeArpFrame, encodeArp, newRequest } from "../../../src/core/packet/arp.ts";
import { encodeEthernet, ETHERTYPE_ARP, ETHERTYPE_IPV4 } from "../../../src/core/packet/ethernet.ts";

/** The generic codec's answer in the flat shape: the oracle for the fast decoder. */
function viaCodec(b: Uint8Array): unknown {
  const r = decodeArpFrame(b);
  if (!r.ok || r.value.arp.htype !== ARPHRD_ETHER || r.value.arp.ptype !== ETHERTYPE_IPV4) return undefined;
  const { eth, arp } = r.value;
  return { kind: "arp", ethSrc: eth.src, ethDst: eth.dst, op: arp.op, senderMac: arp.sha, senderIp: arp.spa, targetMac: arp.tha, targetIp: arp.tpa };
}

/** The generic codec's bytes for a flat frame: the oracle for the fast encoder. */
function encodeViaCodec(f: ArpFields): Uint8Array {
  const arp = encodeArp({ htype: ARPHRD_ETHER, ptype: ETHERTYPE_IPV4, hlen: 6, plen: 4, op: f.op, sha: f.senderMac, spa: f.senderIp, tha: f.targetMac, tpa: f.targetIp });
  return encodeEthernet({ dst: f.ethDst, src: f.ethSrc, ethertype: ETHERTYPE_ARP, payload: arp });
}

test("ArpFastCodec.decode: a request decodes to the flat shape", () => {
  const codec = new ArpFastCodec();
  const b = arpMessageBytes(newRequest({ sha: "02:00:00:00:00:0a", spa: "198.51.100.1", tpa: "192.0.2.7", tha: "00:00:00:00:00:00" }));
  assert.deepEqual(codec.decode(b), {
    kind: "arp", ethSrc: "02:00:00:00:00:0a", ethDst: "ff:ff:ff:ff:ff:ff", op: 1,
    senderMac: "02:00:00:00:00:0a", senderIp: "198.51.100.1", targetMac: "00:00:00:00:00:00", targetIp: "192.0.2.7",
  });
  assert.equal(codec.decode(b.subarray(0, 41)), undefined, "truncated");
});

test("property: ArpFastCodec.decode agrees with the generic codec on arbitrary and near-ARP frames", () => {
  const codec = new ArpFastCodec();
  const header = fc.constantFrom([0x08, 0x06, 0, 1, 0x08, 0, 6, 4], [0x08, 0x06, 0, 1, 0x08, 0, 6, 5], [0x08, 0x06, 0, 6, 0x08, 0, 6, 4], [0x86, 0xdd, 0, 1, 0x08, 0, 6, 4]);
  // Few distinct byte values so that cached strings get reused across frames.
  const byte = fc.constantFrom(0, 1, 2, 0x0a, 0xc0, 0xff);
  const frame = fc.tuple(fc.array(byte, { minLength: 12, maxLength: 12 }), header, fc.array(byte, { minLength: 0, maxLength: 40 })).map(([a, h, c]) => Uint8Array.from([...a, ...h, ...c]));
  fc.assert(fc.property(fc.oneof(frame, fc.uint8Array({ maxLength: 64 })), (b) => {
    assert.deepEqual(codec.decode(b), viaCodec(b));
  }), { numRuns: 3000 });
});

test("property: ArpFastCodec.encode is byte-equal to the generic codec, and decode inverts it", () => {
  const codec = new ArpFastCodec();
  // Few distinct values so that the encoder's caches are hit as well as filled.
  const mac = fc.constantFrom("ff:ff:ff:ff:ff:ff", "00:00:00:00:00:00", "02:00:00:00:00:0a", "02:00:00:00:00:0b", "0a:1b:2c:3d:4e:5f");
  const ip = fc.oneof(fc.constantFrom("0.0.0.0", "192.0.2.10", "198.51.100.1"), fc.ipV4());
  const flat = fc.record({ kind: fc.constant("arp" as const), ethSrc: mac, ethDst: mac, op: fc.integer({ min: 0, max: 0xffff }), senderMac: mac, senderIp: ip, targetMac: mac, targetIp: ip });
  fc.assert(fc.property(flat, (f) => {
    const fast = codec.encode(f);
    assert.deepEqual(fast, encodeViaCodec(f));
    assert.deepEqual(codec.decode(fast), { ...f });
  }), { numRuns: 3000 });
  assert.throws(() => codec.encode({ kind: "arp", ethSrc: "nope", ethDst: "ff:ff:ff:ff:ff:ff", op: 1, senderMac: "02:00:00:00:00:0a", senderIp: "192.0.2.1", targetMac: "00:00:00:00:00:00", targetIp: "192.0.2.2" }), RangeError);
});
