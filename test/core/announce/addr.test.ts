import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalIp } from "../../../src/core/announce/addr.ts";

test("canonicalIp: canonical text; IPv4-mapped IPv6 is refused, not announced as IPv6", () => {
  const cases: [string, string | undefined][] = [
    ["192.0.2.10", "192.0.2.10"],
    [" 2001:DB8:0::50 ", "2001:db8::50"],
    ["::ffff:192.0.2.10", undefined],
    ["::ffff:c000:20a", undefined],
    ["::ffff:1:2", undefined], // also mapped: ::ffff:0.1.0.2
    ["2001:db8::ffff:1:2", "2001:db8::ffff:1:2"],
    ["192.0.2.300", undefined],
    ["eth0", undefined],
  ];
  for (const [input, want] of cases) assert.equal(canonicalIp(input), want, input);
});
