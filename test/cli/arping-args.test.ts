// Bad input that must fail before any socket opens; runs anywhere (no namespace, no root).
// LBCTL_TEST_NETNS_GUARD=1 makes sure that, were a case to get as far as opening a packet
// socket, it would be refused in this (the host's) namespace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";

const env = { LBCTL_TEST_NETNS_GUARD: "1" };

test("arping bad input: one line on stderr, exit 2, nothing on stdout", async () => {
  const cases: [string[], RegExp][] = [
    [["no.such.host.invalid"], /^error: destination: invalid target "no.such.host.invalid": not an IPv4 or IPv6 address \(lbctl arping does not resolve host names\)$/],
    [["999.1.1.1"], /invalid target "999\.1\.1\.1"/],
    [["-c", "0", "198.51.100.2"], /^error: -c: invalid argument: '0': out of range: 1 <= value <= 2147483647$/],
    [["-c", "abc", "198.51.100.2"], /^error: -c: invalid argument: 'abc'$/],
    [["-w", "-1", "198.51.100.2"], /^error: -w: "-1" is not a duration \(e\.g\. 500ms, 2s, 1m30s, 1h\)$/],
    [["--interval", "0", "198.51.100.2"], /^error: --interval: "0" must be at least 1ms$/],
    [["--interval", "3000000", "198.51.100.2"], /^error: --interval: "3000000" is longer than Node's timer limit \(2147483647ms, about 24\.8 days\)$/],
    [["-s", "2001:db8::1", "198.51.100.2"], /^error: -s 2001:db8::1 is IPv6 but the destination 198\.51\.100\.2 is IPv4$/],
    [["-s", "1.2.3", "198.51.100.2"], /^error: -s: invalid source address "1\.2\.3"$/],
    [["-D", "-U", "198.51.100.2"], /^error: -D and -U cannot be combined$/],
    [["-i", "nosuch0", "198.51.100.2"], /^error: Device "nosuch0" not available$/],
    [["-I", "nosuch0", "198.51.100.2"], /^error: Device "nosuch0" not available$/],
    [["-i", "1", "198.51.100.2"], /the interval is --interval/],
    [["-i", "lo", "198.51.100.2"], /^error: Interface "lo" is not ARPable \(loopback or NOARP\)$/],
    [["-D", "-i", "lo", "198.51.100.2"], /not ARPable/],
    [["fe80::1"], /link-local destination fe80::1 needs -i IFACE/],
    [["-i", "lo", "fe80::1%vA"], /disagree/],
    [["-o", "yaml", "198.51.100.2"], /argument 'yaml' is invalid/],
    [["198.51.100.2", "extra"], /too many arguments/],
    [[], /missing required argument 'destination'/],
  ];
  for (const [args, want] of cases) {
    const r = await runCli(["arping", ...args], { env });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", args.join(" "));
    assert.match(r.stderr.trim(), want, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, args.join(" "));
  }
});

test("arping --help documents -i, --interval, exit codes and the 0.5 ms difference", async () => {
  const r = await runCli(["arping", "--help"]);
  assert.equal(r.code, 0);
  for (const s of ["-i, --interface <IFACE>", "--interval <SECONDS>", "Exit status", "3 more than one MAC answered", "iputils prints 0.5 ms more"]) {
    assert.ok(r.stdout.includes(s), s);
  }
});
