import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, spawnCli } from "../helpers/cli.ts";

const tmp = mkdtempSync(join(tmpdir(), "lbctl-pool-"));
process.on("exit", () => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
function file(text: string, ext = "yaml"): string {
  const p = join(tmp, `f${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

const GOOD = `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata:
  name: good
spec:
  blocks:
    - cidr: 10.20.0.0/30
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  type: LoadBalancer
`;

test("pool alloc on the homelab example: webpod-lbtype gets 192.168.10.211 (seed story)", async () => {
  const r = await runCli(["pool", "alloc", "-f", "examples/homelab/"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.equal(
    r.stdout,
    [
      "NAMESPACE   NAME            POOL               EXTERNAL-IP      STATUS     REASON",
      "default     webpod-lbtype   cilium-lb-ippool   192.168.10.211   assigned   satisfied",
      "pools: 1 valid (0 conflicting, 0 disabled), 0 invalid; IPs: 5 total, 1 used, 4 available; services: 1 assigned, 0 pending, 0 ignored",
      "",
    ].join("\n"),
  );
});

test("pool alloc -o json: a v1 List of every pool and Service in input order, with LB-IPAM status", async () => {
  const r = await runCli(["pool", "alloc", "-f", "examples/homelab/pool.yaml", "-f", "examples/homelab/services.yaml", "-o", "json"]);
  assert.equal(r.code, 0);
  const list = JSON.parse(r.stdout);
  assert.equal(list.apiVersion, "v1");
  assert.equal(list.kind, "List");
  assert.deepEqual(list.items.map((i: { kind: string }) => i.kind), ["CiliumLoadBalancerIPPool", "Service"]);
  const svc = list.items[1];
  assert.deepEqual(svc.status.loadBalancer.ingress, [{ ip: "192.168.10.211" }]);
  assert.deepEqual(svc.status.conditions, [
    { type: "cilium.io/IPAMRequestSatisfied", status: "True", lastTransitionTime: "2026-11-27T12:00:00Z", reason: "satisfied", message: "" },
  ]);
  const pool = list.items[0];
  assert.deepEqual(
    pool.status.conditions.map((c: { type: string; status: string; reason: string; message: string }) => [c.type, c.status, c.reason, c.message]),
    [
      ["cilium.io/PoolConflict", "False", "resolved", ""],
      ["cilium.io/IPsTotal", "Unknown", "noreason", "5"],
      ["cilium.io/IPsAvailable", "Unknown", "noreason", "4"],
      ["cilium.io/IPsUsed", "Unknown", "noreason", "1"],
    ],
  );
});

test("pool alloc output fed back (JSON via stdin, YAML via file) is a fixed point, even at a later time", async () => {
  for (const fmt of ["json", "yaml"]) {
    const first = await runCli(["pool", "alloc", "-f", "examples/", "-o", fmt]);
    assert.equal(first.code, 0, first.stderr);
    const p = file(first.stdout, fmt);
    const again = await runCli(["pool", "alloc", "-f", p, "-o", fmt], { now: Date.parse("2027-01-01T00:00:00Z") });
    assert.equal(again.stdout, first.stdout, fmt);
    const viaStdin = await runCli(["pool", "alloc", "-f", "-", "-o", fmt], { stdin: first.stdout, now: Date.parse("2027-01-01T00:00:00Z") });
    assert.equal(viaStdin.stdout, first.stdout, `${fmt} via stdin`);
  }
});

test("pool list: kubectl get lbippool columns", async () => {
  const r = await runCli(["pool", "list", "-f", "examples/homelab/"]);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    "NAME               DISABLED   CONFLICTING   IPS AVAILABLE   IPS USED   IPS TOTAL\ncilium-lb-ippool   false      False         4               1          5\n",
  );
});

test("pool show: blocks, holders, free runs; unknown name exits 1", async () => {
  const r = await runCli(["pool", "show", "cilium-lb-ippool", "-f", "examples/homelab/"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Name: +cilium-lb-ippool$/m);
  assert.match(r.stdout, /192\.168\.10\.211 +0 +default\/webpod-lbtype/);
  assert.match(r.stdout, /0 +192\.168\.10\.212 +192\.168\.10\.215 +4/);
  const j = await runCli(["pool", "show", "cilium-lb-ippool", "-f", "examples/homelab/", "-o", "json"]);
  assert.deepEqual(JSON.parse(j.stdout).freeRuns, [{ block: 0, from: "192.168.10.212", to: "192.168.10.215", size: "4" }]);
  const missing = await runCli(["pool", "show", "nope", "-f", "examples/homelab/"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'error: no CiliumLoadBalancerIPPool named "nope" in the input\n');
});

test("pool check: exit 0 when clean, 1 with one line per conflict and pending Service", async () => {
  const ok = await runCli(["pool", "check", "-f", "examples/homelab/"]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /^ok: /);
  const bad = await runCli(["pool", "check", "-f", "examples/conflicts/"]);
  assert.equal(bad.code, 1);
  const lines = bad.stdout.trim().split("\n");
  assert.ok(lines.some((l) => /^pool lab-late: conflicting: Pool conflicts since range/.test(l)), bad.stdout);
  assert.ok(lines.some((l) => /^service lab\/overflow: pending: out_of_ips: /.test(l)), bad.stdout);
});

test("operator flags: --ipv4/--ipv6, --default-lb-service-ipam, --lb-classes", async () => {
  const v6 = await runCli(["pool", "alloc", "-f", "examples/dual-stack/", "--ipv4=false", "-o", "json"]);
  assert.equal(v6.code, 0, v6.stderr);
  const ips = JSON.parse(v6.stdout).items.filter((i: { kind: string }) => i.kind === "Service").map((s: { status?: { loadBalancer?: { ingress?: { ip: string }[] } } }) => s.status?.loadBalancer?.ingress?.map((e) => e.ip));
  assert.ok(ips.flat().every((ip: string | undefined) => ip === undefined || ip.includes(":")), JSON.stringify(ips));
  const none = await runCli(["pool", "alloc", "-f", "examples/homelab/", "--default-lb-service-ipam", "none"]);
  assert.match(none.stdout, /ignored +no loadBalancerClass and default-lb-service-ipam=none/);
  const usage: [string[], RegExp][] = [
    [["--ipv4=yes"], /^error: --ipv4: expected true or false, got "yes"$/],
    [["--default-lb-service-ipam", "metallb"], /^error: --default-lb-service-ipam: expected lbipam, nodeipam or none, got "metallb"$/],
    [["-o", "xml"], /^error: --output: unknown format "xml"/],
  ];
  for (const [args, re] of usage) {
    const r = await runCli(["pool", "alloc", "-f", "examples/homelab/", ...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr.trim(), re);
  }
  const noFile = await runCli(["pool", "alloc"]);
  assert.equal(noFile.code, 2);
  assert.match(noFile.stderr, /-f\/--filename or --cluster is required/);
});

const BAD: { name: string; text: string; line: number; re: RegExp }[] = [
  { name: "prefix /33", text: "cidr: 10.0.0.0/33", line: 8, re: /CiliumLoadBalancerIPPool "bad": spec\.blocks\[1\]\.cidr: invalid CIDR "10\.0\.0\.0\/33": prefix length 33 exceeds 32/ },
  { name: "octet 300", text: "cidr: 300.1.1.1/24", line: 8, re: /spec\.blocks\[1\]\.cidr: invalid CIDR "300\.1\.1\.1\/24": "300\.1\.1\.1" is not an IP address/ },
  { name: "bare IP", text: "cidr: 10.0.0.1", line: 8, re: /spec\.blocks\[1\]\.cidr: invalid CIDR "10\.0\.0\.1": no prefix length/ },
  { name: "start > stop", text: "start: 10.0.0.9\n      stop: 10.0.0.1", line: 8, re: /spec\.blocks\[1\]\.start: start "10\.0\.0\.9" is after stop "10\.0\.0\.1"/ },
  { name: "mixed families", text: "start: 10.0.0.1\n      stop: 2001:db8::1", line: 8, re: /spec\.blocks\[1\]\.start: start "10\.0\.0\.1" and stop "2001:db8::1" are of different IP families/ },
];

test("bad blocks: one stderr line naming file, line, object, field and value; pool rejected, rest computes", async () => {
  for (const b of BAD) {
    // The bad pool comes first and has a valid first block: if it were not rejected as a whole,
    // web would get 10.50.0.0 from it.
    const text = `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: bad\nspec:\n  blocks:\n    - cidr: 10.50.0.0/16\n    - ${b.text}\n---\n${GOOD}`;
    const p = file(text, "yaml");
    const r = await runCli(["pool", "alloc", "-f", p]);
    assert.equal(r.code, 1, b.name);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${b.name}: ${r.stderr}`);
    assert.ok(lines[0]!.startsWith(`error: ${p}:8: `), `${b.name}: ${lines[0]}`);
    assert.match(lines[0]!, b.re, b.name);
    assert.match(lines[0]!, /\(pool rejected\)$/);
    assert.match(r.stdout, /^default +web +good +10\.20\.0\.0 +assigned/m, b.name);
    assert.doesNotMatch(r.stdout, /Traceback|at .*\.js/);
  }
});

test("other bad input: empty pool, duplicate names, selector operator, allowFirstLastIPs, requested IPs", async () => {
  const pool = (name: string, spec: string) => `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ${name}\nspec:\n${spec}\n---\n`;
  const cases: { name: string; text: string; re: RegExp; code: number }[] = [
    { name: "empty pool", text: pool("bad", "  blocks: []"), re: /:6: CiliumLoadBalancerIPPool "bad": spec\.blocks: the pool has no blocks/, code: 1 },
    { name: "duplicate", text: pool("good", "  blocks:\n    - cidr: 10.30.0.0/24"), re: /:20: CiliumLoadBalancerIPPool "good": metadata\.name: duplicate pool name \(first defined at .*:1\) \(pool rejected\)/, code: 1 },
    { name: "operator", text: pool("bad", "  blocks:\n    - cidr: 10.30.0.0/24\n  serviceSelector:\n    matchExpressions:\n      - key: a\n        operator: Equals\n        values: [x]"), re: /:11: CiliumLoadBalancerIPPool "bad": spec\.serviceSelector\.matchExpressions\[0\]\.operator: unknown operator "Equals"/, code: 1 },
    { name: "allowFirstLastIPs", text: pool("bad", "  allowFirstLastIPs: Maybe\n  blocks:\n    - cidr: 10.30.0.0/24"), re: /:6: CiliumLoadBalancerIPPool "bad": spec\.allowFirstLastIPs: must be "Yes" or "No", got "Maybe"/, code: 1 },
    { name: "requested IP", text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: req\n  annotations:\n    lbipam.cilium.io/ips: 10.20.0.1/32\nspec:\n  type: LoadBalancer\n---\n", re: /^warning: .*:6: Service default\/req: metadata\.annotations\["lbipam\.cilium\.io\/ips"\]: element "10\.20\.0\.1\/32" is not a plain IP address; skipped/, code: 0 },
  ];
  for (const c of cases) {
    const p = file(c.name === "duplicate" ? GOOD + "---\n" + c.text : c.text + GOOD);
    const r = await runCli(["pool", "alloc", "-f", p]);
    assert.equal(r.code, c.code, `${c.name}: ${r.stderr}`);
    const lines = r.stderr.trim().split("\n");
    assert.equal(lines.length, 1, `${c.name}: ${r.stderr}`);
    assert.match(lines[0]!, c.re, c.name);
    assert.match(r.stdout, /^default +web +good +10\.20\.0\.\d +assigned/m, c.name);
  }
});

test("malformed YAML/JSON: one line each, the rest still computes", async () => {
  const yamlBad = file("apiVersion: v1\nkind: Service\nmetadata: {name: x\n");
  const jsonBad = file('{"apiVersion": "v1", "kind": ', "json");
  const good = file(GOOD);
  const r = await runCli(["pool", "alloc", "-f", yamlBad, "-f", jsonBad, "-f", good]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 2, r.stderr);
  assert.match(lines[0]!, new RegExp(`^error: ${yamlBad}:\\d+: invalid YAML`));
  assert.match(lines[1]!, new RegExp(`^error: ${jsonBad}(:\\d+)?: invalid JSON`));
  assert.match(r.stdout, /^default +web +good +10\.20\.0\.0 +assigned/m);
});

test("a path that cannot be read fails the command: one error line naming it, no output at all", async () => {
  const good = file(GOOD);
  const emptyDir = mkdtempSync(join(tmp, "empty-"));
  for (const cmd of [["alloc"], ["list"], ["show", "good"], ["check"]]) {
    for (const format of ["table", "json"]) {
      const r = await runCli(["pool", ...cmd, "-f", good, "-f", join(tmp, "missing.yaml"), "-f", emptyDir, "-o", format]);
      const what = `pool ${cmd.join(" ")} -o ${format}`;
      assert.equal(r.code, 1, what);
      assert.equal(r.stdout, "", what);
      assert.equal(
        r.stderr,
        `error: ${join(tmp, "missing.yaml")}: cannot read: no such file or directory; ${emptyDir}: no .yaml, .yml or .json files found in directory\n`,
        what,
      );
    }
  }
});

test("pool --help lists the commands; bin/lbctl runs pool alloc as a real process", async () => {
  const h = await runCli(["pool", "--help"]);
  assert.equal(h.code, 0);
  for (const c of ["alloc", "list", "show", "check"]) assert.match(h.stdout, new RegExp(`^  ${c}`, "m"));
  const r = await spawnCli(["pool", "alloc", "-f", "examples/homelab/"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /webpod-lbtype +cilium-lb-ippool +192\.168\.10\.211/);
});

test("pool check -o json, --lb-classes \"\" and --cilium-restart-quirks", async () => {
  const j = await runCli(["pool", "check", "-f", "examples/conflicts/", "-o", "json"]);
  assert.equal(j.code, 1);
  const body = JSON.parse(j.stdout);
  assert.equal(body.ok, false);
  assert.equal(body.problems.length, 2);
  const classed = file(`${GOOD}---\napiVersion: v1\nkind: Service\nmetadata: {name: l2, namespace: default}\nspec: {type: LoadBalancer, loadBalancerClass: io.cilium/l2-announcer}\n`);
  const none = await runCli(["pool", "alloc", "-f", classed, "--lb-classes", ""]);
  assert.match(none.stdout, /l2 +<none> +<pending> +ignored +loadBalancerClass io\.cilium\/l2-announcer is not handled by LB-IPAM/);
  const disabled = file(`apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: off}\nspec:\n  disabled: true\n  blocks: [{cidr: 10.40.0.0/30}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: kept, namespace: default}\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: [{ip: 10.40.0.2}]}}\n`);
  const keep = await runCli(["pool", "alloc", "-f", disabled]);
  assert.match(keep.stdout, /kept +off +10\.40\.0\.2 +assigned +kept/);
  const quirks = await runCli(["pool", "alloc", "-f", disabled, "--cilium-restart-quirks"]);
  assert.match(quirks.stdout, /kept +<none> +<pending> +pending +no_pool/);
});
