import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatL3n4, parseFrontendQuery } from "../../../src/core/service/addr.ts";
import { canonicalIp as canonical, compareIpText as compareIp, familyOf } from "../../../src/core/ip.ts";

const canonicalIp = (s: string): string => canonical(s) ?? assert.fail(`not an address: ${s}`);

test("parseFrontendQuery accepts IP and IP:PORT for both families", () => {
  const cases: [string, { ip: string; port: number | undefined } | undefined][] = [
    ["192.168.10.212", { ip: "192.168.10.212", port: undefined }],
    ["192.168.10.212:80", { ip: "192.168.10.212", port: 80 }],
    ["2001:DB8::1", { ip: "2001:db8::1", port: undefined }],
    ["[2001:db8:0:0::1]:443", { ip: "2001:db8::1", port: 443 }],
    ["192.168.10.300", undefined],
    ["10.0.0.1:0", undefined],
    ["10.0.0.1:99999", undefined],
    ["web.example", undefined],
    ["[10.0.0.1", undefined],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseFrontendQuery(input), want, input);
});

test("formatL3n4 brackets IPv6 and marks the internal scope", () => {
  assert.equal(formatL3n4("10.96.0.10", 53, "UDP"), "10.96.0.10:53/UDP");
  assert.equal(formatL3n4("::", 30080, "TCP"), "[::]:30080/TCP");
  assert.equal(formatL3n4("192.168.10.211", 80, "TCP", true), "192.168.10.211:80/TCP/i");
});

test("property: canonical IPv6 text is stable, parses back to the same value and orders consistently", () => {
  const v6 = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }).map((g) => g.map((x) => x.toString(16)).join(":"));
  fc.assert(
    fc.property(v6, v6, (a, b) => {
      const ca = canonicalIp(a);
      assert.equal(familyOf(ca), 6);
      assert.equal(canonicalIp(ca), ca);
      assert.equal(compareIp(a, ca), 0);
      assert.equal(Math.sign(compareIp(a, b)), -Math.sign(compareIp(b, a)));
    }),
  );
  fc.assert(
    fc.property(fc.ipV4(), fc.ipV6(), (v4, v6addr) => {
      assert.equal(familyOf(v4), 4);
      assert.equal(familyOf(v6addr), 6);
      assert.ok(compareIp(v4, v6addr) < 0);
      assert.equal(compareIp(canonicalIp(v6addr), v6addr), 0);
    }),
  );
});
