import { test } from "node:test";
import assert from "node:assert/strict";
import { getLink, listLinks } from "../../src/adapters/links.ts";

test("links: loopback facts come from this machine's /sys and getifaddrs", () => {
  const lo = getLink("lo");
  assert.ok(lo, "lo exists in every network namespace");
  assert.equal(lo.loopback, true);
  assert.equal(lo.index, 1);
  assert.ok(lo.mtu > 0);
  assert.ok(listLinks().some((l) => l.name === "lo"));
});

test("links: unknown or path-like names are not interfaces", () => {
  for (const name of ["nosuch0", "", "..", "lo/../lo", "."]) assert.equal(getLink(name), undefined, name);
});
