import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";

test("announce: usage errors are one line, exit 2, naming the flag", async () => {
  const cases: [string[], RegExp][] = [
    [["announce", "--vip", "192.0.2.1"], /--interfaces is required with --vip/],
    [["announce", "-i", "eth0", "--vip", "192.0.2.300"], /--vip: "192.0.2.300" is not an IPv4 or IPv6 address/],
    [["announce", "-i", "([", "--vip", "192.0.2.1"], /--interfaces: "\(\[" is not a valid regular expression/],
    [["announce", "--lease-duration", "soon"], /--lease-duration: "soon" is not a duration/],
    [["announce", "--refresh-interval", "3000000"], /^error: --refresh-interval: "3000000" is longer than Node's timer limit/],
    [["announce", "--lease-namespace", "Kube_System"], /^error: --lease-namespace: "Kube_System" is not a valid namespace name$/m],
    [["announce", "--log-format", "xml"], /argument 'xml' is invalid/],
    [["announce", "-i", "", "--vip", "192.0.2.1"], /^error: --interfaces: empty \(an unset variable\?\)/],
    [["announce", "-i", ""], /^error: --interfaces: empty \(an unset variable\?\)/],
    [["announce", "--node-name", ""], /^error: --node-name: empty \(an unset variable\?\)/],
    [["announce", "--node-name", "Node_1"], /^error: --node-name: "Node_1" is not a valid Node name/],
  ];
  for (const [argv, re] of cases) {
    const r = await runCli(argv);
    assert.equal(r.code, 2, argv.join(" "));
    assert.match(r.stderr, re, argv.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout, "");
  }
});

test("announce: -f with a missing file is a clear error", async () => {
  const r = await runCli(["announce", "-i", "eth0", "-f", "/nonexistent/vips"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error: -f \/nonexistent\/vips: no such file$/m);
});

test("announce --help lists the modes and flags", async () => {
  const r = await runCli(["announce", "--help"]);
  assert.equal(r.code, 0);
  for (const flag of ["--vip", "--force", "--lease-renew-deadline", "--metrics-addr", "--log-format", "status"]) assert.ok(r.stdout.includes(flag), flag);
});

test("announce (cluster mode): a missing kubeconfig is said before any responder socket is opened", async () => {
  // -i matches no interface: were the sockets opened first, the answer would be "no usable interface".
  const r = await runCli(["announce", "-i", "^lbctl-no-such-link$", "--kubeconfig", "/nonexistent/kubeconfig"], { env: { NODE_NAME: "n1" } });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trim(), "error: kubeconfig /nonexistent/kubeconfig: no such file");
  assert.equal(r.stdout, "");
});
