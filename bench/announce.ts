// Benchmark of `lbctl announce` (root only; namespaces only; documentation addresses only).
//   npm run build && node dist/bench/announce.js [--skip-rate] [--skip-cluster-rate] [--skip-failover] [--skip-api]
// 1. Reply rate and latency with 1,000 held addresses, side by side with the kernel's own ARP
//    responder on the same veth; random-target flood (addresses nobody holds) → replies.
// 1b. The same in cluster mode (test API server, 1,000 Services, default timing), under the
//    default membership election and under per-address election, with the API requests the
//    announcer made meanwhile.
// 2. Failover: SIGKILL of the leader → standby holds the lease (and answers); SIGTERM handover.
// 3. API load: requests per minute to the API server for 10, 100 and 1,000 announced Services.
// Every sending loop is bounded (generator: rate × 2 s, at most 10 s); everything is torn down.
import { writeFileSync, mkdtempSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { NetnsLab, twoHosts } from "../test/helpers/netns.ts";
import { startAnnouncer, type Announcer } from "../test/helpers/announcer.ts";
import { bridgeApi } from "../test/helpers/api-bridge.ts";
import { startTestApiServer } from "../test/kube-server/server.ts";

const skip = new Set(process.argv.slice(2));
const GEN = fileURLToPath(new URL("./announce-gen.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "lbt-bench-announce-"));
const guardEnv = { ...process.env, LBCTL_TEST_NETNS_GUARD: "1" };

// 512 IPv4 VIPs (192.0.2.0/24 + 203.0.113.0/24, the request targets) + 488 IPv6 = 1,000 held.
const v4 = [...Array.from({ length: 256 }, (_, i) => `192.0.2.${i}`), ...Array.from({ length: 256 }, (_, i) => `203.0.113.${i}`)];
const v6 = Array.from({ length: 488 }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}`);

async function counters(lab: NetnsLab, ns: string, ifname: string): Promise<{ rx: number; tx: number }> {
  const r = await lab.exec(ns, ["cat", `/sys/class/net/${ifname}/statistics/rx_packets`, `/sys/class/net/${ifname}/statistics/tx_packets`]);
  const [rx = 0, tx = 0] = r.stdout.trim().split("\n").map(Number);
  return { rx, tx };
}

interface GenResult { sent: number; seconds: number; replies: number; p50Us: number; p99Us: number }

async function gen(lab: NetnsLab, ns: string, rate: number, ms: number, first: string, count: number, mode: "flood" | "latency"): Promise<GenResult> {
  // The generator gets a large young generation so that its own GC pauses do not turn into
  // catch-up bursts (which overflow a user-space responder's socket queue but not the kernel's).
  const r = await lab.exec(ns, [process.execPath, "--max-semi-space-size=64", GEN, "vA", String(rate), String(ms), first, String(count), mode], { timeoutMs: ms + 15_000, env: guardEnv });
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as GenResult;
}

async function rateRun(lab: NetnsLab, a: string, b: string, label: string, rows: string[]): Promise<void> {
  await gen(lab, a, 10_000, 1000, "192.0.2.0", 256, "flood"); // warm-up (JIT, caches), not reported
  for (const rate of [10_000, 50_000, 100_000, 150_000, 200_000]) {
    const before = await counters(lab, b, "vB");
    // Round-robin over the 256 VIPs of 192.0.2.0/24 (all held).
    const g = await gen(lab, a, rate, 2000, "192.0.2.0", 256, "flood");
    await sleep(300);
    const after = await counters(lab, b, "vB");
    const req = after.rx - before.rx;
    const rep = after.tx - before.tx;
    rows.push(`| ${label} | ${rate.toLocaleString("en")} | ${Math.round(g.sent / g.seconds).toLocaleString("en")} | ${req.toLocaleString("en")} | ${rep.toLocaleString("en")} | ${(100 * (1 - rep / Math.max(1, req))).toFixed(2)} % |`);
  }
  const l = await gen(lab, a, 10_000, 2000, "192.0.2.0", 256, "latency");
  rows.push(`| ${label} | 10,000 (latency run) | ${Math.round(l.sent / l.seconds).toLocaleString("en")} | | ${l.replies.toLocaleString("en")} matched | ${l.replies > 0 ? `p50 ${l.p50Us.toFixed(0)} µs, p99 ${l.p99Us.toFixed(0)} µs` : "no replies"} |`);
  const before = await counters(lab, b, "vB");
  const g = await gen(lab, a, 50_000, 2000, "198.51.100.3", 250, "flood");
  await sleep(300);
  const after = await counters(lab, b, "vB");
  rows.push(`| ${label} | random-target flood 50,000 | ${Math.round(g.sent / g.seconds).toLocaleString("en")} | ${(after.rx - before.rx).toLocaleString("en")} | ${(after.tx - before.tx).toLocaleString("en")} replies | (must be 0) |`);
}

function printRateTable(title: string, rows: readonly string[]): void {
  console.log(`${title}\n`);
  console.log("| responder | offered req/s | generator achieved req/s | requests received | replies sent | loss |");
  console.log("|---|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}

async function replyRate(): Promise<void> {
  const lab = NetnsLab.create("bench-ann");
  try {
    const { a, b } = await twoHosts(lab);

    const rows: string[] = [];
    // Kernel reference: the VIPs on b's lo; with arp_ignore=0 the kernel answers for them on vB.
    const batch = (op: string): string => {
      const f = join(tmp, `addrs-${op}`);
      writeFileSync(f, [...v4.map((ip) => `addr ${op} ${ip}/32 dev lo`), ...v6.map((ip) => `addr ${op} ${ip}/128 dev lo${op === "add" ? " nodad" : ""}`)].join("\n") + "\n");
      return f;
    };
    await lab.exec(b, ["ip", "-batch", batch("add")], { check: true });
    await rateRun(lab, a, b, "kernel", rows);
    await lab.exec(b, ["ip", "-batch", batch("del")], { check: true });
    // lbctl with the same 1,000 addresses: Node's defaults, then a 64 MB young generation
    // (fewer scavenges: GC pauses are what overflow the socket queue).
    const file = join(tmp, "vips");
    writeFileSync(file, [...v4, ...v6].join("\n") + "\n");
    for (const [label, env] of [["lbctl", {}], ["lbctl, NODE_OPTIONS=--max-semi-space-size=64", { NODE_OPTIONS: "--max-semi-space-size=64" }]] as const) {
      const ann = startAnnouncer(lab, b, ["-i", "^vB$", "-f", file, "--no-probe", "--gratuitous-count", "0", "--log-level", "warn"], env);
      await sleep(2500);
      await rateRun(lab, a, b, label, rows);
      await ann.stop("SIGTERM");
    }
    printRateTable("## Reply rate and latency, 1,000 held addresses (512 IPv4 targeted), one veth, 2 s per rate", rows);
    console.log("");
  } finally {
    lab.teardownSync();
  }
}

/** Sums lbctl_announce_api_requests_total and reads lbctl_announce_addresses from /metrics in ns. */
async function scrapeAnnouncer(lab: NetnsLab, ns: string, port: number): Promise<{ requests: number; addresses: number }> {
  const r = await lab.exec(ns, ["curl", "-sS", "--max-time", "2", `http://127.0.0.1:${port}/metrics`]);
  let requests = 0;
  for (const m of r.stdout.matchAll(/^lbctl_announce_api_requests_total\{[^}]*\} (\d+)$/gm)) requests += Number(m[1]);
  const addresses = Number(/^lbctl_announce_addresses (\d+)$/m.exec(r.stdout)?.[1] ?? 0);
  return { requests, addresses };
}

/** CPU seconds (user + system) of the `lbctl announce` node process running in namespace ns. */
function announcerCpuSeconds(ns: string): number {
  const pids = execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" }).split("\n").filter(Boolean);
  for (const pid of pids) {
    let cmd = "";
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue;
    }
    if (!cmd.includes("announce") || cmd.startsWith("timeout")) continue;
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime: fields 14 and 15, in 1/100 s
  }
  return NaN;
}

async function clusterReplyRate(): Promise<void> {
  const lab = NetnsLab.create("bench-cr");
  const srv = await startTestApiServer();
  try {
    const { a, b } = await twoHosts(lab);
    srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "all" }, spec: { loadBalancerIPs: true } });
    // The same 1,000 addresses as the standalone run, one Service each.
    for (const [i, ip] of [...v4, ...v6].entries()) {
      srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: `s${i}`, namespace: "default" }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ ip }] } } });
    }
    const kc = srv.kubeconfigPath();
    const bridge = await bridgeApi(lab, srv.port, [b]);
    const rows: string[] = [];
    const api: string[] = [];
    // Reference under the same load: standalone, the same 1,000 addresses from a file.
    const file = join(tmp, "vips-cluster");
    writeFileSync(file, [...v4, ...v6].join("\n") + "\n");
    {
      const ann = startAnnouncer(lab, b, ["-i", "^vB$", "-f", file, "--no-probe", "--gratuitous-count", "0", "--log-level", "warn"]);
      await sleep(2500);
      const c0 = announcerCpuSeconds(b);
      await sleep(10_000);
      const idle = (announcerCpuSeconds(b) - c0) * 100;
      await rateRun(lab, a, b, "lbctl standalone (reference)", rows);
      api.push(`| standalone (reference) | 1000 | — | 0 | ${idle.toFixed(1)} ms/s |`);
      await ann.stop("SIGTERM");
    }
    for (const election of ["membership", "per-address"] as const) {
      const port = 9476;
      const ann = lab.startLbctl(b, ["announce", "--kubeconfig", kc, "--node-name", "n1", "--lease-namespace", "kube-system", "--election", election, "-i", "^vB$", "--gratuitous-count", "0", "--log-level", "warn", "--metrics-addr", `127.0.0.1:${port}`], { env: {}, maxSeconds: 240 });
      const t0 = performance.now();
      let held = 0;
      while (performance.now() - t0 < 90_000) {
        held = await scrapeAnnouncer(lab, b, port).then((x) => x.addresses, () => 0);
        if (held >= 1000) break;
        await sleep(500);
      }
      const settleS = (performance.now() - t0) / 1000;
      await sleep(2000);
      // The election's own cost with no traffic: renewals and watch events.
      const c0 = announcerCpuSeconds(b);
      await sleep(10_000);
      const idle = (announcerCpuSeconds(b) - c0) * 100;
      const before = await scrapeAnnouncer(lab, b, port);
      const r0 = performance.now();
      await rateRun(lab, a, b, `lbctl cluster, --election ${election}`, rows);
      const after = await scrapeAnnouncer(lab, b, port);
      console.error(rows.slice(-7).join("\n"));
      console.error(`${election}: held ${held} (${after.addresses} after the runs), API requests ${after.requests - before.requests}`);
      const perMin = (after.requests - before.requests) * 60_000 / (performance.now() - r0);
      api.push(`| ${election} | ${held} | ${settleS.toFixed(1)} s | ${Math.round(perMin).toLocaleString("en")} | ${idle.toFixed(1)} ms/s |`);
      await ann.stop("SIGTERM");
    }
    printRateTable("## Reply rate in cluster mode, 1,000 addresses (one Service each) held by one announcer, defaults 15s/5s/2s", rows);
    console.log("\n| election | addresses held | time to hold all | API requests/min during the rate runs | announcer CPU with no traffic (10 s) |\n|---|---|---|---|---|");
    for (const r of api) console.log(r);
    console.log("");
    await bridge.close();
  } finally {
    lab.teardownSync();
    await srv.close();
  }
}

async function clusterBed(lab: NetnsLab) {
  const sw = await lab.ns("sw");
  await lab.bridge(sw, "br0");
  const ns: Record<string, string> = {};
  let i = 0;
  for (const role of ["c", "n1", "n2"]) {
    ns[role] = await lab.ns(role);
    await lab.veth(sw, `p-${role}`, `02:00:00:00:02:0${++i}`, ns[role]!, "eth0", `02:00:00:00:01:0${i}`);
    await lab.attach(sw, `p-${role}`, "br0");
    await lab.ip(sw, "link", "set", `p-${role}`, "up");
    await lab.addr(ns[role]!, "eth0", `198.51.100.${i}/24`);
    await lab.up(ns[role]!, "eth0");
  }
  return ns as { c: string; n1: string; n2: string };
}

async function failover(): Promise<void> {
  const lab = NetnsLab.create("bench-fo");
  const srv = await startTestApiServer();
  try {
    const h = await clusterBed(lab);
    srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
    srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "n2" } });
    srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ ip: "198.51.100.50" }] } } });
    srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "all" }, spec: { loadBalancerIPs: true } });
    const kc = srv.kubeconfigPath();
    const bridge = await bridgeApi(lab, srv.port, [h.n1, h.n2]);
    console.log("## Failover (SIGKILL leader → standby holds the lease; SIGTERM → standby holds it)\n");
    console.log("| timing (duration/deadline/retry) | event | trials | min | median | max | bound |");
    console.log("|---|---|---|---|---|---|---|");
    for (const [label, timing, trials, bound] of [["3s/1s/0.2s", ["3s", "1s", "200ms"], 5, 3200], ["15s/5s/2s (defaults)", ["15s", "5s", "2s"], 2, 17_000]] as const) {
      const args = (node: string): string[] => ["--kubeconfig", kc, "--node-name", node, "--lease-namespace", "kube-system", "--election", "per-address", "-i", "^eth0$", "--lease-duration", timing[0], "--lease-renew-deadline", timing[1], "--lease-retry-period", timing[2], "--gratuitous-count", "1"];
      const kill: number[] = [];
      const term: number[] = [];
      let leader: Announcer = startAnnouncer(lab, h.n1, args("n1"));
      await leader.waitFor(/lease acquired/, 30_000);
      let leaderNode: "n1" | "n2" = "n1";
      for (let t = 0; t < trials * 2; t++) {
        const standbyNode: "n1" | "n2" = leaderNode === "n1" ? "n2" : "n1";
        const standby = startAnnouncer(lab, h[standbyNode], args(standbyNode));
        await standby.waitFor(/joining election/, 30_000);
        await sleep(500);
        const t0 = performance.now();
        const sig = t % 2 === 0 ? "SIGKILL" : "SIGTERM";
        const stopped = leader.stop(sig);
        await standby.waitFor(/lease acquired/, 40_000);
        (sig === "SIGKILL" ? kill : term).push(performance.now() - t0);
        await stopped;
        const check = await lab.exec(h.c, ["arping", "-I", "eth0", "-c", "1", "-w", "2", "198.51.100.50"]);
        if (check.code !== 0) throw new Error("no answer after failover");
        leader = standby;
        leaderNode = standbyNode;
      }
      await leader.stop("SIGTERM");
      const stats = (xs: number[]): string => {
        const s = [...xs].sort((x, y) => x - y);
        return `${s.length} | ${s[0]!.toFixed(0)} ms | ${s[s.length >> 1]!.toFixed(0)} ms | ${s[s.length - 1]!.toFixed(0)} ms`;
      };
      console.log(`| ${label} | SIGKILL | ${stats(kill)} | ≤ ${bound} ms |`);
      console.log(`| ${label} | SIGTERM | ${stats(term)} | ≤ 1000 ms |`);
    }
    console.log("");
    await bridge.close();
  } finally {
    lab.teardownSync();
    await srv.close();
  }
}

async function apiLoad(): Promise<void> {
  console.log("## API load (defaults 15s/5s/2s; one leader + one standby; 30 s window after all leases are held)\n");
  console.log("| Services (one address each) | requests/min total | by verb |");
  console.log("|---|---|---|");
  for (const n of (process.env["API_SIZES"] ?? "10,100,1000").split(",").map(Number)) {
    const lab = NetnsLab.create("bench-api");
    const srv = await startTestApiServer();
    try {
      const h = await clusterBed(lab);
      srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "n1" } });
      srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: "n2" } });
      srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "all" }, spec: { loadBalancerIPs: true } });
      for (let i = 0; i < n; i++) {
        srv.store.put({ apiVersion: "v1", kind: "Service", metadata: { name: `s${i}`, namespace: "default" }, spec: { type: "LoadBalancer" }, status: { loadBalancer: { ingress: [{ ip: `2001:db8:2::${(i + 1).toString(16)}` }] } } });
      }
      const kc = srv.kubeconfigPath();
      const bridge = await bridgeApi(lab, srv.port, [h.n1, h.n2]);
      const args = (node: string): string[] => ["--kubeconfig", kc, "--node-name", node, "--lease-namespace", "kube-system", "--election", "per-address", "-i", "^eth0$", "--gratuitous-count", "0", "--log-level", "warn", "--metrics-addr", "127.0.0.1:9475"];
      const a1 = startAnnouncer(lab, h.n1, args("n1"));
      const a2 = startAnnouncer(lab, h.n2, args("n2"));
      const t0 = performance.now();
      for (;;) {
        const leases = (await fetchLeases(srv)).filter((l) => l !== "");
        if (leases.length >= n || performance.now() - t0 > 60_000) break;
        await sleep(500);
      }
      if (process.env["BENCH_DEBUG"]) console.error(`n=${n}: leases held after ${(performance.now() - t0).toFixed(0)} ms\n--- a1:\n${a1.log().slice(-3000)}\n--- a2:\n${a2.log().slice(-3000)}`);
      // The test server keeps only its last 2,000 requests: count on the announcers' own metrics.
      const scrape = async (): Promise<Map<string, number>> => {
        const out = new Map<string, number>();
        for (const [who, ns] of [["leader+standby", h.n1], ["leader+standby", h.n2]] as const) {
          void who;
          const r = await lab.exec(ns, ["curl", "-sS", "--max-time", "2", "http://127.0.0.1:9475/metrics"]);
          for (const m of r.stdout.matchAll(/^lbctl_announce_api_requests_total\{resource="([^"]+)",verb="([^"]+)"\} (\d+)$/gm)) {
            const k = `${m[2]} ${m[1]}`;
            out.set(k, (out.get(k) ?? 0) + Number(m[3]));
          }
        }
        return out;
      };
      const before = await scrape();
      await sleep(30_000);
      const after = await scrape();
      const rows = [...after].map(([k, v]) => [k, (v - (before.get(k) ?? 0)) * 2] as const).filter(([, v]) => v > 0);
      const total = rows.reduce((x, [, v]) => x + v, 0);
      console.log(`| ${n} | ${total.toLocaleString("en")} | ${rows.map(([k, v]) => `${k} ${v.toLocaleString("en")}`).join(", ")} |`);
      await a1.stop("SIGTERM");
      await a2.stop("SIGTERM");
      await bridge.close();
    } finally {
      lab.teardownSync();
      await srv.close();
    }
  }
  console.log("");
}

async function fetchLeases(srv: Awaited<ReturnType<typeof startTestApiServer>>): Promise<string[]> {
  const { connectKube } = await import("../src/adapters/kube/connect.ts");
  const kube = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
  try {
    const { items } = await kube.list({ group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true }, { namespace: "kube-system" });
    return items.map((o) => ((o["spec"] ?? {}) as { holderIdentity?: string }).holderIdentity ?? "");
  } finally {
    kube.close();
  }
}

if (!skip.has("--skip-rate")) await replyRate();
if (!skip.has("--skip-cluster-rate")) await clusterReplyRate();
if (!skip.has("--skip-failover")) await failover();
if (!skip.has("--skip-api")) await apiLoad();
process.exit(0);
