import { test } from "node:test";
import assert from "node:assert/strict";
import { protocolFor, type Mode } from "../../../src/core/arping/protocol.ts";
import { encodeNdpFrame, newAdvertisement, newSolicitation, newUnsolicitedAdvertisement, type NdpFrame } from "../../../src/core/packet/ndp.ts";
import { decodeArpFrame } from "../../../src/core/packet/arp.ts";

const ME = "02:00:00:00:00:0a";
const PEER = "02:00:00:00:00:0b";
const T = "2001:db8::2";

function ndp(mode: Mode) {
  return protocolFor(6, { mode, target: T, source: mode === "dad" ? "::" : "2001:db8::1", sourceGiven: false, mac: ME });
}

test("IPv6 answers: solicited NA for the target (any mode); unsolicited NA and foreign DAD probes only in DAD", () => {
  const solicited = newAdvertisement({ mac: PEER, target: T, dstIp: "2001:db8::1", dstMac: ME, solicited: true, override: true });
  const cases: [string, NdpFrame, number, Mode, string | undefined][] = [
    ["solicited NA", solicited, 0, "probe", "reply"],
    ["solicited NA, OTHERHOST", solicited, 3, "probe", undefined],
    ["hop limit 64", { ...solicited, hopLimit: 64 }, 0, "probe", undefined],
    ["NA for another target", newAdvertisement({ mac: PEER, target: "2001:db8::3", dstIp: "2001:db8::1", dstMac: ME, solicited: true, override: true }), 0, "probe", undefined],
    ["unsolicited NA while probing", newUnsolicitedAdvertisement(PEER, T), 2, "probe", undefined],
    ["unsolicited NA during DAD", newUnsolicitedAdvertisement(PEER, T), 2, "dad", "reply"],
    ["our own NA", newUnsolicitedAdvertisement(ME, T), 2, "dad", undefined],
    ["another node's DAD probe", newSolicitation({ mac: PEER, src: "::", target: T }), 2, "dad", "request"],
    ["an ordinary NS", newSolicitation({ mac: PEER, src: "2001:db8::9", target: T }), 2, "dad", undefined],
  ];
  for (const [name, frame, pkttype, mode, want] of cases) assert.equal(ndp(mode).match(encodeNdpFrame(frame), pkttype)?.kind, want, name);
  const na = ndp("probe").match(encodeNdpFrame({ ...solicited, msg: { ...solicited.msg, options: [] } }), 0);
  assert.equal(na?.mac, PEER, "no target LLA option: the Ethernet source is the answer");
});

test("probes: NS to the solicited-node group first, then unicast; DAD from ::; -U/-A an unsolicited NA", () => {
  const first = ndp("probe").probe(undefined);
  assert.equal(first.broadcast, true);
  const uni = ndp("probe").probe(PEER);
  assert.equal(uni.broadcast, false);
  assert.deepEqual([...first.bytes.subarray(0, 6)], [0x33, 0x33, 0xff, 0, 0, 2]);
  const arp = protocolFor(4, { mode: "unsolicited-reply", target: "198.51.100.1", source: "198.51.100.7", sourceGiven: true, mac: ME }).probe(undefined);
  const d = decodeArpFrame(arp.bytes);
  assert.ok(d.ok);
  assert.deepEqual([d.value.arp.op, d.value.arp.spa, d.value.arp.tpa, d.value.arp.tha], [2, "198.51.100.7", "198.51.100.1", ME], "-A -s: spa = source, tha = own MAC");
  assert.equal(ndp("unsolicited-request").probe(undefined).broadcast, true);
});
