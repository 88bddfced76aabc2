// The decode → respond path against hostile input: random bytes and mutated valid frames never
// throw and never produce a reply for an address that is not held.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeFrame, encodeFrame } from "../../../src/adapters/announce/packet-port.ts";
import { respond, type ResponderView } from "../../../src/core/announce/responder.ts";
import { gratuitousFrames } from "../../../src/core/announce/announcements.ts";
import { probeFrame } from "../../../src/core/announce/probe.ts";
import { arpMessageBytes, newRequest } from "../../../src/core/packet/arp.ts";
import { encodeNdpFrame, newSolicitation } from "../../../src/core/packet/ndp.ts";

const OUR = "02:00:00:00:00:01";
const VIP = "192.0.2.10";
const VIP6 = "2001:db8::10";
const view: ResponderView = { ifname: "eth0", mac: OUR, holds: (ip) => ip === VIP || ip === VIP6, holdsAnywhere: (ip) => ip === VIP || ip === VIP6 };

const validArp = arpMessageBytes(newRequest({ sha: "02:00:00:00:00:99", spa: "192.0.2.1", tpa: VIP, tha: "00:00:00:00:00:00" }));
const validNs = encodeNdpFrame(newSolicitation({ mac: "02:00:00:00:00:99", src: "2001:db8::1", target: VIP6 }));

test("valid frames decode into the responder's shapes and get answers that encode", () => {
  const a = decodeFrame(validArp);
  assert.equal(a?.kind, "arp");
  const d = respond(a!, view);
  assert.ok("reply" in d);
  const back = decodeFrame(encodeFrame(d.reply));
  assert.deepEqual(back, { kind: "arp", ethSrc: OUR, ethDst: "02:00:00:00:00:99", op: 2, senderMac: OUR, senderIp: VIP, targetMac: "02:00:00:00:00:99", targetIp: "192.0.2.1" });
  const n = decodeFrame(validNs);
  assert.equal(n?.kind, "ns");
  const dn = respond(n!, view);
  assert.ok("reply" in dn && dn.reply.kind === "na");
  const na = decodeFrame(encodeFrame(dn.reply));
  assert.deepEqual(na, { kind: "na", ethSrc: OUR, ethDst: "02:00:00:00:00:99", ipSrc: VIP6, ipDst: "2001:db8::1", target: VIP6, targetLla: OUR });
  for (const f of [...gratuitousFrames(VIP, OUR), ...gratuitousFrames(VIP6, OUR), probeFrame(VIP, OUR), probeFrame(VIP6, OUR)]) {
    assert.ok(decodeFrame(encodeFrame(f)) !== undefined, JSON.stringify(f));
  }
});

test("property: random and mutated frames never throw; replies only for held targets", () => {
  const mutate = (base: Uint8Array) => fc.array(fc.tuple(fc.nat(base.length + 8), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }).chain((edits) => fc.nat(base.length + 8).map((len) => {
    const b = new Uint8Array(Math.max(0, len));
    b.set(base.subarray(0, b.length));
    for (const [i, v] of edits) if (i < b.length) b[i] = v;
    return b;
  }));
  const frames = fc.oneof(fc.uint8Array({ maxLength: 120 }), mutate(validArp), mutate(validNs));
  fc.assert(fc.property(frames, (bytes) => {
    const f = decodeFrame(bytes);
    if (!f) return;
    const d = respond(f, view);
    if ("reply" in d) {
      const target = f.kind === "arp" ? f.targetIp : f.target;
      assert.ok(target === VIP || target === VIP6, target);
      encodeFrame(d.reply);
    }
  }), { numRuns: 5000 });
});
