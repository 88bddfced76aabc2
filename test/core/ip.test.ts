import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { canonicalIp, compareIp, compareIpText, familyOf, formatIp, inCidr, ipAdd, ipDiff, ipFromBigInt, ipToBigInt, parseCidr, parseIp } from "../../src/core/ip.ts";
import { formatRange, rangeFromCidr, rangeFromStartStop, rangesOverlap, rangeSize, rangeContains } from "../../src/core/range.ts";

const ip = (s: string) => {
  const v = parseIp(s);
  assert.ok(v, `parse ${s}`);
  return v;
};

test("parseIp/formatIp: canonical forms (RFC 5952, Go netip)", () => {
  const cases: [string, string | undefined][] = [
    ["192.168.10.211", "192.168.10.211"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["010.0.0.1", undefined], // Go rejects leading zeros
    ["256.0.0.1", undefined],
    ["1.2.3", undefined],
    ["1.2.3.4.5", undefined],
    ["", undefined],
    ["10.0.0.1/32", undefined],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    ["1::", "1::"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::ffff:1.2.3.4", "::ffff:1.2.3.4"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["1:2:3:4:5:6:7:8:9", undefined],
    ["1::2::3", undefined],
    ["fe80::1%eth0", undefined],
    ["12345::", undefined],
    [":1", undefined],
  ];
  for (const [input, want] of cases) {
    const got = parseIp(input);
    assert.equal(got === undefined ? undefined : formatIp(got), want, input);
  }
});

test("ipAdd/ipDiff cross 32-bit word and 2^53 boundaries without losing precision", () => {
  const cases: [string, number | bigint, string][] = [
    ["10.0.0.255", 1, "10.0.1.0"],
    ["2001:db8::ffff:ffff", 1, "2001:db8::1:0:0"],
    ["2001:db8::", 2 ** 40, "2001:db8::100:0:0"],
    ["2001:db8::", 2n ** 64n - 1n, "2001:db8::ffff:ffff:ffff:ffff"],
    ["2001:db8::", 2n ** 70n, "2001:db8:0:40::"],
  ];
  for (const [from, off, want] of cases) {
    const to = ipAdd(ip(from), off);
    assert.equal(formatIp(to), want, `${from}+${off}`);
    assert.equal(ipDiff(ip(from), to), off, `diff ${from} ${want}`);
  }
});

test("parseCidr: masks host bits; rejects /33, 300.1.1.1/24, bare IPs (spec §1.2, issue bad input)", () => {
  const cases: [string, string | RegExp][] = [
    ["10.0.0.12/24", "10.0.0.0/24"],
    ["192.168.100.200/28", "192.168.100.192/28"],
    ["::0000/112", "::/112"],
    ["2001:db8::1/64", "2001:db8::/64"],
    ["10.0.0.0/33", /prefix length 33 exceeds 32/],
    ["2001:db8::/129", /exceeds 128/],
    ["300.1.1.1/24", /not an IP address/],
    ["10.0.0.1", /bare IP/],
    ["10.0.0.0/08", /bad prefix length/],
    ["10.0.0.0/", /bad prefix length/],
  ];
  for (const [input, want] of cases) {
    const r = parseCidr(input);
    if (typeof want === "string") {
      assert.ok(r.ok, input);
      assert.equal(`${formatIp(r.cidr.ip)}/${r.cidr.prefix}`, want);
    } else {
      assert.ok(!r.ok, input);
      assert.match(r.error, want);
    }
  }
  const c = parseCidr("10.1.0.0/16");
  assert.ok(c.ok);
  assert.equal(inCidr(ip("10.1.255.3"), c.cidr), true);
  assert.equal(inCidr(ip("10.2.0.0"), c.cidr), false);
  assert.equal(inCidr(ip("::a01:0"), c.cidr), false);
});

test("ranges: sizes as big integers, start/stop rules, Cilium intersect (spec §1.2, §3.6)", () => {
  const size = (s: string) => {
    const r = rangeFromCidr(s);
    assert.ok(r.ok);
    return BigInt(rangeSize(r.range));
  };
  assert.equal(size("10.0.0.0/24"), 256n);
  assert.equal(size("2001:db8::/64"), 18446744073709551616n);
  assert.equal(size("ff::/48"), 1208925819614629174706176n);
  assert.equal(size("::/0"), 2n ** 128n);
  const single = rangeFromStartStop("10.0.0.5", "");
  assert.ok(single.ok && formatRange(single.range) === "10.0.0.5 - 10.0.0.5");
  const bad: [string, string, RegExp][] = [
    ["10.0.0.9", "10.0.0.1", /after stop/],
    ["10.0.0.1", "2001:db8::1", /different IP families/],
    ["10.0.0.x", "10.0.0.9", /start .* not an IP/],
  ];
  for (const [a, b, re] of bad) {
    const r = rangeFromStartStop(a, b);
    assert.ok(!r.ok && re.test(r.error), `${a}-${b}`);
  }
  const r = (a: string, b: string) => ({ from: ip(a), to: ip(b) });
  assert.equal(rangesOverlap(r("10.0.0.0", "10.0.0.10"), r("10.0.0.10", "10.0.0.20")), true, "touching counts");
  assert.equal(rangesOverlap(r("10.0.0.0", "10.0.0.9"), r("10.0.0.10", "10.0.0.20")), false);
  assert.equal(rangesOverlap(r("0.0.0.0", "255.255.255.255"), r("::", "::ffff:ffff")), false, "families never overlap");
  assert.equal(rangeContains(r("10.0.0.0", "10.0.0.9"), ip("10.0.0.9")), true);
});

test("property: parsers never throw and formatIp∘parseIp is canonical", () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      parseIp(s);
      parseCidr(s);
      rangeFromCidr(s);
      rangeFromStartStop(s, s);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), (v) => {
      const a = ipFromBigInt(6, v);
      const back = parseIp(formatIp(a));
      assert.ok(back);
      assert.equal(ipToBigInt(back), v);
      assert.equal(compareIp(a, back), 0);
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.ipV6(), (s) => {
      const a = parseIp(s);
      assert.ok(a, s);
    }),
    { numRuns: 500 },
  );
});

// The one canonical text (issue 10): every command parses and prints addresses through these.
test("canonicalIp: one text per address; leading zeros refused; mapped refused only when asked", () => {
  const cases: [string, string | undefined, string | undefined][] = [
    // input, canonicalIp, canonicalIp with refuseMapped (the announcer)
    ["192.0.2.10", "192.0.2.10", "192.0.2.10"],
    ["2001:DB8:0::50", "2001:db8::50", "2001:db8::50"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1", undefined],
    ["::ffff:c000:201", "::ffff:192.0.2.1", undefined],
    ["::ffff:1:2", "::ffff:0.1.0.2", undefined],
    ["2001:db8::ffff:1:2", "2001:db8::ffff:1:2", "2001:db8::ffff:1:2"],
    ["010.0.0.1", undefined, undefined],
    ["10.0.0.01", undefined, undefined],
    ["192.0.2.300", undefined, undefined],
    [" 192.0.2.1", undefined, undefined],
    ["fe80::1%eth0", undefined, undefined],
    ["eth0", undefined, undefined],
  ];
  for (const [input, want, announce] of cases) {
    assert.equal(canonicalIp(input), want, input);
    assert.equal(canonicalIp(input, { refuseMapped: true }), announce, `${input} (refuseMapped)`);
    assert.equal(familyOf(input), want === undefined ? undefined : want.includes(":") ? 6 : 4, input);
  }
});

test("compareIpText: IPv4 before IPv6, numeric, non-addresses last", () => {
  const sorted = ["2001:db8::10", "bogus", "192.0.2.10", "2001:db8::9", "192.0.2.9", "::ffff:192.0.2.1"].sort(compareIpText);
  assert.deepEqual(sorted, ["192.0.2.9", "192.0.2.10", "::ffff:192.0.2.1", "2001:db8::9", "2001:db8::10", "bogus"]);
});

test("property: the dotted-quad reader agrees with the grammar written as a regular expression", () => {
  // Four parts 0-255, no leading zeros, nothing else (the rule before the character loop).
  const reference = (s: string): string | undefined => {
    const parts = s.split(".");
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
    return parts.map(Number).join(".");
  };
  const text = fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", ".", ".", "a", " ", "-"), maxLength: 18 });
  const quad = fc.tuple(fc.nat(300), fc.nat(300), fc.nat(300), fc.nat(300), fc.constantFrom("", "0", "00")).map(([a, b, c, d, z]) => `${z}${a}.${b}.${c}.${d}`);
  fc.assert(
    fc.property(fc.oneof(text, quad), (s) => {
      const ip = parseIp(s);
      assert.equal(ip?.family === 4 ? formatIp(ip) : undefined, reference(s), JSON.stringify(s));
    }),
    { numRuns: 5000 },
  );
});
