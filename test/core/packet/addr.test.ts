import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from "../../../src/core/packet/addr.ts";

test("IPv4 parse: accepts dotted quads only", () => {
  const cases: [string, string | undefined][] = [
    ["198.51.100.2", "198.51.100.2"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["256.1.1.1", undefined],
    ["1.2.3", undefined],
    ["01.2.3.4", undefined],
    ["1.2.3.4.5", undefined],
    ["", undefined],
    [" 1.2.3.4", undefined],
  ];
  for (const [input, want] of cases) {
    const b = parseIPv4(input);
    assert.equal(b ? formatIPv4(b) : undefined, want, input);
  }
});

test("IPv6 parse and RFC 5952 format", () => {
  const cases: [string, string | undefined][] = [
    ["2001:db8::1", "2001:db8::1"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    ["fe80::ff:fe00:a", "fe80::ff:fe00:a"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["::ffff:198.51.100.2", "::ffff:198.51.100.2"], // RFC 5952 §5: IPv4-mapped addresses keep the dotted tail
    ["ff02::1:ff00:2", "ff02::1:ff00:2"],
    ["1:2:3:4:5:6:7:8:9", undefined],
    ["1::2::3", undefined],
    ["12345::", undefined],
    ["1:2:3:4:5:6:7:8::", undefined],
    ["g::", undefined],
    ["198.51.100.2", undefined],
  ];
  for (const [input, want] of cases) {
    const b = parseIPv6(input);
    assert.equal(b ? formatIPv6(b) : undefined, want, input);
  }
});

test("property: format(parse(format(bytes))) round-trips for any address", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
      const text = formatIPv6(b);
      assert.deepEqual(parseIPv6(text), b);
    }),
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 4 }), (b) => {
      assert.deepEqual(parseIPv4(formatIPv4(b)), b);
    }),
  );
  // arbitrary text: either rejected, or an address whose canonical text parses back to the same bytes
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9a-f:.]{0,45}$/)), (s) => {
      const b = parseIPv6(s);
      if (b !== undefined) assert.deepEqual(parseIPv6(formatIPv6(b)), b);
      const v4 = parseIPv4(s);
      if (v4 !== undefined) assert.equal(formatIPv4(v4), s);
    }),
  );
});
