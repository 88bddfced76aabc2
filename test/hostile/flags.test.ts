// Flag and argument gaps of the reliability probe (class 12): each is one stderr line naming the
// flag or value, the right exit code, nothing on stdout. No test here opens a socket: the VIP
// checks run before the announcer starts, on an interface pattern that matches nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-flags-"));
const pool = join(dir, "pool.yaml");
writeFileSync(pool, "apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: lab\nspec:\n  blocks:\n  - cidr: 192.0.2.0/28\n");

async function oneLine(argv: string[], code: number, pattern: RegExp): Promise<void> {
  const r = await runCli(argv, { cwd: dir });
  assert.equal(r.code, code, `${argv.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "", argv.join(" "));
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /[\x00-\x08\x0e-\x1f]/, "no raw control bytes");
}

test("F09: pool list -o wide is refused, as help says table|json|yaml", async () => {
  await oneLine(["pool", "list", "-f", pool, "-o", "wide"], 2, /--output: unknown format "wide" \(expected one of table, json, yaml\)/);
});

test("F38: pool show -f FILE NAME (kubectl's order) works; a missing name is still a usage error", async () => {
  const r = await runCli(["pool", "show", "-f", pool, "lab"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Name:\s+lab$/m);
  await oneLine(["pool", "show", "-f", pool], 2, /missing required argument 'name'/);
});

test("P09–P11: announce --vip refuses multicast, unspecified, loopback, broadcast and mapped addresses with the reason", async () => {
  const cases: [string, RegExp][] = [
    ["224.0.0.1", /"224\.0\.0\.1" is a multicast address/],
    ["ff02::1", /"ff02::1" is a multicast address/],
    ["0.0.0.0", /"0\.0\.0\.0" is the unspecified address/],
    ["::", /"::" is the unspecified address/],
    ["127.0.0.1", /loopback/],
    ["255.255.255.255", /broadcast/],
    ["::ffff:198.51.100.50", /IPv4-mapped.*announce 198\.51\.100\.50 instead/],
  ];
  for (const [vip, pattern] of cases) await oneLine(["announce", "-i", "^lbt-none$", "--vip", vip], 2, pattern);
});

test("P14: announce -f on a binary file says so in one line, without echoing its bytes", async () => {
  const bin = join(dir, "bin.dat");
  writeFileSync(bin, Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256)));
  await oneLine(["announce", "-i", "^lbt-none$", "-f", bin], 2, /-f .*bin\.dat: a binary file, not a list of addresses/);
  const junk = join(dir, "junk.txt");
  writeFileSync(junk, Array.from({ length: 50 }, (_, i) => `host-${i}\u001b[31m`).join("\n"));
  await oneLine(["announce", "-i", "^lbt-none$", "-f", junk], 2, /"host-0\\u001b\[31m" is not an IPv4 or IPv6 address;.*; and 47 more$/);
});

test("pool --ipv4/--ipv6 take true|false, and a flag in their place is named (F15), not 'too many arguments'", async () => {
  for (const argv of [["pool", "alloc", "--ipv4", "-f", "x"], ["pool", "check", "--ipv6", "maybe", "-f", "x"]]) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^error: --ipv[46]: expected true or false, got "(-f|maybe)"$/m);
  }
});

// The "unset shell variable" class (`-f ""` in the log): an empty or impossible Node name is a
// usage error, never read as "not given" or matched against nothing.
test("--node / --node-name, --type, --config, --vip: empty (or not a Node name) is a usage error in every command that takes it", async () => {
  const cases: [string[], RegExp][] = [
    [["service", "list", "-f", "examples/homelab/", "--node", ""], /^error: --node: empty \(an unset variable\?\)/],
    [["service", "list", "-f", "examples/homelab/", "--node", "Worker_1"], /^error: --node: "Worker_1" is not a valid Node name/],
    [["service", "diff", "-f", "examples/homelab/", "--node", ""], /^error: --node: empty \(an unset variable\?\)/],
    [["l2", "status", "-f", "examples/homelab/", "--datapath", "--node", ""], /^error: --node: empty \(an unset variable\?\)/],
    [["announce", "--node-name", "-x"], /^error: --node-name: "-x" is not a valid Node name/],
    // Filters given with nothing in them would select nothing and exit 0.
    [["service", "list", "-f", "examples/homelab/", "--type", ""], /^error: --type: empty \(an unset variable\?\)/],
    [["service", "list", "-f", "examples/homelab/", "--config", " , "], /^error: --config: empty \(an unset variable\?\)/],
    [["l2", "status", "-f", "examples/homelab/", "--vip", ""], /^error: --vip: empty \(an unset variable\?\)/],
    [["bpf", "lb", "dump", "--bpffs", ""], /^error: --bpffs: empty \(an unset variable\?\)/],
    [["service", "diff", "--node", "n1", "-f", "examples/homelab/", "--bpffs", ""], /^error: --bpffs: empty \(an unset variable\?\)/],
  ];
  for (const [argv, re] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, argv.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout, "");
  }
  // A valid name still works.
  const ok = await runCli(["service", "list", "-f", "examples/homelab/", "--node", "k8s-w1.lab"]);
  assert.notEqual(ok.code, 2, ok.stderr);
});

test("-n '' is 'not given' as in kubectl (with -f: every namespace), never the namespace ''; -n with a bad name is a usage error", async () => {
  const f = "test/fixtures/bpf/diff.yaml";
  const plain = await runCli(["service", "list", "-f", f]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /10\.96\.0\.10:53\/UDP/);
  for (const argv of [["service", "list", "-n", "", "-f", f], ["l2", "status", "-n", "", "-f", f]]) {
    const r = await runCli(argv);
    assert.notEqual(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    if (argv[0] === "service") assert.equal(r.stdout, plain.stdout);
  }
  const both = await runCli(["service", "list", "-n", "", "-A", "-f", f]);
  assert.equal(both.code, 0, both.stderr);
  const bad = await runCli(["service", "list", "-n", "Kube_System", "-f", f]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim(), 'error: -n/--namespace: "Kube_System" is not a valid namespace name');
});
