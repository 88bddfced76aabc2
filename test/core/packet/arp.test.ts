import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatIPv4 } from "../../../src/core/packet/addr.ts";
import {
  arpMessageBytes,
  decodeArp,
  decodeArpFrame,
  encodeArp,
  newGratuitous,
  newReply,
  newRequest,
  type ArpPacket,
} from "../../../src/core/packet/arp.ts";
import { formatMac } from "../../../src/core/packet/ethernet.ts";
import { hex } from "./hex.ts";

// Frames captured from iputils arping and the kernel (spec arping.md §3.6).
const GOLDEN: [string, string, string][] = [
  [
    "iputils broadcast request",
    "ffff ffff ffff 0200 0000 000a 0806 0001 0800 0604 0001 0200 0000 000a c633 6401 ffff ffff ffff c633 6402",
    "request",
  ],
  ["kernel reply", "0200 0000 000a 0200 0000 000b 0806 0001 0800 0604 0002 0200 0000 000b c633 6402 0200 0000 000a c633 6401", "reply"],
  [
    "iputils unicast follow-up",
    "0200 0000 000b 0200 0000 000a 0806 0001 0800 0604 0001 0200 0000 000a c633 6401 0200 0000 000b c633 6402",
    "unicast",
  ],
  ["iputils -D probe", "ffff ffff ffff 0200 0000 000a 0806 0001 0800 0604 0001 0200 0000 000a 0000 0000 ffff ffff ffff c633 6402", "probe"],
  ["iputils -U", "ffff ffff ffff 0200 0000 000a 0806 0001 0800 0604 0001 0200 0000 000a c633 6401 ffff ffff ffff c633 6401", "garp-req"],
  ["iputils -A", "ffff ffff ffff 0200 0000 000a 0806 0001 0800 0604 0002 0200 0000 000a c633 6401 0200 0000 000a c633 6401", "garp-rep"],
];

const A = "02:00:00:00:00:0a";
const B = "02:00:00:00:00:0b";

test("builders produce exactly the frames iputils and the kernel put on the wire", () => {
  const built: Record<string, Uint8Array> = {
    request: arpMessageBytes(newRequest({ sha: A, spa: "198.51.100.1", tpa: "198.51.100.2" })),
    unicast: arpMessageBytes(newRequest({ sha: A, spa: "198.51.100.1", tpa: "198.51.100.2", ethDst: B })),
    // RFC 5227 probe: sender IP 0.0.0.0 so that nobody's cache learns from it
    probe: arpMessageBytes(newRequest({ sha: A, spa: "0.0.0.0", tpa: "198.51.100.2" })),
    "garp-req": arpMessageBytes(newGratuitous("request", A, "198.51.100.1")),
    "garp-rep": arpMessageBytes(newGratuitous("reply", A, "198.51.100.1")),
  };
  const req = decodeArpFrame(hex(GOLDEN[0]![1]));
  assert.ok(req.ok);
  built["reply"] = arpMessageBytes(newReply({ ...req.value.arp, tha: "00:00:00:00:00:00" }, B));
  for (const [name, wire, key] of GOLDEN) assert.deepEqual(built[key], hex(wire), name);
});

test("decode: fields of a captured reply; padding ignored", () => {
  const padded = new Uint8Array(60);
  padded.set(hex(GOLDEN[1]![1]));
  const f = decodeArpFrame(padded);
  assert.ok(f.ok);
  assert.deepEqual(f.value.arp, { htype: 1, ptype: 0x0800, hlen: 6, plen: 4, op: 2, sha: B, spa: "198.51.100.2", tha: A, tpa: "198.51.100.1" });
  assert.equal(f.value.eth.src, B);
});

test("decode errors are values: short, truncated, odd lengths, not ARP", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /too short/],
    ["7 bytes", new Uint8Array(7), /too short/],
    ["hlen 8", Uint8Array.from([0, 1, 8, 0, 8, 4, 0, 1]), /hlen=8/],
    ["truncated", hex("0001 0800 0604 0001 0200 0000 000a c633"), /truncated/],
  ];
  for (const [name, bytes, want] of cases) {
    const r = decodeArp(bytes);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.error, want, name);
  }
  const ipv4 = hex(GOLDEN[0]![1]);
  ipv4[13] = 0x00;
  const r = decodeArpFrame(ipv4);
  assert.equal(r.ok, false);
});

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));
const ip = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(b));
const arp: fc.Arbitrary<ArpPacket> = fc.record({
  htype: fc.integer({ min: 0, max: 0xffff }),
  ptype: fc.integer({ min: 0, max: 0xffff }),
  hlen: fc.constant(6),
  plen: fc.constant(4),
  op: fc.integer({ min: 0, max: 0xffff }),
  sha: mac,
  spa: ip,
  tha: mac,
  tpa: ip,
}, { noNullPrototype: true });

test("property: decode(encode(x)) = x", () => {
  fc.assert(
    fc.property(arp, (x) => {
      const back = decodeArp(encodeArp(x));
      assert.ok(back.ok);
      assert.deepEqual(back.value, x);
    }),
  );
});

test("property: arbitrary and truncated bytes give an error value, never a throw", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void decodeArpFrame(b)));
  fc.assert(
    fc.property(arp, fc.nat(27), (x, cut) => {
      const r = decodeArp(encodeArp(x).subarray(0, cut));
      assert.equal(r.ok, false);
    }),
  );
});
