import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { answerOf, requestFrame } from "../../../src/core/l2status/probe-frames.ts";
import { arpMessageBytes, decodeArpFrame, newReply, newGratuitous } from "../../../src/core/packet/arp.ts";
import { decodeNdpFrame, encodeNdpFrame, newAdvertisement } from "../../../src/core/packet/ndp.ts";

const ME = "02:00:00:00:00:0c";
const THEM = "02:00:00:00:00:a1";

test("probe frames: ARP request who-has VIP, answered by a reply naming the VIP and the MAC", () => {
  const req = decodeArpFrame(requestFrame("192.0.2.10", { mac: ME, ip: "192.0.2.100" }));
  assert.ok(req.ok);
  assert.equal(req.value.arp.op, 1);
  assert.equal(req.value.arp.tpa, "192.0.2.10");
  assert.equal(req.value.arp.spa, "192.0.2.100");
  assert.equal(req.value.arp.tha, "00:00:00:00:00:00");
  assert.equal(req.value.eth.dst, "ff:ff:ff:ff:ff:ff");
  const reply = arpMessageBytes(newReply(req.value.arp, THEM));
  assert.deepEqual(answerOf(reply, 4), { ip: "192.0.2.10", mac: THEM });
  // requests (including gratuitous ones) are not answers
  assert.equal(answerOf(requestFrame("192.0.2.10", { mac: ME }), 4), undefined);
  assert.equal(answerOf(arpMessageBytes(newGratuitous("request", THEM, "192.0.2.10")), 4), undefined);
});

test("probe frames: without a source address ARP uses 0.0.0.0 and NDP uses ::", () => {
  const arp = decodeArpFrame(requestFrame("192.0.2.10", { mac: ME }));
  assert.ok(arp.ok && arp.value.arp.spa === "0.0.0.0");
  const ns = decodeNdpFrame(requestFrame("2001:db8::10", { mac: ME }));
  assert.ok(ns.ok);
  assert.equal(ns.value.ipSrc, "::");
  assert.equal(ns.value.ipDst, "ff02::1:ff00:10");
  assert.equal(ns.value.msg.type, "ns");
});

test("probe frames: NDP NS and NA with or without the target LLA option", () => {
  const na = encodeNdpFrame(newAdvertisement({ mac: THEM, target: "2001:db8::10", dstIp: "2001:db8::c", dstMac: ME, solicited: true, override: true }));
  assert.deepEqual(answerOf(na, 6), { ip: "2001:db8::10", mac: THEM });
  const bare = newAdvertisement({ mac: THEM, target: "2001:db8::10", dstIp: "2001:db8::c", dstMac: ME, solicited: true, override: true });
  bare.msg = { ...bare.msg, options: [] } as typeof bare.msg;
  assert.deepEqual(answerOf(encodeNdpFrame(bare), 6), { ip: "2001:db8::10", mac: THEM });
  assert.equal(answerOf(requestFrame("2001:db8::10", { mac: ME, ip: "2001:db8::c" }), 6), undefined);
});

test("probe frames: answerOf never throws on arbitrary bytes", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom<4 | 6>(4, 6), (bytes, fam) => {
    const a = answerOf(bytes, fam);
    assert.ok(a === undefined || typeof a.mac === "string");
  }), { numRuns: 500 });
});
