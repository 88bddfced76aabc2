// One address text across every command (issue 10): the IPv4-mapped form prints as RFC 5952 §5
// (`::ffff:192.0.2.1`) wherever it appears, `010.0.0.1` is refused everywhere (Go netip, as
// Cilium parses), and the announcer refuses a mapped VIP with a reason instead of calling it
// "not an address". Before the one IP module, `service list` printed `::ffff:c000:201` and took
// `010.0.0.1` as 10.0.0.1, while `pool` printed the dotted tail and refused the leading zero.
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../helpers/cli.ts";

const service = (name: string, spec: Record<string, unknown>): string => JSON.stringify({
  apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default" },
  spec: { type: "ClusterIP", ports: [{ port: 80, protocol: "TCP" }], ...spec },
});

test("service list: the mapped address in the one canonical text, whatever text the object used", async () => {
  const stdin = `{"apiVersion":"v1","kind":"List","items":[${service("mapped", { clusterIP: "::ffff:c000:201", clusterIPs: ["::ffff:c000:201"], ipFamilies: ["IPv6"] })}]}`;
  const r = await runCli(["service", "list", "-f", "-", "-o", "json"], { stdin });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"\[::ffff:192\.0\.2\.1\]:80\/TCP"|"::ffff:192\.0\.2\.1"/);
  assert.doesNotMatch(r.stdout, /c000:201/);
  const q = await runCli(["service", "list", "-f", "-", "--frontend", "[::ffff:c000:201]:80"], { stdin });
  assert.equal(q.code, 0, q.stderr);
  assert.match(q.stdout, /\[::ffff:192\.0\.2\.1\]:80\/TCP/);
});

test("service list: a leading-zero IPv4 address is not an address (as pool and Cilium say)", async () => {
  const stdin = `{"apiVersion":"v1","kind":"List","items":[${service("zero", { clusterIP: "010.0.0.1", clusterIPs: ["010.0.0.1"] })}]}`;
  const r = await runCli(["service", "list", "-f", "-"], { stdin });
  assert.doesNotMatch(r.stdout, /10\.0\.0\.1:80/);
  assert.match(r.stderr, /"010\.0\.0\.1" is not an IP address/);
  const q = await runCli(["service", "list", "-f", "-", "--frontend", "010.0.0.1"], { stdin });
  assert.equal(q.code, 2);
  assert.match(q.stderr, /--frontend/);
});

test("pool alloc: requested mapped and leading-zero addresses read as service list reads them", async () => {
  const pool = JSON.stringify({ apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: "v6" }, spec: { blocks: [{ cidr: "::ffff:192.0.2.0/120" }] } });
  const svc = (name: string, ip: string): string => JSON.stringify({
    apiVersion: "v1", kind: "Service", metadata: { name, namespace: "default", annotations: { "lbipam.cilium.io/ips": ip } },
    spec: { type: "LoadBalancer", ipFamilies: ["IPv6"], ipFamilyPolicy: "SingleStack", ports: [{ port: 80 }] },
  });
  const stdin = `{"apiVersion":"v1","kind":"List","items":[${pool},${svc("mapped", "::ffff:c000:205")}]}`;
  const r = await runCli(["pool", "alloc", "-f", "-", "-o", "json"], { stdin });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /"ip": "::ffff:192\.0\.2\.5"/); // the annotation is echoed as written
});

test("announce --vip: a mapped address is refused with the reason and the address to use", async () => {
  const r = await runCli(["announce", "--vip", "::ffff:192.0.2.1", "-i", "^nonexistent$"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"::ffff:192\.0\.2\.1" is an IPv4-mapped IPv6 address.*announce 192\.0\.2\.1 instead/);
  const z = await runCli(["announce", "--vip", "010.0.0.1", "-i", "^nonexistent$"]);
  assert.equal(z.code, 2);
  assert.match(z.stderr, /"010\.0\.0\.1" is not an IPv4 or IPv6 address/);
});

test("arping: a leading-zero target is refused like everywhere else", async () => {
  const r = await runCli(["arping", "-c", "1", "-i", "lo", "010.0.0.1"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /invalid target "010\.0\.0\.1"/);
});
