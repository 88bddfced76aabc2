import { test } from "node:test";
import assert from "node:assert/strict";
import { linkProblem, pickLinkFor, pickSourceFor, type LinkFacts } from "../../src/core/link-facts.ts";

const base = { mtu: 1500, up: true, broadcast: true, noarp: false, loopback: false, bondSlave: false };
const lo: LinkFacts = { ...base, name: "lo", index: 1, mac: "00:00:00:00:00:00", loopback: true, broadcast: false, addresses: [{ family: 4, address: "127.0.0.1", prefix: 8 }] };
const vA: LinkFacts = {
  ...base,
  name: "vA",
  index: 2,
  mac: "02:00:00:00:00:0a",
  addresses: [
    { family: 4, address: "198.51.100.1", prefix: 24 },
    { family: 6, address: "2001:db8::1", prefix: 64 },
    { family: 6, address: "fe80::ff:fe00:a", prefix: 64 },
  ],
};
const vC: LinkFacts = { ...base, name: "vC", index: 3, mac: "02:00:00:00:00:0c", addresses: [{ family: 4, address: "198.51.100.129", prefix: 25 }] };
const down: LinkFacts = { ...base, name: "vX", index: 4, mac: "02:00:00:00:00:0d", up: false, addresses: [{ family: 4, address: "203.0.113.1", prefix: 24 }] };
const slave: LinkFacts = { ...base, name: "eth1", index: 5, mac: "02:00:00:00:00:0e", bondSlave: true, master: "bond0", addresses: [{ family: 4, address: "192.0.2.1", prefix: 24 }] };

test("pickLinkFor: connected subnet, longest prefix, skips down/loopback/bond slaves", () => {
  const links = [lo, vA, vC, down, slave];
  const cases: [string, string | undefined][] = [
    ["198.51.100.2", "vA"],
    ["198.51.100.200", "vC"], // /25 beats /24
    ["2001:db8::2", "vA"],
    ["127.0.0.2", undefined],
    ["203.0.113.5", undefined], // vX is down
    ["192.0.2.9", undefined], // bond slave
    ["192.0.2.300", undefined],
  ];
  for (const [target, want] of cases) assert.equal(pickLinkFor(target, links)?.link.name, want, target);
});

test("linkProblem mirrors iputils' checks", () => {
  assert.equal(linkProblem(lo), "not-arpable");
  assert.equal(linkProblem({ ...vA, noarp: true }), "not-arpable");
  assert.equal(linkProblem(down), "down");
  assert.equal(linkProblem(slave), "bond-slave");
  assert.equal(linkProblem(vA), undefined);
});

test("pickSourceFor: same subnet, else link-local for IPv6, else the first of the family", () => {
  assert.equal(pickSourceFor("198.51.100.2", vA)?.address, "198.51.100.1");
  assert.equal(pickSourceFor("203.0.113.5", vA)?.address, "198.51.100.1");
  assert.equal(pickSourceFor("2001:db8::2", vA)?.address, "2001:db8::1");
  assert.equal(pickSourceFor("2001:db9::2", vA)?.address, "fe80::ff:fe00:a");
  assert.equal(pickSourceFor("2001:db8::2", vC), undefined);
});
