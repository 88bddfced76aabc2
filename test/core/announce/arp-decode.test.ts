import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeArpEthernetFrame } from "../../../src/core/announce/arp-decode.ts";
import { ARPHRD_ETHER, arpMessageBytes, decodeArpFrame, newRequest } from "../../../src/core/packet/arp.ts";
import { ETHERTYPE_IPV4 } from "../../../src/core/packet/ethernet.ts";

/** The generic codec's answer, mapped as the announcer used to: the oracle for the fast path. */
function viaCodec(b: Uint8Array): unknown {
  const r = decodeArpFrame(b);
  if (!r.ok || r.value.arp.htype !== ARPHRD_ETHER || r.value.arp.ptype !== ETHERTYPE_IPV4) return undefined;
  const { eth, arp } = r.value;
  return { kind: "arp", ethSrc: eth.src, ethDst: eth.dst, op: arp.op, senderMac: arp.sha, senderIp: arp.spa, targetMac: arp.tha, targetIp: arp.tpa };
}

test("decodeArpEthernetFrame: a request decodes to the responder's shape", () => {
  const b = arpMessageBytes(newRequest({ sha: "02:00:00:00:00:0a", spa: "198.51.100.1", tpa: "192.0.2.7", tha: "00:00:00:00:00:00" }));
  assert.deepEqual(decodeArpEthernetFrame(b), {
    kind: "arp", ethSrc: "02:00:00:00:00:0a", ethDst: "ff:ff:ff:ff:ff:ff", op: 1,
    senderMac: "02:00:00:00:00:0a", senderIp: "198.51.100.1", targetMac: "00:00:00:00:00:00", targetIp: "192.0.2.7",
  });
  assert.equal(decodeArpEthernetFrame(b.subarray(0, 41)), undefined, "truncated");
});

test("decodeArpEthernetFrame agrees with the generic codec on arbitrary and near-ARP frames", () => {
  const header = fc.constantFrom([0x08, 0x06, 0, 1, 0x08, 0, 6, 4], [0x08, 0x06, 0, 1, 0x08, 0, 6, 5], [0x08, 0x06, 0, 6, 0x08, 0, 6, 4], [0x86, 0xdd, 0, 1, 0x08, 0, 6, 4]);
  // Few distinct byte values so that cached strings get reused across frames.
  const byte = fc.constantFrom(0, 1, 2, 0x0a, 0xc0, 0xff);
  const frame = fc.tuple(fc.array(byte, { minLength: 12, maxLength: 12 }), header, fc.array(byte, { minLength: 0, maxLength: 40 })).map(([a, h, c]) => Uint8Array.from([...a, ...h, ...c]));
  fc.assert(fc.property(fc.oneof(frame, fc.uint8Array({ maxLength: 64 })), (b) => {
    assert.deepEqual(decodeArpEthernetFrame(b), viaCodec(b));
  }), { numRuns: 3000 });
});
