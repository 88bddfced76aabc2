import { test } from "node:test";
import assert from "node:assert/strict";
import { parseVips } from "../../../src/core/announce/vips.ts";

test("VIP lists: flags and files, comments, dedupe, canonical forms, errors with line", () => {
  const r = parseVips([
    { name: "--vip", text: "192.0.2.10,2001:DB8::0:10" },
    { name: "vips.txt", text: "# VIPs\n192.0.2.10  192.0.2.11 # web\n\nnope\n198.51.100.1/32\n" },
  ]);
  assert.deepEqual(r.vips, ["192.0.2.10", "2001:db8::10", "192.0.2.11"]);
  assert.deepEqual(r.errors, ['vips.txt:4: "nope" is not an IPv4 or IPv6 address', 'vips.txt:5: "198.51.100.1/32" is not an IPv4 or IPv6 address']);
  assert.deepEqual(parseVips([{ name: "--vip", text: "1.2.3" }]).errors, ['--vip: "1.2.3" is not an IPv4 or IPv6 address']);
});
