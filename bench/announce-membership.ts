// API cost and spread of the two cluster-mode elections, side by side in one run, in process:
// real announcer engines (fake packet ports), the real MembershipController and ClusterController,
// an in-memory Lease API that counts every request. Timing 3s/1s/0.2s (the e2e tests' timing):
// requests per minute scale with 1 / retry period, so ×0.1 gives the defaults (2 s retry).
//   npm run build && node dist/bench/announce-membership.js [--quick]
import { setTimeout as sleep } from "node:timers/promises";
import { cpus, loadavg } from "node:os";
import { Announcer } from "../src/adapters/announce/announcer.ts";
import { ClusterController, type ClusterSnapshot } from "../src/adapters/announce/cluster.ts";
import { MembershipController } from "../src/adapters/announce/membership.ts";
import { makeLogger } from "../src/adapters/announce/logger.ts";
import { announceMetrics } from "../src/core/announce/metrics.ts";
import type { Kube, KubeObject } from "../src/adapters/kube/types.ts";
import { MemLeaseStore } from "../test/helpers/mem-lease-store.ts";

const T = { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 };
const WINDOW_MS = 3000;
const quick = process.argv.includes("--quick");

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
function memKube(onChange: () => void): { kube: Kube; items: Map<string, KubeObject>; requests: () => number } {
  const items = new Map<string, KubeObject>();
  let rv = 0;
  let requests = 0;
  const key = (o: KubeObject): string => { const m = o["metadata"] as { name: string; namespace: string }; return `${m.namespace}/${m.name}`; };
  const fire = (): void => void setTimeout(onChange, 1);
  const kube = {
    async create(_r: unknown, obj: KubeObject) {
      requests++;
      if (items.has(key(obj))) throw Object.assign(new Error("conflict"), { code: 409, statusCode: 409 });
      const o = { ...obj, metadata: { ...(obj["metadata"] as object), resourceVersion: String(++rv) } };
      items.set(key(o), o);
      fire();
      return o;
    },
    async update(_r: unknown, obj: KubeObject) {
      requests++;
      const cur = items.get(key(obj));
      const m = obj["metadata"] as { resourceVersion?: string };
      if (!cur || (cur["metadata"] as { resourceVersion?: string }).resourceVersion !== m.resourceVersion) throw Object.assign(new Error("conflict"), { code: 409, statusCode: 409 });
      const o = { ...obj, metadata: { ...(obj["metadata"] as object), resourceVersion: String(++rv) } };
      items.set(key(o), o);
      fire();
      return o;
    },
    async delete(_r: unknown, name: string, ns: string) {
      requests++;
      items.delete(`${ns}/${name}`);
      fire();
      return true;
    },
  } as unknown as Kube;
  return { kube, items, requests: () => requests };
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

async function membership(addresses: number, nodes: number): Promise<{ perMin: number; spread: number; settled: boolean; counts: number[] }> {
  const ctls: MembershipController[] = [];
  const mk = memKube(() => ctls.forEach((c) => c.leaseChanged()));
  const svcs = services(addresses);
  for (let i = 0; i < nodes; i++) {
    const e = await engine(i);
    const c = new MembershipController({ engine: e, log: makeLogger({ write: () => true }, "text", "error", Date.now), metrics: announceMetrics(), identity: `node-${i}`, timing: T, kube: mk.kube, namespace: "kube-system", leases: () => mk.items, now: Date.now });
    ctls.push(c);
    c.update({ services: svcs, policies: POLICIES, node: { name: `node-${i}`, labels: {} }, localEndpoints: new Set(), hasLocalEndpoint: () => false });
  }
  const held = (): number[] => ctls.map((c) => c.groups().filter((g) => g.leading).length);
  const settled = await settle(held, addresses, 15_000);
  await sleep(500);
  const r0 = mk.requests();
  await sleep(WINDOW_MS);
  const perMin = (mk.requests() - r0) * 60_000 / WINDOW_MS;
  const counts = held();
  await Promise.all(ctls.map((c) => c.stop()));
  return { perMin, spread: Math.max(...counts) / Math.max(1, Math.min(...counts)), settled, counts };
}

async function perAddress(addresses: number, nodes: number): Promise<{ perMin: number; spread: number; settled: boolean; counts: number[] }> {
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
  const settled = await settle(held, addresses, 15_000);
  await sleep(500);
  const r0 = requests;
  await sleep(WINDOW_MS);
  const perMin = (requests - r0) * 60_000 / WINDOW_MS;
  const counts = held();
  await Promise.all(ctls.map((c) => c.stop()));
  return { perMin, spread: Math.max(...counts) / Math.max(1, Math.min(...counts)), settled, counts };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
console.log(`machine: ${cpus().length} vCPU, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}, Node ${process.version}; timing 3s/1s/0.2s, window ${WINDOW_MS} ms`);
console.log("| election | addresses | announcers | requests/min (0.2 s retry) | ≈ at defaults (2 s retry) | bound (announcers × renewals/min) | per node (held) | max/min |");
console.log("|---|---|---|---|---|---|---|---|");
for (const nodes of [3, 10]) {
  for (const addresses of quick ? [10, 1000] : [10, 100, 1000, 10_000]) {
    for (const [name, run] of [["membership", membership], ["per-address", perAddress]] as const) {
      // Per-address at 10,000 addresses runs 10,000 timers per node at 200 ms: measured only with 3 announcers.
      if (name === "per-address" && addresses === 10_000 && nodes === 10) {
        console.log(`| per-address | 10,000 | 10 | (computed) ${fmt(10_000 * 300)} | ${fmt(10_000 * 30)} | — | — | — |`);
        continue;
      }
      const r = await run(addresses, nodes);
      console.log(`| ${name} | ${fmt(addresses)} | ${nodes} | ${fmt(r.perMin)}${r.settled ? "" : " (not settled)"} | ${fmt(r.perMin / 10)} | ${fmt(nodes * 300)} | ${r.counts.join("/")} | ${r.spread.toFixed(3)} |`);
    }
  }
}
process.exit(0);
