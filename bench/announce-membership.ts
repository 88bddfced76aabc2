// API cost and spread of the two cluster-mode elections, side by side in one run, in process:
// real announcer engines (fake packet ports), the real MembershipController and ClusterController,
// an in-memory Lease API that counts every request. Timing 3s/1s/0.2s (the e2e tests' timing):
// requests per minute scale with 1 / retry period, so ×0.1 gives the defaults (2 s retry).
//   npm run build && node dist/bench/announce-membership.js [--quick] [--addresses 1000,10000]
//     [--nodes 3,10] [--election membership|per-address]
// Per row: requests/min, the renew period each announcer actually achieved (window ÷ its own
// renewals), CPU per announcer (the process's user+system CPU over the window ÷ announcers: all
// announcers share this one process, so it is their mean, bench overhead included) and spread.
import { setTimeout as sleep } from "node:timers/promises";
import { cpus, loadavg } from "node:os";
import { Announcer } from "../src/adapters/announce/announcer.ts";
import { ClusterController, type ClusterSnapshot } from "../src/adapters/announce/cluster.ts";
import { MembershipController } from "../src/adapters/announce/membership.ts";
import { makeLogger } from "../src/adapters/announce/logger.ts";
import { announceMetrics } from "../src/core/announce/metrics.ts";
import { computeOwners } from "../src/core/announce/membership.ts";
import type { Kube, KubeObject } from "../src/adapters/kube/types.ts";
import { MemLeaseStore } from "../test/helpers/mem-lease-store.ts";

const T = { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const WINDOW_MS = 3000;
const quick = process.argv.includes("--quick");
const arg = (name: string): string | undefined => { const i = process.argv.indexOf(name); return i < 0 ? undefined : process.argv[i + 1]; };
const list = (name: string, dflt: number[]): number[] => arg(name)?.split(",").map(Number) ?? dflt;
const SETTLE_MS = 40_000;

interface Row { perMin: number; spread: number; settled: boolean; counts: number[]; periodMs: number; cpuPct: number; work?: string }

/**
 * Waits `ms` and returns the wall time it really took (a busy event loop makes it longer) and
 * the process CPU used meanwhile, in % of one core per announcer.
 */
async function cpuOver(ms: number, nodes: number): Promise<{ wallMs: number; cpuPct: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(ms);
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuPct: (c.user + c.system) / 1000 / wallMs * 100 / nodes };
}

function services(n: number): ClusterSnapshot["services"] {
  return Array.from({ length: n }, (_, i) => ({ namespace: "default", name: `svc-${i}`, labels: {}, externalIPs: [], ingressIPs: [`2001:db8::${(i + 1).toString(16)}`] }));
}
const POLICIES = [{ name: "all", loadBalancerIPs: true }];

async function engine(id: number): Promise<Announcer> {
  const logger = makeLogger({ write: () => true }, "text", "error", Date.now);
  const e = new Announcer({
    log: logger, metrics: announceMetrics(), burst: { rounds: 0, intervalMs: 1000, refreshMs: 0 }, now: Date.now,
    openPort: async (link) => ({ ifname: link.name, mac: link.mac, send: () => {}, close: () => {} }),
  });
  await e.setLinks([{ name: "eth0", ifindex: 2, mac: `02:00:00:00:10:${id.toString(16).padStart(2, "0")}`, up: true }]);
  return e;
}

/** An in-memory Lease API (create/update/delete with resourceVersions) and a watch fan-out. */
function memKube(onChange: (o: KubeObject) => void): { kube: Kube; items: Map<string, KubeObject>; requests: () => number; byHolder: Map<string, number> } {
  const items = new Map<string, KubeObject>();
  let rv = 0;
  let requests = 0;
  const byHolder = new Map<string, number>();
  const holder = (o: KubeObject): string => ((o["spec"] ?? {}) as { holderIdentity?: string }).holderIdentity ?? "";
  const count = (o: KubeObject): void => void byHolder.set(holder(o), (byHolder.get(holder(o)) ?? 0) + 1);
  const key = (o: KubeObject): string => { const m = o["metadata"] as { name: string; namespace: string }; return `${m.namespace}/${m.name}`; };
  // The watch delivers a copy of the stored object a moment later (here: the object itself).
  const fire = (o: KubeObject): void => void setTimeout(() => onChange(o), 1);
  const kube = {
    async create(_r: unknown, obj: KubeObject) {
      requests++;
      count(obj);
      if (items.has(key(obj))) throw Object.assign(new Error("conflict"), { code: 409, statusCode: 409 });
      const o = { ...obj, metadata: { ...(obj["metadata"] as object), resourceVersion: String(++rv) } };
      items.set(key(o), o);
      fire(o);
      return o;
    },
    async update(_r: unknown, obj: KubeObject) {
      requests++;
      count(obj);
      const cur = items.get(key(obj));
      const m = obj["metadata"] as { resourceVersion?: string };
      if (!cur || (cur["metadata"] as { resourceVersion?: string }).resourceVersion !== m.resourceVersion) throw Object.assign(new Error("conflict"), { code: 409, statusCode: 409 });
      const o = { ...obj, metadata: { ...(obj["metadata"] as object), resourceVersion: String(++rv) } };
      items.set(key(o), o);
      fire(o);
      return o;
    },
    async delete(_r: unknown, name: string, ns: string) {
      requests++;
      const cur = items.get(`${ns}/${name}`);
      items.delete(`${ns}/${name}`);
      if (cur) fire(cur);
      return true;
    },
  } as unknown as Kube;
  return { kube, items, requests: () => requests, byHolder };
}

async function settle(held: () => number[], addresses: number, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const h = held();
    if (h.reduce((a, b) => a + b, 0) === addresses) return true;
    await sleep(100);
  }
  return false;
}

async function membership(addresses: number, nodes: number): Promise<Row> {
  const ctls: MembershipController[] = [];
  const mk = memKube((o) => ctls.forEach((c) => c.leaseChanged(o)));
  const svcs = services(addresses);
  for (let i = 0; i < nodes; i++) {
    const e = await engine(i);
    const c = new MembershipController({ engine: e, log: makeLogger({ write: () => true }, "text", "error", Date.now), metrics: announceMetrics(), identity: `node-${i}`, timing: T, kube: mk.kube, namespace: "kube-system", leases: () => mk.items, now: Date.now });
    ctls.push(c);
    c.update({ services: svcs, policies: POLICIES, node: { name: `node-${i}`, labels: {} }, localEndpoints: new Set(), hasLocalEndpoint: () => false });
  }
  const held = (): number[] => ctls.map((c) => c.groups().filter((g) => g.leading).length);
  const settled = await settle(held, addresses, SETTLE_MS);
  await sleep(500);
  const work0 = ctls.map((c) => ({ ...c.work() }));
  const r0 = mk.requests();
  const w0 = new Map(mk.byHolder);
  const { wallMs, cpuPct } = await cpuOver(WINDOW_MS, nodes);
  const perMin = (mk.requests() - r0) * 60_000 / wallMs;
  // Each announcer's own writes in the window (renewals, plus change writes if any).
  const writes = [...mk.byHolder].map(([h, n]) => n - (w0.get(h) ?? 0));
  const periodMs = wallMs / (writes.reduce((a, b) => a + b, 0) / Math.max(1, writes.length));
  const counts = held();
  const passes = ctls.reduce((a, c, i) => a + c.work().ownerPasses - work0[i]!.ownerPasses, 0) / nodes;
  const decisions = ctls.reduce((a, c, i) => a + c.work().decisions - work0[i]!.decisions, 0) / nodes;
  if (process.env["BENCH_DEBUG"]) console.error(`settle: ${ctls.map((c) => c.work().ownerPasses).join("/")} owner passes per announcer in all`);
  await Promise.all(ctls.map((c) => c.stop()));
  return { perMin, spread: Math.max(...counts) / Math.max(1, Math.min(...counts)), settled, counts, periodMs, cpuPct, work: `${passes.toFixed(1)} / ${Math.round(decisions).toLocaleString("en-US")}` };
}

async function perAddress(addresses: number, nodes: number): Promise<Row> {
  const store = new MemLeaseStore();
  let requests = 0;
  const ctls: ClusterController[] = [];
  const svcs = services(addresses);
  for (let i = 0; i < nodes; i++) {
    const e = await engine(i);
    const base = store.for(`node-${i}`);
    // Reads come from the watch cache in production (no request); count the writes only.
    const counted = { ...base, create: (...a: Parameters<typeof base.create>) => (requests++, base.create(...a)), update: (...a: Parameters<typeof base.update>) => (requests++, base.update(...a)) };
    const c = new ClusterController({ engine: e, log: makeLogger({ write: () => true }, "text", "error", Date.now), metrics: announceMetrics(), identity: `node-${i}`, timing: T, store: counted, now: Date.now });
    ctls.push(c);
    c.update({ services: svcs, policies: POLICIES, node: { name: `node-${i}`, labels: {} }, localEndpoints: new Set() });
  }
  const held = (): number[] => ctls.map((c) => c.groups().filter((g) => g.leading).length);
  const settled = await settle(held, addresses, SETTLE_MS);
  await sleep(500);
  const r0 = requests;
  const { wallMs, cpuPct } = await cpuOver(WINDOW_MS, nodes);
  const perMin = (requests - r0) * 60_000 / wallMs;
  const counts = held();
  // Renewals per held Lease in the window → the period each Lease was actually renewed at.
  const periodMs = wallMs / (((requests - r0) / Math.max(1, counts.reduce((a, b) => a + b, 0))) || 1e-9);
  await Promise.all(ctls.map((c) => c.stop()));
  return { perMin, spread: Math.max(...counts) / Math.max(1, Math.min(...counts)), settled, counts, periodMs, cpuPct };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(`machine: ${cpus().length} vCPU, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}, Node ${process.version}; timing 3s/1s/0.2s, window ${WINDOW_MS} ms`);
console.log("| election | addresses | announcers | requests/min (0.2 s retry) | ≈ at defaults (2 s retry) | bound (announcers × renewals/min) | renew period achieved | CPU per announcer | owner passes / address decisions per announcer in the window | per node (held) | max/min |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
const only = arg("--election");
for (const nodes of list("--nodes", [3, 10])) {
  for (const addresses of list("--addresses", quick ? [10, 1000] : [10, 100, 1000, 10_000])) {
    for (const [name, run] of [["membership", membership], ["per-address", perAddress]] as const) {
      if (only !== undefined && only !== name) continue;
      // Per-address at 10,000 addresses runs 10,000 timers per node at 200 ms: measured only with 3 announcers.
      if (name === "per-address" && addresses === 10_000 && nodes === 10) {
        console.log(`| per-address | 10,000 | 10 | (computed, not run) ${fmt(10_000 * 300)} | ${fmt(10_000 * 30)} | ${fmt(nodes * 300)} | — | — | — | — | — |`);
        continue;
      }
      const r = await run(addresses, nodes);
      console.log(`| ${name} | ${fmt(addresses)} | ${nodes} | ${fmt(r.perMin)}${r.settled ? "" : " (not settled)"} | ${fmt(r.perMin / 10)} | ${fmt(nodes * 300)} | ${(r.periodMs / 1000).toFixed(2)} s | ${r.cpuPct.toFixed(1)} % | ${r.work ?? "—"} | ${r.counts.join("/")} | ${r.spread.toFixed(3)} |`);
    }
  }
}
// What a membership change costs: one full bounded-load owner pass (HandoverState runs it only
// when members, their policies/weights or the plan change; a heartbeat runs none).
if (!process.argv.includes("--no-pass")) {
  console.log("\n| owner pass (computeOwners) | 3 members | 10 members |\n|---|---|---|");
  for (const addresses of [1000, 10_000]) {
    const groups = services(addresses).map((x) => ({ ip: x.ingressIPs[0]!, services: [`${x.namespace}/${x.name}`], policies: ["all"] }));
    const cells: string[] = [];
    for (const nodes of [3, 10]) {
      const members = Array.from({ length: nodes }, (_, i) => ({ identity: `node-${i}`, weight: 1, policies: new Set(["all"]) }));
      computeOwners({ groups, members, localServices: new Set(), hasLocalEndpoint: () => false }); // warm-up
      const c0 = process.cpuUsage();
      const runs = 5;
      for (let r = 0; r < runs; r++) computeOwners({ groups, members, localServices: new Set(), hasLocalEndpoint: () => false });
      const c = process.cpuUsage(c0);
      cells.push(`${((c.user + c.system) / 1000 / runs).toFixed(1)} ms CPU`);
    }
    console.log(`| ${fmt(addresses)} addresses | ${cells.join(" | ")} |`);
  }
}
process.exit(0);
