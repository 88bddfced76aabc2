import { test } from "node:test";
import assert from "node:assert/strict";
import { probeConflict, probeFrame } from "../../../src/core/announce/probe.ts";
import type { DecodedFrame } from "../../../src/core/announce/responder.ts";

const OUR = "02:00:00:00:00:01";
const THEM = "02:00:00:00:00:99";
const VIP = "192.0.2.10";

test("probe frames: ARP from 0.0.0.0 broadcast; DAD NS from :: to the solicited-node group", () => {
  assert.deepEqual(probeFrame(VIP, OUR), { kind: "arp", ethSrc: OUR, ethDst: "ff:ff:ff:ff:ff:ff", op: 1, senderMac: OUR, senderIp: "0.0.0.0", targetMac: "00:00:00:00:00:00", targetIp: VIP });
  assert.deepEqual(probeFrame("2001:db8::10", OUR), { kind: "ns", ethSrc: OUR, ethDst: "33:33:ff:00:00:10", ipSrc: "::", ipDst: "ff02::1:ff00:10", hopLimit: 255, target: "2001:db8::10" });
});

test("probe conflicts (table)", () => {
  const arp = (o: object): DecodedFrame => ({ kind: "arp", ethSrc: THEM, ethDst: OUR, op: 2, senderMac: THEM, senderIp: VIP, targetMac: OUR, targetIp: "0.0.0.0", ...o });
  const cases: [string, DecodedFrame, string | undefined][] = [
    ["reply to our probe", arp({}), THEM],
    ["their announcement", arp({ op: 1, ethDst: "ff:ff:ff:ff:ff:ff", targetIp: VIP }), THEM],
    ["their simultaneous probe", arp({ op: 1, senderIp: "0.0.0.0", targetIp: VIP }), THEM],
    ["unrelated request", arp({ op: 1, senderIp: "192.0.2.1", targetIp: "192.0.2.2" }), undefined],
    ["our own probe looped back", arp({ ethSrc: OUR, senderMac: OUR, op: 1, senderIp: "0.0.0.0", targetIp: VIP }), undefined],
    ["NA for the address", { kind: "na", ethSrc: THEM, ethDst: "33:33:00:00:00:01", ipSrc: "2001:db8::10", ipDst: "ff02::1", target: "2001:db8::10", targetLla: THEM }, undefined],
  ];
  for (const [name, frame, want] of cases) assert.equal(probeConflict(frame, VIP, OUR), want, name);
  const na: DecodedFrame = { kind: "na", ethSrc: THEM, ethDst: OUR, ipSrc: "2001:db8::10", ipDst: "fe80::1", target: "2001:db8::10", targetLla: THEM };
  assert.equal(probeConflict(na, "2001:db8::10", OUR), THEM);
  const dad: DecodedFrame = { kind: "ns", ethSrc: THEM, ethDst: "33:33:ff:00:00:10", ipSrc: "::", ipDst: "ff02::1:ff00:10", hopLimit: 255, target: "2001:db8::10" };
  assert.equal(probeConflict(dad, "2001:db8::10", OUR), THEM);
});
