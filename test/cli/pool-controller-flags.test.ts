// `pool controller` refuses bad flags before it touches the cluster: one line naming the flag,
// exit 2, nothing on stdout. Empty values are refused rather than read as "not given": with an
// unset shell variable, `--lb-class "$CLASS"` would otherwise run a controller for every Service.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";

test("pool controller: usage errors are one line, exit 2, naming the flag and value", async () => {
  const cases: [string[], RegExp][] = [
    [["--lb-class", ""], /^error: --lb-class: empty \(an unset variable\?\)/],
    [["--lb-class", "l2"], /^error: --lb-class: "l2" is not a domain-prefixed class name/],
    [["--identity", ""], /^error: --identity: empty \(an unset variable\?\)/],
    [["--lease-namespace", ""], /^error: --lease-namespace: empty \(an unset variable\?\)/],
    [["--lease-namespace", "Kube_System"], /^error: --lease-namespace: "Kube_System" is not a valid namespace name/],
    [["--cilium-namespace", ""], /^error: --cilium-namespace: empty \(an unset variable\?\)/],
    [["--metrics-addr", ""], /^error: --metrics-addr: empty \(an unset variable\?\)/],
    [["--metrics-addr", "9474"], /^error: --metrics-addr: "9474"/],
    [["--write-concurrency", "0"], /^error: --write-concurrency: "0" must be an integer from 1 to 256/],
    [["--write-concurrency", "1e9"], /^error: --write-concurrency: "1e9" must be an integer from 1 to 256/],
    [["--ipv6", "no"], /^error: --ipv6: expected true or false, got "no"/],
    [["--lease-retry-period", "3000000"], /^error: --lease-retry-period: "3000000" is longer than Node's timer limit/],
  ];
  for (const [flags, re] of cases) {
    // The server is unreachable: a usage error must come before any request.
    const r = await runCli(["pool", "controller", "--kubeconfig", "/nonexistent/kubeconfig", ...flags]);
    assert.equal(r.code, 2, `${flags.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, flags.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.equal(r.stdout, "");
  }
});
