// `lbctl pool controller`'s per-event work at extreme sizes (issue 15): the controller answers
// each event with core/ipam's reconcile() (a full pass) or reconcileAdded() (the fast path for new
// Services), so both are timed in-process on n distinct /30 pools + n Services (the D08 shape):
//   1. the first full pass (every Service and pool written), 2. the answers confirmed, as the
//   controller does after each PUT, 3. per event: one new Service through the fast path, and one
//   full pass at the fixed point (what an edited object costs).
//   npm run build && node dist/bench/pool-controller-extremes.js [--sizes 1000,10000,100000]
//        [--core DIR]   # DIR: another build's dist/src, e.g. the base commit's, for before/after
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

type Obj = Record<string, unknown>;
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sizes = (opt("--sizes") ?? "1000,10000,100000").split(",").map(Number);
const core = opt("--core");
const dir = core ? `${pathToFileURL(resolve(core, "core/ipam")).href}/` : new URL("../src/core/ipam/", import.meta.url).href;
const R = (await import(`${dir}reconcile.js`)) as typeof import("../src/core/ipam/reconcile.ts");
const I = (await import(`${dir}incremental.js`)) as typeof import("../src/core/ipam/incremental.ts");
const { DEFAULT_SETTINGS } = (await import(`${dir}service.js`)) as typeof import("../src/core/ipam/service.ts");

const v4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
const pool = (i: number): Obj => ({ apiVersion: "cilium.io/v2", kind: "CiliumLoadBalancerIPPool", metadata: { name: `p${String(i).padStart(6, "0")}` }, spec: { blocks: [{ cidr: `${v4(0x0a000000 + 4 * i)}/30` }] } });
const svc = (i: number): Obj => ({ apiVersion: "v1", kind: "Service", metadata: { name: `svc-${String(i).padStart(6, "0")}`, namespace: "default" }, spec: { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP" }] } });

function cpuMs<T>(fn: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const v = fn();
  const c = process.cpuUsage(c0);
  return [v, (c.user + c.system) / 1000];
}

const scope = { writePoolStatus: true };
const now = "2026-12-03T08:00:00Z";
for (const n of sizes) {
  const pools = Array.from({ length: n }, (_, i) => pool(i));
  const services = new Map<string, Obj>(Array.from({ length: n }, (_, i) => [`default/svc-${String(i).padStart(6, "0")}`, svc(i)]));
  const poolMap = new Map<string, Obj>(pools.map((p) => [(p["metadata"] as Obj)["name"] as string, p]));
  const [plan, firstMs] = cpuMs(() => R.reconcile(R.listOrder(poolMap.values(), false), R.listOrder(services.values(), true), DEFAULT_SETTINGS, scope, now));
  // The API server's answers become the objects the watches hold.
  const confirm = (p: { services: readonly { key: string; before: Obj; after: Obj }[]; pools: readonly { name: string; before: Obj; after: Obj }[] }): void => {
    for (const w of p.services) {
      R.confirmWrite(plan.memory, "service", w.before, w.after);
      services.set(w.key, w.after);
    }
    for (const w of p.pools) {
      R.confirmWrite(plan.memory, "pool", w.before, w.after);
      poolMap.set(w.name, w.after);
    }
  };
  const [, confirmMs] = cpuMs(() => confirm(plan));
  const EVENTS = 20;
  let fastMs = 0;
  let fast = 0;
  for (let e = 0; e < EVENTS; e++) {
    const s = svc(n + e);
    services.set(`default/svc-${String(n + e).padStart(6, "0")}`, s);
    const [p, ms] = cpuMs(() => I.reconcileAdded(plan.memory, poolMap.values(), services.values(), now));
    fastMs += ms;
    if (p) {
      fast++;
      confirm(p);
    }
  }
  const [again, fullMs] = cpuMs(() => R.reconcile(R.listOrder(poolMap.values(), false), R.listOrder(services.values(), true), DEFAULT_SETTINGS, scope, now));
  console.log(JSON.stringify({
    bench: "controller passes, n /30 pools + n Services", n, core: core ?? "this build",
    firstPassCpuMs: Math.round(firstMs), writes: plan.services.length + plan.pools.length, confirmCpuMs: Math.round(confirmMs),
    fastPathEvents: `${fast}/${EVENTS}`, perEventFastCpuMs: +(fastMs / EVENTS).toFixed(1),
    fullPassAtFixedPointCpuMs: Math.round(fullMs), writesAtFixedPoint: again.services.length + again.pools.length, load1: +loadavg()[0]!.toFixed(1),
  }));
}
