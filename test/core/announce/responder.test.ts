import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ArpFields } from "../../../src/core/packet/arp-fast.ts";
import { respond, type DecodedFrame, type NsFrame, type ResponderView } from "../../../src/core/announce/responder.ts";
import { multicastMac, solicitedNodeMulticast } from "../../../src/core/packet/ndp.ts";

const OUR = "02:00:00:00:00:01";
const PEER = "02:00:00:00:00:99";
const OTHER = "02:00:00:00:00:77";
const BCAST = "ff:ff:ff:ff:ff:ff";
const VIP = "192.0.2.10";
const VIP6 = "2001:db8::10";
const held: Record<string, string> = { [VIP]: "eth0", [VIP6]: "eth0", "192.0.2.20": "eth1" };
const view: ResponderView = {
  ifname: "eth0",
  mac: OUR,
  holds: (ip, ifname) => held[ip] === ifname,
  holdsAnywhere: (ip) => held[ip] !== undefined,
};

const arp = (o: Partial<ArpFields>): ArpFields => ({
  kind: "arp", ethSrc: PEER, ethDst: BCAST, op: 1, senderMac: PEER, senderIp: "192.0.2.1",
  targetMac: "00:00:00:00:00:00", targetIp: VIP, ...o,
});
const ns = (o: Partial<NsFrame>): NsFrame => ({
  kind: "ns", ethSrc: PEER, ethDst: multicastMac(solicitedNodeMulticast(VIP6)), ipSrc: "2001:db8::1",
  ipDst: solicitedNodeMulticast(VIP6), hopLimit: 255, target: VIP6, sourceLla: PEER, ...o,
});

test("ARP decisions (table)", () => {
  const cases: [string, DecodedFrame, string][] = [
    ["broadcast request, THA zero", arp({}), "reply"],
    ["broadcast request, THA ones", arp({ targetMac: BCAST }), "reply"],
    ["unicast request to our MAC", arp({ ethDst: OUR, targetMac: OUR }), "reply"],
    ["RFC 5227 probe from 0.0.0.0", arp({ senderIp: "0.0.0.0" }), "reply"],
    ["unicast to another MAC", arp({ ethDst: OTHER }), "eth-destination"],
    ["request for an address we do not hold", arp({ targetIp: "192.0.2.99" }), "not-held"],
    ["VIP held on another interface", arp({ targetIp: "192.0.2.20" }), "not-on-interface"],
    ["reply is ignored", arp({ op: 2, senderIp: "192.0.2.1", targetIp: "192.0.2.2" }), "arp-reply"],
    ["unknown opcode", arp({ op: 9 }), "arp-opcode"],
    ["our own frame (Ethernet source)", arp({ ethSrc: OUR }), "own-frame"],
    ["our own frame (SHA)", arp({ senderMac: OUR }), "own-frame"],
    ["foreign reply for our VIP", arp({ op: 2, senderIp: VIP, targetIp: "192.0.2.1" }), "conflict"],
    ["foreign gratuitous request for our VIP", arp({ senderIp: VIP, targetIp: VIP }), "conflict"],
    ["foreign request sourced from our VIP", arp({ senderIp: VIP, targetIp: "192.0.2.1" }), "conflict"],
  ];
  for (const [name, frame, want] of cases) {
    const d = respond(frame, view);
    assert.equal("reply" in d ? "reply" : d.drop, want, name);
  }
});

test("ARP reply fields: unicast to the requester, VIP as sender", () => {
  const d = respond(arp({ senderIp: "0.0.0.0" }), view);
  assert.ok("reply" in d);
  assert.deepEqual(d.reply, {
    kind: "arp", ethSrc: OUR, ethDst: PEER, op: 2, senderMac: OUR, senderIp: VIP, targetMac: PEER, targetIp: "0.0.0.0",
  });
});

test("conflict carries both the VIP and the foreign MAC", () => {
  const d = respond(arp({ op: 2, senderIp: VIP, senderMac: OTHER, ethSrc: OTHER }), view);
  assert.deepEqual(d, { drop: "conflict", conflict: { ip: VIP, theirMac: OTHER, how: "arp-reply" } });
  const na = respond({ kind: "na", ethSrc: OTHER, ethDst: "33:33:00:00:00:01", ipSrc: "fe80::1", ipDst: "ff02::1", target: VIP6, targetLla: OTHER }, view);
  assert.deepEqual(na, { drop: "conflict", conflict: { ip: VIP6, theirMac: OTHER, how: "na" } });
  assert.deepEqual(respond({ kind: "na", ethSrc: OTHER, ethDst: "33:33:00:00:00:01", ipSrc: "fe80::1", ipDst: "ff02::1", target: "2001:db8::99" }, view), { drop: "na-ignored" });
});

test("NDP decisions (table)", () => {
  const cases: [string, DecodedFrame, string][] = [
    ["multicast NS with SLLA", ns({}), "reply"],
    ["unicast NUD NS to our MAC without SLLA", ns({ ipDst: VIP6, ethDst: OUR, sourceLla: undefined }), "reply"],
    ["DAD NS from ::", ns({ ipSrc: "::", sourceLla: undefined }), "reply"],
    ["multicast NS without SLLA (MetalLB drops too)", ns({ sourceLla: undefined }), "no-source-ll"],
    ["hop limit not 255", ns({ hopLimit: 64 }), "bad-hop-limit"],
    ["wrong solicited-node group", ns({ ipDst: "ff02::1:ff00:1" }), "bad-ns"],
    ["multicast target", ns({ target: "ff02::1" }), "bad-ns"],
    ["DAD with SLLA is invalid", ns({ ipSrc: "::" }), "bad-ns"],
    ["unicast NS to another MAC", ns({ ipDst: VIP6, ethDst: OTHER }), "eth-destination"],
    ["not held", ns({ target: "2001:db8::99", ipDst: solicitedNodeMulticast("2001:db8::99"), ethDst: multicastMac(solicitedNodeMulticast("2001:db8::99")) }), "not-held"],
    ["own frame", ns({ ethSrc: OUR }), "own-frame"],
  ];
  for (const [name, frame, want] of cases) {
    const d = respond(frame, view);
    assert.equal("reply" in d ? "reply" : d.drop, want, name);
  }
});

test("NA reply: from the VIP, S=1 O=1, Target LLA; DAD answered to all-nodes with S=0", () => {
  const d = respond(ns({}), view);
  assert.ok("reply" in d && d.reply.kind === "na");
  assert.deepEqual(d.reply, {
    kind: "na", ethSrc: OUR, ethDst: PEER, ipSrc: VIP6, ipDst: "2001:db8::1", hopLimit: 255, target: VIP6,
    solicited: true, override: true, router: false, targetLla: OUR,
  });
  const dad = respond(ns({ ipSrc: "::", sourceLla: undefined }), view);
  assert.ok("reply" in dad && dad.reply.kind === "na");
  assert.equal(dad.reply.ipDst, "ff02::1");
  assert.equal(dad.reply.ethDst, "33:33:00:00:00:01");
  assert.equal(dad.reply.solicited, false);
  const nud = respond(ns({ ipDst: VIP6, ethDst: OUR, sourceLla: undefined }), view);
  assert.ok("reply" in nud && nud.reply.kind === "na");
  assert.equal(nud.reply.ethDst, PEER);
});

test("property: random frames never throw and only held targets get replies", () => {
  const mac = fc.constantFrom(OUR, PEER, OTHER, BCAST, "33:33:ff:00:00:10");
  const ip4 = fc.constantFrom(VIP, "0.0.0.0", "192.0.2.1", "192.0.2.20", "198.51.100.7");
  const ip6 = fc.constantFrom(VIP6, "::", "2001:db8::1", "ff02::1", solicitedNodeMulticast(VIP6), "fe80::1");
  const arpF = fc.record({ kind: fc.constant("arp" as const), ethSrc: mac, ethDst: mac, op: fc.integer({ min: 0, max: 65535 }), senderMac: mac, senderIp: ip4, targetMac: mac, targetIp: ip4 });
  const nsF = fc.record({ kind: fc.constant("ns" as const), ethSrc: mac, ethDst: mac, ipSrc: ip6, ipDst: ip6, hopLimit: fc.integer({ min: 0, max: 255 }), target: ip6, sourceLla: fc.option(mac, { nil: undefined }) });
  fc.assert(fc.property(fc.oneof(arpF, nsF), (frame) => {
    const d = respond(frame, view);
    if ("reply" in d) {
      const target = frame.kind === "arp" ? frame.targetIp : frame.kind === "ns" ? frame.target : "";
      assert.equal(held[target], "eth0");
      assert.equal(d.reply.ethSrc, OUR);
    }
  }), { numRuns: 2000 });
});
