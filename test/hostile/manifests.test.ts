// Input mistakes a GitOps gate must not wave through, and the flag mistake that used to read the
// whole current directory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const POOL = `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata: {name: lab}
spec:
  blocks: [{cidr: 192.0.2.0/28}]
`;

test('-f "" (an unset variable) is a usage error, not the current directory read recursively', async () => {
  const cwd = mkdtempSync(join(tmpdir(), "lbt-empty-f-"));
  mkdirSync(join(cwd, "sub"));
  writeFileSync(join(cwd, "sub", "pool.yaml"), POOL);
  for (const argv of [["pool", "check", "-f", ""], ["pool", "list", "-f", ""], ["service", "list", "-f", ""], ["pool", "alloc", "-f", "good.yaml", "-f", " "]]) {
    const r = await runCli(argv, { cwd });
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", argv.join(" "));
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^error: -f: empty path/);
  }
});

test("pool check fails on empty input (a failed kustomize build piped in)", async () => {
  for (const stdin of ["# nothing\n", "---\n"]) {
    const r = await runCli(["pool", "check", "-f", "-"], { stdin });
    assert.equal(r.code, 1, JSON.stringify(stdin));
    assert.match(r.stdout, /no objects passed/);
  }
});

test("-f - with an empty or closed stdin stops before any output (kubectl: no objects passed), every command", async () => {
  for (const argv of [["pool", "check", "-f", "-"], ["pool", "alloc", "-f", "-"], ["pool", "list", "-f", "-"], ["service", "list", "-f", "-"]]) {
    const r = await runCli(argv, { stdin: "" });
    assert.equal(r.code, 1, `${argv.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "", argv.join(" "));
    assert.equal(r.stderr.trimEnd().split("\n").length, 1, r.stderr);
    assert.match(r.stderr.trimEnd(), /^error: <stdin>: no objects passed \(standard input is empty or closed\)$/);
  }
});

test("pool check fails on a mistyped kind instead of skipping the object", async () => {
  const cases: [string, string][] = [
    [POOL.replace("CiliumLoadBalancerIPPool", "CiliumLoadBalancerIPPol"), "CiliumLoadBalancerIPPool"],
    [POOL.replace("CiliumLoadBalancerIPPool", "ciliumloadbalanceripPool"), "CiliumLoadBalancerIPPool"],
    [`${POOL}---\napiVersion: v1\nkind: Servcie\nmetadata: {name: web, namespace: default}\nspec: {type: LoadBalancer}\n`, "Service"],
  ];
  for (const [stdin, want] of cases) {
    const r = await runCli(["pool", "check", "-f", "-"], { stdin });
    assert.equal(r.code, 1, stdin);
    assert.match(r.stderr, new RegExp(`unknown kind ".+" \\(did you mean ${want}\\?\\); object skipped`));
  }
});

test("other kinds in a dump are still skipped quietly", async () => {
  const others = ["Secret", "ConfigMap", "Deployment", "Ingress", "Endpoints", "ServiceAccount", "Node", "Event", "CiliumPodIPPool", "CiliumL2AnnouncementPolicy"]
    .map((k) => `---\napiVersion: v1\nkind: ${k}\nmetadata: {name: x, namespace: default}\n`).join("");
  const r = await runCli(["pool", "check", "-f", "-"], { stdin: POOL + others });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(r.stderr, "");
});
