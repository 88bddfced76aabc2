// Benchmark: `lbctl l2 status -A --probe` over 1,000 VIPs on a namespace test bed, and the API
// list calls it costs. The VIPs (600 IPv4 in the three documentation /24s, 400 IPv6 in
// 2001:db8::/64) are addresses on a "farm" namespace's eth0, so its kernel answers ARP and NDP;
// the client namespace runs the test API server (1,000 Services + 1,000 Leases) and lbctl.
// Run as root:  npm run bench -- l2-status   (or: npm run build && node dist/bench/l2-status.js [runs])
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { NetnsLab } from "../test/helpers/netns.ts";
import { lease, MACS, POLICY, service } from "../test/helpers/l2-bed.ts";

const RUNS = Number(process.argv[2] ?? 5);
const fakeT = { skip: (why: string) => console.error(`skipped: ${why}`), after: () => {} } as unknown as TestContext;
const lab = await NetnsLab.start(fakeT, "l2bench");
if (!lab) process.exit(0);
try {
  const client = await lab.ns("client");
  const farm = await lab.ns("farm");
  await lab.veth(client, "eth0", "02:00:00:00:00:0c", farm, "eth0", MACS.node1);
  for (const cidr of ["192.0.2.254/24", "198.51.100.254/24", "203.0.113.254/24", "2001:db8::fffe/64"]) await lab.addr(client, "eth0", cidr, { nodad: true });
  const vips: string[] = [];
  for (const net of ["192.0.2", "198.51.100", "203.0.113"]) for (let i = 1; i <= 200; i++) vips.push(`${net}.${i}`);
  for (let i = 1; i <= 400; i++) vips.push(`2001:db8::${(0x1000 + i).toString(16)}`);
  const dir = mkdtempSync(join(tmpdir(), "lbt-l2bench-"));
  const batch = join(dir, "addrs.batch");
  writeFileSync(batch, vips.map((v) => `addr add ${v}/${v.includes(":") ? 128 : 32} dev eth0${v.includes(":") ? " nodad" : ""}`).join("\n") + "\n");
  await lab.ip(farm, "-batch", batch);
  await lab.ip(farm, "addr", "add", "192.0.2.253/24", "dev", "eth0");
  await lab.ip(client, "link", "set", "eth0", "up");
  await lab.up(farm, "eth0");
  await lab.up(client, "eth0");

  const objects: unknown[] = [{ ...POLICY, spec: { ...POLICY.spec, externalIPs: true } }];
  vips.forEach((v, i) => objects.push(service(`svc-${i}`, v), lease(v, "node1", `shop/svc-${i}`)));
  const seed = join(dir, "seed.json");
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(seed, JSON.stringify(objects));
  const server = lab.spawn(client, [process.execPath, fileURLToPath(new URL("./_l2-status-apiserver.js", import.meta.url)), seed, kubeconfig]);
  let out = "";
  server.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  while (!out.includes("\n")) await new Promise((r) => setTimeout(r, 20));

  const times: number[] = [];
  const phases: string[] = [];
  let last: { summary: { addresses: number; ok: number; byVerdict: Record<string, number> } } | undefined;
  for (let i = 0; i < RUNS; i++) {
    const r = await lab.lbctl(client, ["l2", "status", "-A", "--probe", "-o", "json", "--kubeconfig", kubeconfig], { timeoutMs: 30_000, env: { LBCTL_TIMING: "1" } });
    phases.push(r.stderr.trim());
    if (r.code !== 0 && r.code !== 3) throw new Error(`l2 status exited ${r.code}: ${r.stderr.slice(0, 500)}`);
    last = JSON.parse(r.stdout) as typeof last;
    times.push(r.ms);
  }
  const noProbe: number[] = [];
  const startup: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    noProbe.push((await lab.lbctl(client, ["l2", "status", "-A", "-o", "json", "--kubeconfig", kubeconfig], { timeoutMs: 30_000 })).ms);
    startup.push((await lab.lbctl(client, ["version"], { timeoutMs: 30_000 })).ms);
  }
  server.kill("SIGTERM");
  await once(server, "exit");
  const counts = JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as { verbs: Record<string, number>; urls: string[] };
  times.sort((a, b) => a - b);
  const lists = counts.verbs["list"] ?? 0;
  console.log(JSON.stringify({
    vips: vips.length, runs: RUNS,
    wallMs: { min: Math.round(times[0] ?? 0), median: Math.round(times[Math.floor(times.length / 2)] ?? 0), max: Math.round(times.at(-1) ?? 0) },
    withoutProbeMedianMs: Math.round(noProbe.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0),
    lbctlVersionMedianMs: Math.round(startup.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0),
    verdicts: last?.summary.byVerdict, requestsPerRun: Object.fromEntries(Object.entries(counts.verbs).map(([k, n]) => [k, n / (2 * RUNS)])),
    phasesOfEachRun: phases,
    listUrlsOfOneRun: counts.urls.slice(0, lists / (2 * RUNS)),
  }, null, 2));
} finally {
  await lab.teardown();
}
