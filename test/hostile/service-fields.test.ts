// Service fields no API server would store (a hand-edited dump): ports outside 1-65535 or not
// integers, a Service that appears twice. Each is named with the Service and the field, the bad
// part is skipped, and the rest of the answer stands — in service list and in pool alike.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "lbt-svc-fields-"));
const file = (name: string, text: string): string => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};

const service = (name: string, ports: string): string => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
  type: LoadBalancer
  clusterIP: 198.51.100.10
  clusterIPs: [198.51.100.10]
  ports: ${ports}
`;

const POOL = `apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata: {name: lab}
spec:
  blocks: [{cidr: 192.0.2.0/28}]
`;

const BAD_PORTS = `[{port: 80, protocol: TCP, nodePort: 70000}, {port: -1}, {port: 1e20}, {port: 65536}, {port: "eighty"}, {port: 80.5}, {port: 443, protocol: TCP}]`;

test("service list: ports that are not 1-65535 are named and skipped; nodePort 70000 is named and ignored", async () => {
  const f = file("ports.yaml", service("web", BAD_PORTS));
  const r = await runCli(["service", "list", "-A", "-f", f]);
  assert.equal(r.code, 0, r.stderr);
  for (const [field, value] of [["ports[0].nodePort", "70000"], ["ports[1].port", "-1"], ["ports[2].port", "100000000000000000000"], ["ports[3].port", "65536"], ["ports[4].port", '"eighty"'], ["ports[5].port", "80.5"]]) {
    // Worded as pool words it: the object, the field path, the value.
    assert.ok(r.stderr.includes(`: Service default/web: spec.${field}: ${value} is not a port (an integer 1-65535)`), `${field}: ${r.stderr}`);
  }
  // ... after the file and the field's line.
  for (const line of r.stderr.trim().split("\n").filter((l) => l.includes("is not a port"))) assert.match(line, /^warning: \/.*ports\.yaml:\d+: Service default\/web: spec\.ports\[\d\]\./, line);
  assert.match(r.stdout, /198\.51\.100\.10:80\/TCP/);
  assert.match(r.stdout, /198\.51\.100\.10:443\/TCP/);
  assert.doesNotMatch(r.stdout, /:65536|:-1|:0\/|eighty/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test("pool alloc: the same ports are named with file:line and field path, and skipped", async () => {
  const r = await runCli(["pool", "alloc", "-f", file("pool.yaml", POOL), "-f", file("ports-pool.yaml", service("web", BAD_PORTS))]);
  for (const i of [1, 2, 3, 4, 5]) assert.match(r.stderr, new RegExp(`spec\\.ports\\[${i}\\]\\.port: .* is not a port \\(an integer 1-65535\\); port skipped`), r.stderr);
  assert.match(r.stdout, /default\s+web\s+lab\s+192\.0\.2\.\d+/);
});

test("service list: a Service that appears twice is named and the first kept, as pool does", async () => {
  const a = file("dup-a.yaml", service("web", "[{port: 80}]"));
  const b = file("dup-b.yaml", service("web", "[{port: 8080}]"));
  const r = await runCli(["service", "list", "-A", "-f", a, "-f", b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /dup-b\.yaml:\d+: duplicate Service default\/web \(first defined at .*dup-a\.yaml:\d+\); skipped/);
  assert.match(r.stdout, /198\.51\.100\.10:80\/TCP/);
  assert.doesNotMatch(r.stdout, /:8080/);
});

test("service list: a corrupt -f file among good ones lists the rest but exits 1, as pool does", async () => {
  const good = file("good.yaml", service("web", "[{port: 80}]"));
  const bad = file("bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: x\n");
  const r = await runCli(["service", "list", "-A", "-f", good, "-f", bad]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /198\.51\.100\.10:80\/TCP/);
  assert.match(r.stderr, /bad\.yaml:\d+: /);
});

test("service list and pool word the same bad field and the same typo'd kind alike: file:line, object, field", async () => {
  const svc = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: LoadBalancer
  ports:
  - port: 80
  - port: 70000
---
apiVersion: v1
kind: Servce
metadata: {name: typo, namespace: default}
`;
  const f = file("same-words.yaml", svc);
  const list = await runCli(["service", "list", "-A", "-f", f]);
  const alloc = await runCli(["pool", "alloc", "-f", file("same-words-pool.yaml", POOL), "-f", f]);
  // A typo'd kind is a partial answer: exit 1 in both.
  assert.equal(list.code, 1, list.stderr);
  assert.equal(alloc.code, 1, alloc.stderr);
  const body = (stderr: string, needle: string): string | undefined =>
    stderr.split("\n").find((l) => l.includes(needle))?.replace(/^(warning|error): /, "");
  for (const needle of ["spec.ports[1].port", "unknown kind"]) {
    const a = body(list.stderr, needle);
    assert.ok(a !== undefined, `service list says nothing about ${needle}: ${list.stderr}`);
    assert.equal(a, body(alloc.stderr, needle), `${needle}\nservice list: ${list.stderr}\npool: ${alloc.stderr}`);
  }
  assert.match(body(list.stderr, "unknown kind") ?? "", /same-words\.yaml:11: Servce "typo": kind: unknown kind "Servce" \(did you mean Service\?\); object skipped/);
  assert.match(body(list.stderr, "spec.ports[1].port") ?? "", /same-words\.yaml:8: Service default\/web: spec\.ports\[1\]\.port: 70000 is not a port/);
});
