// `lbctl pool controller` against the test API server (its own process), docs/pool-controller.md:
//   1. initial sync: 10,000 LoadBalancer Services + 20 pools, all assigned and written; requests
//      sent (goal: one status write per Service); reference: offline `pool alloc` on the same objects;
//   2. steady state: create → status written (seen on a watch), p50/p99 over 1,000 creates at a
//      steady rate, on top of the 10,000 and on a fresh cluster;
//   3. controller memory (RSS) at 10,000 and 100,000 Services.
// Run: npm run build && node dist/bench/pool-controller.js [--steady-rate 50]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { connectKube } from "../src/adapters/kube/connect.ts";
import { RESOURCES, type Kube } from "../src/adapters/kube/types.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LBCTL = join(ROOT, "bin/lbctl");
const SERVER = fileURLToPath(new URL("./_pool-controller-apiserver.js", import.meta.url));
const rateArg = process.argv.indexOf("--steady-rate");
const RATE = rateArg > 0 ? Number(process.argv[rateArg + 1]) : 50;
// --only sync|fresh|mem (repeatable) runs some sections; --no-events passes that to the controller.
const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--only" ? [a] : []));
const want = (s: string): boolean => only.length === 0 || only.includes(s);
const EXTRA = process.argv.includes("--no-events") ? ["--no-events"] : [];
const dir = mkdtempSync(join(tmpdir(), "lbctl-bench-ctl-"));
type Obj = Record<string, unknown>;

function pools(n: number, prefix: number): Obj[] {
  // One /20 (4096 addresses) per pool, each pinned to its namespace, as tenants often are.
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: `pool-${i}` },
    spec: { blocks: [{ cidr: `10.${prefix + (i >> 4)}.${(i & 15) * 16}.0/20` }], serviceSelector: { matchLabels: { "io.kubernetes.service.namespace": `ns-${i}` } } },
  }));
}

function service(i: number, nsCount: number, assigned = false): Obj {
  const ns = i % nsCount;
  const o: Obj = {
    apiVersion: "v1", kind: "Service", metadata: { name: `svc-${i}`, namespace: `ns-${ns}`, labels: { app: `app-${i % 97}` } },
    spec: { type: "LoadBalancer", selector: { app: `app-${i % 97}` }, ports: [{ name: "http", port: 80, protocol: "TCP" }] },
  };
  if (assigned) {
    // Pre-assigned as the controller would have: the k-th Service of namespace ns gets the k-th address.
    const k = Math.floor(i / nsCount);
    const pool = ns;
    const base = ((10 << 24) | ((100 + (pool >> 4)) << 16) | (((pool & 15) * 16) << 8)) >>> 0;
    const ip = base + k;
    const text = [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
    o["status"] = {
      loadBalancer: { ingress: [{ ip: text }] },
      conditions: [{ type: "cilium.io/IPAMRequestSatisfied", status: "True", observedGeneration: 1, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "satisfied", message: "" }],
    };
  }
  return o;
}

interface Proc {
  child: ChildProcess;
  out: string;
  err: string;
}

function start(args: string[]): Proc {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const p: Proc = { child, out: "", err: "" };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (p.out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (p.err += d));
  return p;
}

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null) return;
  const done = new Promise((r) => p.child.on("close", r));
  p.child.kill("SIGTERM");
  const t = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await done;
  clearTimeout(t);
}

async function startServer(objs: Obj[], name: string): Promise<{ proc: Proc; kc: string }> {
  const seed = join(dir, `${name}.json`);
  writeFileSync(seed, JSON.stringify(objs));
  const kc = join(dir, `${name}.kubeconfig`);
  const proc = start([SERVER, seed, kc]);
  await until("test API server", 120_000, () => (proc.out.includes("https://") ? true : undefined));
  return { proc, kc };
}

let metricsPort = 0;
async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startController(kc: string): Promise<Proc> {
  metricsPort = await freePort();
  return start([LBCTL, "pool", "controller", "--kubeconfig", kc, "--identity", "bench", "--log-level", process.env["BENCH_TRACE"] ? "debug" : "warn", "--metrics-addr", `127.0.0.1:${metricsPort}`,
    "--lease-duration", "15s", ...EXTRA]);
}

async function metrics(_p: Proc): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  return res.text();
}

function sample(text: string, name: string, labels = ""): number {
  const re = new RegExp(`^${name}${labels ? `\\{${labels.replace(/[{}]/g, "\\$&")}\\}` : ""} (\\S+)$`, "m");
  return Number(re.exec(text)?.[1] ?? NaN);
}

function rss(p: Proc): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${p.child.pid}/status`, "utf8");
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, "m").exec(s)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

function requests(text: string): string {
  const out: string[] = [];
  for (const m of text.matchAll(/^lbctl_pool_controller_api_requests_total\{verb="(\w+)",resource="([^"]+)"\} (\d+)$/gm)) out.push(`${m[1]} ${m[2]}: ${m[3]}`);
  return out.join(", ");
}

async function steady(kube: Kube, n: number, rate: number, nsCount: number): Promise<{ p50: number; p99: number; max: number }> {
  const sent = new Map<string, number>();
  const lat: number[] = [];
  const abort = new AbortController();
  const watching = (async () => {
    // The first page's resourceVersion is the list's: watch from now without reading 10,000 objects.
    let rv = "";
    for await (const page of kube.pages(RESOURCES.services, { pageSize: 1 })) {
      rv = page.resourceVersion;
      break;
    }
    for await (const ev of kube.watch(RESOURCES.services, { resourceVersion: rv, signal: abort.signal })) {
      const m = ev.object["metadata"] as { name: string; namespace: string };
      const t = sent.get(`${m.namespace}/${m.name}`);
      const ing = ((ev.object["status"] as Obj | undefined)?.["loadBalancer"] as Obj | undefined)?.["ingress"];
      if (t !== undefined && Array.isArray(ing) && ing.length > 0) {
        lat.push(performance.now() - t);
        if (process.env["BENCH_TRACE"]) console.log(`  ${m.name} ${(performance.now() - t).toFixed(0)} ms`);
        sent.delete(`${m.namespace}/${m.name}`);
        if (lat.length === n) return;
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 300)); // let the watch open
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const o = service(1_000_000 + i, nsCount);
    (o["metadata"] as Obj)["name"] = `new-${i}`;
    const key = `${String((o["metadata"] as Obj)["namespace"])}/new-${i}`;
    sent.set(key, performance.now());
    void kube.create(RESOURCES.services, o);
  }
  await Promise.race([watching, new Promise((r) => setTimeout(r, 60_000))]);
  abort.abort();
  lat.sort((a, b) => a - b);
  const q = (f: number): number => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))] ?? NaN;
  if (lat.length < n) console.log(`  (only ${lat.length}/${n} statuses seen within 60 s)`);
  return { p50: q(0.5), p99: q(0.99), max: lat[lat.length - 1] ?? NaN };
}

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (2 cores, shared)`);

// 1. Initial sync, 10k + 20 pools.
if (want("sync")) {
  const objs = [...pools(20, 100), ...Array.from({ length: 10_000 }, (_, i) => service(i, 20))];
  const { proc: srv, kc } = await startServer(objs, "sync10k");
  // Reference in the same run: offline `pool alloc` on the same objects (no API, no writes).
  const listFile = join(dir, "sync10k-list.json");
  writeFileSync(listFile, JSON.stringify({ apiVersion: "v1", kind: "List", items: objs }));
  let t = performance.now();
  const ref = spawnSync(process.execPath, [LBCTL, "pool", "alloc", "-f", listFile, "-o", "json"], { maxBuffer: 1 << 30 });
  const refMs = performance.now() - t;
  t = performance.now();
  const ctl = await startController(kc);
  const text = await until("10,000 status writes", 120_000, async () => {
    const m = await metrics(ctl).catch(() => "");
    return sample(m, "lbctl_pool_controller_status_writes_total", 'resource="services",result="ok"') >= 10_000 ? m : undefined;
  });
  const syncMs = performance.now() - t;
  await new Promise((r) => setTimeout(r, 1500));
  const after = await metrics(ctl);
  const mem = rss(ctl);
  console.log(`initial sync, 10,000 Services + 20 pools: ${(syncMs / 1000).toFixed(2)} s from process start to the 10,000th status write (goal < 10 s)`);
  console.log(`  reference: offline lbctl pool alloc on the same objects: ${(refMs / 1000).toFixed(2)} s (exit ${ref.status})`);
  console.log(`  requests sent: ${requests(after)}`);
  console.log(`  status writes: services ok ${sample(after, "lbctl_pool_controller_status_writes_total", 'resource="services",result="ok"')}, conflicts ${sample(after, "lbctl_pool_controller_status_writes_total", 'resource="services",result="conflict"') || 0}; pools ok ${sample(after, "lbctl_pool_controller_status_writes_total", 'resource="pools",result="ok"')}; events dropped ${sample(after, "lbctl_pool_controller_events_dropped_total")}`);
  console.log(`  reconcile passes: ${sample(after, "lbctl_pool_controller_reconcile_duration_seconds_count")}, ${sample(text, "lbctl_pool_controller_reconcile_duration_seconds_sum").toFixed(2)} s in passes at the 10,000th write`);
  console.log(`  controller memory at 10,000 Services: RSS ${mem.rss.toFixed(0)} MiB (peak ${mem.hwm.toFixed(0)} MiB)`);

  // 2a. Steady state on top of the 10,000.
  const kube = connectKube({ kubeconfig: kc, env: {} });
  const m0 = await metrics(ctl);
  const s = await steady(kube, 1000, RATE, 20);
  const m1 = await metrics(ctl);
  const passes = sample(m1, "lbctl_pool_controller_reconcile_duration_seconds_count") - sample(m0, "lbctl_pool_controller_reconcile_duration_seconds_count");
  const secs = sample(m1, "lbctl_pool_controller_reconcile_duration_seconds_sum") - sample(m0, "lbctl_pool_controller_reconcile_duration_seconds_sum");
  console.log(`  during it: ${passes} passes, mean ${((secs / passes) * 1000).toFixed(0)} ms per pass (compute + writes)`);
  console.log(`steady state, 1,000 creates at ${RATE}/s on top of 10,000 Services: create → status p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}, max ${fmt(s.max)} (goal p99 < 100 ms)`);
  kube.close();
  if (process.env["BENCH_TRACE"]) writeFileSync(join(dir, "ctl.log"), ctl.err), console.log(`  controller log: ${join(dir, "ctl.log")}`);
  await stop(ctl);
  await stop(srv);
  const stored = JSON.parse(srv.out.trim().split("\n").pop() ?? "{}") as Record<string, number>;
  console.log(`  server stored: ${Object.entries(stored).map(([k, v]) => `${k} ${v}`).join(", ")}`);
}

// 2b. Steady state on a fresh cluster (20 pools, no Services yet).
if (want("fresh")) {
  const { proc: srv, kc } = await startServer(pools(20, 100), "fresh");
  const ctl = await startController(kc);
  await until("controller metrics", 30_000, () => metrics(ctl).then((m) => (m.includes("lbctl_pool_controller_leader 1") ? true : undefined), () => undefined));
  await new Promise((r) => setTimeout(r, 500));
  const kube = connectKube({ kubeconfig: kc, env: {} });
  const s = await steady(kube, 1000, RATE, 20);
  console.log(`steady state, 1,000 creates at ${RATE}/s on a fresh cluster: create → status p50 ${fmt(s.p50)}, p99 ${fmt(s.p99)}, max ${fmt(s.max)} (goal p99 < 100 ms)`);
  kube.close();
  await stop(ctl);
  await stop(srv);
}

// 3. Memory at 100,000 Services (already assigned: the controller imports them, writes nothing).
if (want("mem")) {
  const objs = [...pools(100, 100), ...Array.from({ length: 100_000 }, (_, i) => service(i, 100, true))];
  const { proc: srv, kc } = await startServer(objs, "mem100k");
  const t = performance.now();
  const ctl = await startController(kc);
  const text = await until("100,000 Services handled", 300_000, async () => {
    const m = await metrics(ctl).catch(() => "");
    return sample(m, "lbctl_pool_controller_services") >= 100_000 && sample(m, "lbctl_pool_controller_status_writes_total", 'resource="pools",result="ok"') >= 100 ? m : undefined;
  });
  const ms = performance.now() - t;
  await new Promise((r) => setTimeout(r, 2000));
  const mem = rss(ctl);
  console.log(`controller memory at 100,000 Services (100 pools, all assigned): RSS ${mem.rss.toFixed(0)} MiB (peak ${mem.hwm.toFixed(0)} MiB); synced and verified in ${(ms / 1000).toFixed(1)} s`);
  console.log(`  Service status writes: ${sample(text, "lbctl_pool_controller_status_writes_total", 'resource="services",result="ok"') || 0} (a restart writes nothing); requests: ${requests(text)}`);
  await stop(ctl);
  await stop(srv);
}
console.log(`load average at end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
