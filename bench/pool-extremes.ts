// Scaling curves of `lbctl pool` at extreme sizes (issue 15: D08/X08, D11/X09, D12, R03 of
// ../shared/review/reliability-probe.md): each case's cost must grow near-linearly, 1k … 100k.
//   npm run build && node dist/bench/pool-extremes.js [--sizes 1000,10000,100000] [--cases pools,blocks]
//        [--bin path/to/bin/lbctl] [--timeout 60] [--taskset 0]
// --bin runs another build (e.g. the base commit's, copied aside) on the same generated files, for
// the before/after table in docs/pool.md. One JSON line per run: wall and CPU seconds, peak RSS,
// load average; a run past --timeout seconds is killed and reported as such.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

type Obj = Record<string, unknown>;
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = (opt("--sizes") ?? "1000,3000,10000,30000,100000").split(",").map(Number);
const bin = opt("--bin") ?? fileURLToPath(new URL("../../bin/lbctl", import.meta.url));
const timeoutS = Number(opt("--timeout") ?? 120);
const cpu = opt("--taskset");
const dir = mkdtempSync(join(tmpdir(), "lbctl-bench-extremes-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const v4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const BASE = (10 << 24) >>> 0; // 10.0.0.0: 100k /30 pools need 400k addresses
const poolObj = (name: string, blocks: Obj[], extra: Obj = {}): Obj => ({
  apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name }, spec: { blocks, ...extra },
});
const svcObj = (i: number, annotations: Obj = {}, ports: Obj[] = [{ port: 80, protocol: "TCP" }], status?: Obj, v6 = false): Obj => ({
  apiVersion: "v1", kind: "Service", metadata: { name: `svc-${i}`, namespace: "default", annotations },
  spec: { type: "LoadBalancer", ports, ...(v6 ? { ipFamilies: ["IPv6"] } : {}) }, ...(status ? { status } : {}),
});
const list = (items: Obj[]): Obj => ({ apiVersion: "v1", kind: "List", items });

interface Case {
  /** What grows with n, for the table. */
  readonly what: string;
  readonly gen: (n: number) => Obj;
  readonly argv: (file: string) => string[];
}

const CASES: Record<string, Case> = {
  // D08/X08: every Service used to scan the pools in order past the full ones.
  pools: {
    what: "n distinct /30 pools + n Services",
    gen: (n) => list([...Array.from({ length: n }, (_, i) => poolObj(`p${i}`, [{ cidr: `${v4(BASE + 4 * i)}/30` }])), ...Array.from({ length: n }, (_, i) => svcObj(i))]),
    argv: (f) => ["pool", "alloc", "-f", f, "-o", "json"],
  },
  // The same with a selector per pool (each pinned to its namespace, as tenants often are).
  "pools-selector": {
    what: "n /30 pools, one namespace each + n Services",
    gen: (n) => list([
      ...Array.from({ length: n }, (_, i) => poolObj(`p${i}`, [{ cidr: `${v4(BASE + 4 * i)}/30` }], { serviceSelector: { matchLabels: { "io.kubernetes.service.namespace": `ns-${i}` } } })),
      ...Array.from({ length: n }, (_, i) => ({ ...svcObj(i), metadata: { name: `svc-${i}`, namespace: `ns-${i}` } })),
    ]),
    argv: (f) => ["pool", "alloc", "-f", f, "-o", "json"],
  },
  // The same, each Service already holding an address (a re-run on the output): phase 1's lookup.
  "pools-status": {
    what: "n /30 pools + n Services with status",
    gen: (n) => list([
      ...Array.from({ length: n }, (_, i) => poolObj(`p${i}`, [{ cidr: `${v4(BASE + 4 * i)}/30` }])),
      ...Array.from({ length: n }, (_, i) => svcObj(i, {}, undefined, { loadBalancer: { ingress: [{ ip: v4(BASE + i) }] } })),
    ]),
    argv: (f) => ["pool", "alloc", "-f", f, "-o", "json"],
  },
  // D07, not a defect but the other end of the conflict tree: every pool on the same /24.
  overlap: {
    what: "n pools on one /24 (conflict storm), pool list",
    gen: (n) => list(Array.from({ length: n }, (_, i) => poolObj(`p${i}`, [{ cidr: "10.0.0.0/24" }]))),
    argv: (f) => ["pool", "list", "-f", f],
  },
  // D11/X09: one pool with n blocks (conflict check between a pool's own blocks).
  blocks: {
    what: "one pool with n /30 blocks, pool show",
    gen: (n) => list([poolObj("manyblocks", Array.from({ length: n }, (_, i) => ({ cidr: `${v4(BASE + 4 * i)}/30` })))]),
    argv: (f) => ["pool", "show", "manyblocks", "-f", f],
  },
  "blocks-list": {
    what: "one pool with n /30 blocks, pool list",
    gen: (n) => list([poolObj("manyblocks", Array.from({ length: n }, (_, i) => ({ cidr: `${v4(BASE + 4 * i)}/30` })))]),
    argv: (f) => ["pool", "list", "-f", f],
  },
  // D12: n Services with one sharing key and distinct ports: one sharing group of n members.
  sharing: {
    what: "n Services, one key, one group (::/0)",
    gen: (n) => list([
      poolObj("all", [{ cidr: "::/0" }]),
      ...Array.from({ length: n }, (_, i) => svcObj(i, { "lbipam.cilium.io/sharing-key": "k" }, [{ port: 1 + (i % 65535), protocol: i < 65535 ? "TCP" : "UDP" }], undefined, true)),
    ]),
    argv: (f) => ["pool", "alloc", "-f", f, "-o", "json"],
  },
  // The other shape of one key: every Service on port 80, so none can join: n groups of one.
  "sharing-sameport": {
    what: "n Services, one key, same port (n groups)",
    gen: (n) => list([poolObj("all", [{ cidr: "::/0" }]), ...Array.from({ length: n }, (_, i) => svcObj(i, { "lbipam.cilium.io/sharing-key": "k" }, undefined, undefined, true))]),
    argv: (f) => ["pool", "alloc", "-f", f, "-o", "json"],
  },
  // R03: one Service requesting n addresses (lbipam.cilium.io/ips).
  requested: {
    what: "one Service requesting n IPs",
    gen: (n) => list([poolObj("big", [{ cidr: "10.0.0.0/8" }]), svcObj(0, { "lbipam.cilium.io/ips": Array.from({ length: n }, (_, i) => v4(BASE + i)).join(",") })]),
    argv: (f) => ["pool", "alloc", "-f", f],
  },
};

const chosen = (opt("--cases") ?? Object.keys(CASES).join(",")).split(",");
for (const name of chosen) {
  const c = CASES[name];
  if (!c) throw new Error(`unknown case ${name} (known: ${Object.keys(CASES).join(", ")})`);
  let timedOut = false;
  for (const n of sizes) {
    const file = join(dir, `${name}-${n}.json`);
    if (timedOut) {
      // A larger input cannot be faster: do not spend another timeout on it.
      console.log(JSON.stringify({ bench: name, what: c.what, n, skipped: `a smaller size exceeded ${timeoutS} s` }));
      continue;
    }
    writeFileSync(file, JSON.stringify(c.gen(n)));
    const cmd = [...(cpu !== undefined ? ["taskset", "-c", cpu] : []), "/usr/bin/time", "-f", "%e %U %S %M", process.execPath, bin, ...c.argv(file)];
    const load1 = +loadavg()[0]!.toFixed(1);
    const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], timeout: timeoutS * 1000, killSignal: "SIGKILL" });
    rmSync(file);
    if (r.error || r.signal) {
      timedOut = true;
      console.log(JSON.stringify({ bench: name, what: c.what, n, timeout: `> ${timeoutS} s`, load1 }));
      continue;
    }
    const [wall, user, sys, rssKb] = (r.stderr.trim().split("\n").pop() ?? "").split(" ").map(Number);
    console.log(JSON.stringify({ bench: name, what: c.what, n, exit: r.status, wallS: wall, cpuS: +((user ?? 0) + (sys ?? 0)).toFixed(2), peakRssMB: Math.round((rssKb ?? 0) / 1024), load1 }));
  }
}
