import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeEthernet, encodeEthernet, formatMac, isMulticastMac, parseMac } from "../../../src/core/packet/ethernet.ts";

test("MAC parse: canonical lowercase, colon or dash, 1-2 digits", () => {
  const cases: [string, string | undefined][] = [
    ["02:00:00:00:00:0B", "02:00:00:00:00:0b"],
    ["2-0-0-0-0-b", "02:00:00:00:00:0b"],
    ["ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff"],
    ["02:00:00:00:00", undefined],
    ["02:00:00:00:00:0g", undefined],
    ["020:00:00:00:00:0b", undefined],
    ["", undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseMac(input), want, input);
  assert.equal(isMulticastMac("33:33:ff:00:00:02"), true);
  assert.equal(isMulticastMac("02:00:00:00:00:0b"), false);
});

test("decode: header fields, short frames and 802.3 length fields are errors", () => {
  const f = decodeEthernet(Uint8Array.from([255, 255, 255, 255, 255, 255, 2, 0, 0, 0, 0, 10, 8, 6, 1, 2]));
  assert.ok(f.ok);
  assert.deepEqual(f.value, { dst: "ff:ff:ff:ff:ff:ff", src: "02:00:00:00:00:0a", ethertype: 0x0806, payload: Uint8Array.from([1, 2]) });
  const short = decodeEthernet(new Uint8Array(13));
  assert.equal(short.ok, false);
  const dot3 = decodeEthernet(new Uint8Array(60));
  assert.equal(dot3.ok, false);
});

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => formatMac(b));

test("property: decode(encode(x)) = x", () => {
  fc.assert(
    fc.property(mac, mac, fc.integer({ min: 0x0600, max: 0xffff }), fc.uint8Array({ maxLength: 100 }), (dst, src, ethertype, payload) => {
      const x = { dst, src, ethertype, payload };
      const back = decodeEthernet(encodeEthernet(x));
      assert.ok(back.ok);
      assert.deepEqual(back.value, x);
    }),
  );
});

test("property: arbitrary bytes never throw", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => void decodeEthernet(b)));
});
