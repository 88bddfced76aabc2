import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseInterface, chooseSource, type LinkLookup } from "../../../src/core/arping/plan.ts";
import { announceCandidate, type LinkFacts } from "../../../src/core/link-facts.ts";
import { SetupError } from "../../../src/errors.ts";

const base = { mtu: 1500, up: true, broadcast: true, noarp: false, loopback: false, bondSlave: false };
const lo: LinkFacts = { ...base, name: "lo", index: 1, mac: "00:00:00:00:00:00", loopback: true, broadcast: false, addresses: [{ family: 4, address: "127.0.0.1", prefix: 8 }] };
const vA: LinkFacts = { ...base, name: "vA", index: 2, mac: "02:00:00:00:00:0a", addresses: [{ family: 4, address: "198.51.100.1", prefix: 24 }, { family: 6, address: "2001:db8::1", prefix: 64 }] };
const down: LinkFacts = { ...base, name: "vX", index: 3, mac: "02:00:00:00:00:0d", up: false, addresses: [] };
const slave: LinkFacts = { ...base, name: "eth1", index: 4, mac: "02:00:00:00:00:0e", bondSlave: true, master: "bond0", addresses: [] };
const bare: LinkFacts = { ...base, name: "vN", index: 5, mac: "02:00:00:00:00:0f", addresses: [] };
const ALL = [lo, vA, down, slave, bare];

/** A lookup that counts how often every link was read: -i IFACE must not list them all. */
function lookup(): LinkLookup & { listed: number } {
  const l = { listed: 0, get: (n: string) => ALL.find((x) => x.name === n), all: () => (l.listed++, ALL) };
  return l;
}

const setup = (message: string, code: string) => (e: unknown) => e instanceof SetupError && e.exitCode === 2 && e.message === message && e.code === code;

test("chooseInterface: -i checked with one wording per problem; without -i the subnet decides (table)", () => {
  const l = lookup();
  assert.equal(chooseInterface("vA", "198.51.100.2", l).name, "vA");
  assert.equal(l.listed, 0, "-i IFACE reads only that link");
  assert.equal(chooseInterface(undefined, "198.51.100.2", l).name, "vA");
  const bad: [string | undefined, string, string, string][] = [
    ["nosuch0", "198.51.100.2", 'Device "nosuch0" not available', "ENODEV"],
    ["1", "198.51.100.2", 'Device "1" not available (-i is the interface in lbctl; the interval is --interval)', "ENODEV"],
    ["lo", "198.51.100.2", 'Interface "lo" is not ARPable (loopback or NOARP)', "E_NOARP"],
    ["vX", "198.51.100.2", 'Interface "vX" is down', "ENETDOWN"],
    ["eth1", "198.51.100.2", 'Interface "eth1" is a slave of bond bond0: use the bond', "E_BOND_SLAVE"],
    [undefined, "203.0.113.9", "no interface has a connected subnet holding 203.0.113.9: use -i IFACE", "E_NO_ROUTE"],
  ];
  for (const [name, target, message, code] of bad) assert.throws(() => chooseInterface(name, target, lookup()), setup(message, code), String(name));
});

test("chooseSource: -s must be ours; -D unspecified, -U/-A the target, probes the link's address (table)", () => {
  const v4 = { ip: "198.51.100.2", family: 4 as const };
  const v6 = { ip: "2001:db8::2", family: 6 as const };
  const ok: [Parameters<typeof chooseSource>[0]["mode"], typeof v4 | typeof v6, string | undefined, LinkFacts, string][] = [
    ["probe", v4, undefined, vA, "198.51.100.1"],
    ["probe", v6, undefined, vA, "2001:db8::1"],
    ["dad", v4, undefined, vA, "0.0.0.0"],
    ["dad", v6, undefined, vA, "::"],
    ["unsolicited-request", v4, undefined, vA, "198.51.100.2"],
    ["unsolicited-reply", v6, undefined, vA, "2001:db8::2"],
    ["probe", v4, "127.0.0.1", vA, "127.0.0.1"],
    ["probe", v4, "0.0.0.0", vA, "0.0.0.0"],
  ];
  for (const [mode, target, given, link, want] of ok) assert.equal(chooseSource({ mode, target, given, link, links: lookup() }), want, `${mode} ${target.ip} ${given}`);
  assert.throws(() => chooseSource({ mode: "probe", target: v4, given: "192.0.2.77", link: vA, links: lookup() }), setup("-s 192.0.2.77: Cannot assign requested address (not an address of this host)", "EADDRNOTAVAIL"));
  assert.throws(() => chooseSource({ mode: "probe", target: v4, given: undefined, link: bare, links: lookup() }), setup("no IPv4 source address on vN in not-DAD mode: use -s", "E_NO_SOURCE"));
});

test("announceCandidate: MetalLB's speaker filter (any master, zero MAC, NOARP, loopback excluded; down allowed)", () => {
  const cases: [LinkFacts, boolean][] = [
    [vA, true], [down, true], [lo, false], [slave, false], [{ ...vA, master: "br0" }, false], [{ ...vA, noarp: true }, false],
    [{ ...vA, broadcast: false }, false], [{ ...vA, mac: "00:00:00:00:00:00" }, false],
  ];
  for (const [link, want] of cases) assert.equal(announceCandidate(link), want, JSON.stringify(link));
});
