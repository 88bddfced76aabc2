// Membership election with real parts: four announcer namespaces on a bridge with a client,
// against the test API server. The client ARPs every address continuously (one arping per
// address, broadcast every 50 ms) and every reply's MAC is recorded: two MACs answering one
// request round is an overlap and must never happen; the gap per moved address is reported.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { NetnsLab } from "../helpers/netns.ts";
import { startAnnouncer, type Announcer } from "../helpers/announcer.ts";
import { bridgeApi } from "../helpers/api-bridge.ts";
import { startTestApiServer } from "../kube-server/server.ts";
import { runCli } from "../helpers/cli.ts";

const NODES = ["n1", "n2", "n3", "n4"] as const;
type Node = (typeof NODES)[number];
const MAC: Record<Node | "c", string> = { c: "02:00:00:00:03:01", n1: "02:00:00:00:03:11", n2: "02:00:00:00:03:12", n3: "02:00:00:00:03:13", n4: "02:00:00:00:03:14" };
const VIPS = Array.from({ length: 12 }, (_, i) => `198.51.100.${100 + i}`);
const NODE_OF_MAC = new Map(Object.entries(MAC).map(([n, m]) => [m, n]));

interface Reply { readonly t: number; readonly mac: string }

/** Continuous ARP from the client: per address, every reply with its arrival time. */
function prober(lab: NetnsLab, ns: string, seconds: number): { errors: string[]; replies: Map<string, Reply[]>; exits(): string; stop(): void } {
  const replies = new Map<string, Reply[]>(VIPS.map((v) => [v, []]));
  const errors: string[] = [];
  const children = VIPS.map((ip) => {
    // -b: every request broadcast, so every answerer replies; bounded in count and time.
    // lbctl arping (iputils' takes whole seconds only), broadcast every 50 ms, bounded.
    const c = lab.startLbctl(ns, ["arping", "-b", "-i", "eth0", "--interval", "0.05", "-w", String(seconds), "-c", String(seconds * 20), ip], { maxSeconds: seconds + 5 }).child;
    let buf = "";
    c.stdout?.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const m = /reply from [\d.]+ \[([0-9a-f:]+)\]/i.exec(line);
        if (m) replies.get(ip)?.push({ t: performance.now(), mac: (m[1] ?? "").toLowerCase() });
      }
    });
    c.stderr?.setEncoding("utf8").on("data", (d: string) => (errors.length < 2000 ? errors.push(d) : undefined));
    return c;
  });
  return { errors, replies, exits: () => children.map((c) => `${c.exitCode}/${c.signalCode}`).join(","), stop: () => children.forEach((c) => c.exitCode === null && c.kill("SIGTERM")) };
}

/**
 * Two different MACs within 10 ms: one broadcast request answered by two hosts (their replies
 * arrive within a millisecond or two). A handover's gap is a write plus a watch event (≥ 40 ms
 * here); the new owner's gratuitous reply is also printed as a reply, hence not half the interval.
 */
function overlaps(rs: readonly Reply[], seen: string[] = []): number {
  let n = 0;
  for (let i = 1; i < rs.length; i++) {
    const a = rs[i - 1];
    const b = rs[i];
    if (a && b && a.mac !== b.mac && b.t - a.t < 10) {
      n++;
      seen.push(`${a.mac}@${a.t.toFixed(0)} ${b.mac}@${b.t.toFixed(0)}`);
    }
  }
  return n;
}

/** Who answers each address now (the last reply within the last 200 ms). */
function current(replies: Map<string, Reply[]>): Map<string, string | undefined> {
  const now = performance.now();
  return new Map(VIPS.map((v) => {
    const rs = replies.get(v) ?? [];
    const last = rs[rs.length - 1];
    return [v, last && now - last.t < 200 ? NODE_OF_MAC.get(last.mac) : undefined];
  }));
}

/** Gap of each address that changed MAC after t0: last reply of the old MAC → first of the new. */
function gaps(replies: Map<string, Reply[]>, t0: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [ip, rs] of replies) {
    const before = [...rs].reverse().find((r) => r.t < t0);
    const after = rs.filter((r) => r.t >= t0);
    const first = after.find((r) => r.mac !== before?.mac);
    if (!before || !first) continue;
    const lastOld = [...rs].reverse().find((r) => r.mac === before.mac && r.t < first.t);
    out.set(ip, first.t - (lastOld?.t ?? before.t));
  }
  return out;
}

async function until(what: string, ms: number, fn: () => boolean): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (fn()) return performance.now() - t0;
    await sleep(20);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

test("membership: spread; join moves only its share; SIGTERM < 1 s; SIGKILL ≤ lease + retry; API down → all quiet, then back; never two MACs", async (t) => {
  const lab = await NetnsLab.start(t, "member", {});
  if (!lab) return;
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  const sw = await lab.ns("sw");
  await lab.bridge(sw, "br0");
  const h = {} as Record<Node | "c", string>;
  let i = 0;
  for (const role of ["c", ...NODES] as const) {
    const ns = await lab.ns(role);
    h[role] = ns;
    await lab.veth(sw, `p-${role}`, `02:00:00:00:04:${(++i).toString(16).padStart(2, "0")}`, ns, "eth0", MAC[role]);
    await lab.attach(sw, `p-${role}`, "br0");
    await lab.ip(sw, "link", "set", `p-${role}`, "up");
    await lab.addr(ns, "eth0", `198.51.100.${role === "c" ? 1 : 10 + i}/24`);
    await lab.up(ns, "eth0");
  }
  for (const n of NODES) srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: n, labels: {} } });
  srv.store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  for (const [k, ip] of VIPS.entries()) {
    srv.store.put({
      apiVersion: "v1", kind: "Service", metadata: { name: `svc-${k}`, namespace: "default" },
      spec: { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP" }] }, status: { loadBalancer: { ingress: [{ ip }] } },
    });
  }
  srv.store.put({ apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "all" }, spec: { loadBalancerIPs: true, interfaces: ["^eth0$"] } });
  const kc = srv.kubeconfigPath();
  const bridge = await bridgeApi(lab, srv.port, NODES.map((n) => h[n]));
  t.after(() => bridge.close());

  const started = new Map<Node, Announcer>();
  const start = (n: Node): Announcer => {
    const a = startAnnouncer(lab, h[n], ["--kubeconfig", kc, "--node-name", n, "--lease-namespace", "kube-system", "-i", "^eth0$",
      "--lease-duration", "3s", "--lease-renew-deadline", "1s", "--lease-retry-period", "200ms", "--gratuitous-count", "1"]);
    started.set(n, a);
    return a;
  };
  t.after(async () => {
    for (const a of started.values()) if (a.child.exitCode === null) await a.stop("SIGKILL");
  });
  const probe = prober(lab, h.c, 40);
  t.after(() => probe.stop());
  const report: string[] = [];
  const marks: [string, number][] = [];
  const stable = (want: readonly Node[]): (() => boolean) => () => [...current(probe.replies).values()].every((n) => n !== undefined && (want as readonly string[]).includes(n));
  const shares = (): Map<string, number> => {
    const c = new Map<string, number>();
    for (const n of current(probe.replies).values()) if (n) c.set(n, (c.get(n) ?? 0) + 1);
    return c;
  };

  // 1. Three members: every address answered, spread over all three.
  for (const n of ["n1", "n2", "n3"] as const) start(n);
  await until("all 12 addresses answered, spread over n1–n3", 15_000, () => stable(["n1", "n2", "n3"])() && shares().size === 3).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\nnow: ${JSON.stringify([...current(probe.replies)])} replies ${[...probe.replies.values()].map((r) => r.length).join(",")} arping: ${probe.errors.join("").slice(0, 500)} exits ${probe.exits()}\n--- n1:\n${started.get("n1")?.log().slice(-3000)}`);
  });
  await sleep(300);
  const before = current(probe.replies);
  assert.equal(shares().size, 3, JSON.stringify([...shares()]));
  for (const c of shares().values()) assert.ok(c >= 3 && c <= 5, JSON.stringify([...shares()]));
  // announce status shows who should answer: the same node the client hears, claimed.
  const st = await runCli(["announce", "status", "--kubeconfig", kc, "--lease-namespace", "kube-system", "-o", "json"], { now: Date.now() });
  assert.equal(st.code, 0, st.stderr);
  const rows = (JSON.parse(st.stdout) as { groups: { address: string; holder: string; state: string; interfaces: { mac: string }[] }[] }).groups;
  assert.equal(rows.length, VIPS.length);
  for (const r of rows) {
    assert.equal(r.holder, before.get(r.address), `status owner of ${r.address}`);
    assert.equal(r.state, "answering", r.address);
    assert.equal(r.interfaces[0]?.mac, MAC[r.holder as Node]);
  }
  // l2 status too: the owner's member Lease is the address's lease, with the owner's MAC.
  const l2 = await runCli(["l2", "status", "--kubeconfig", kc, "-A", "-o", "json"], { now: Date.now() });
  assert.equal(l2.code, 0, l2.stderr);
  const l2rows = JSON.parse(l2.stdout) as unknown;
  const list = (Array.isArray(l2rows) ? l2rows : (l2rows as { addresses?: unknown[]; items?: unknown[] }).addresses ?? (l2rows as { items?: unknown[] }).items ?? []) as { address: string; lease: { holder: string } | null; holderMacs: { mac: string }[] }[];
  assert.equal(list.length, VIPS.length, l2.stdout.slice(0, 400));
  for (const r of list) {
    assert.equal(r.lease?.holder, before.get(r.address), `l2 status owner of ${r.address}`);
    assert.equal(r.holderMacs[0]?.mac, MAC[r.lease?.holder as Node]);
  }

  // 2. A fourth joins: only addresses it now wins move, and they move to it.
  let t0 = performance.now();
  marks.push(["join", t0]);
  start("n4");
  await until("n4 answers its share", 5000, () => (shares().get("n4") ?? 0) >= 2);
  await sleep(800);
  const afterJoin = current(probe.replies);
  const moved = VIPS.filter((v) => afterJoin.get(v) !== before.get(v));
  assert.ok(moved.length >= 2 && moved.length <= 4, `moved ${moved.length}`);
  assert.ok(moved.every((v) => afterJoin.get(v) === "n4"), `moved sideways: ${moved.map((v) => `${v}:${before.get(v)}→${afterJoin.get(v)}`).join(" ")}`);
  const joinGaps = gaps(probe.replies, t0);
  report.push(`join: ${moved.length} moved, gaps ${[...joinGaps.values()].map((g) => g.toFixed(0)).join("/")} ms`);

  // 3. SIGTERM n4: its addresses are answered by the others within 1 s.
  const ofN4 = VIPS.filter((v) => afterJoin.get(v) === "n4");
  t0 = performance.now();
  marks.push(["term", t0]);
  await started.get("n4")?.stop("SIGTERM");
  await until("n4's addresses taken over", 2000, stable(["n1", "n2", "n3"]));
  await sleep(300);
  const termGaps = gaps(probe.replies, t0);
  for (const v of ofN4) assert.ok((termGaps.get(v) ?? Infinity) < 1000, `SIGTERM gap ${v}: ${termGaps.get(v)}`);
  report.push(`SIGTERM: gaps ${ofN4.map((v) => (termGaps.get(v) ?? NaN).toFixed(0)).join("/")} ms`);

  // 4. SIGKILL n1: within lease duration + retry (3.2 s; + 300 ms of probe and scheduling slack).
  const mid = current(probe.replies);
  const ofN1 = VIPS.filter((v) => mid.get(v) === "n1");
  t0 = performance.now();
  marks.push(["kill", t0]);
  await started.get("n1")?.stop("SIGKILL");
  await until("n1's addresses taken over", 6000, stable(["n2", "n3"]));
  await sleep(200);
  const killGaps = gaps(probe.replies, t0);
  for (const v of ofN1) assert.ok((killGaps.get(v) ?? Infinity) <= 3500, `SIGKILL gap ${v}: ${killGaps.get(v)}`);
  report.push(`SIGKILL: gaps ${ofN1.map((v) => (killGaps.get(v) ?? NaN).toFixed(0)).join("/")} ms (bound 3200 + probe interval)`);

  // 5. API server gone: every address goes quiet within the renew deadline (1 s), before any
  //    member Lease could expire on another node's clock (3 s); back → answering again.
  t0 = performance.now();
  marks.push(["api-down", t0]);
  await srv.stop();
  const quiet = await until("all quiet after API loss", 2500, () => [...current(probe.replies).values()].every((n) => n === undefined));
  assert.ok(quiet < 2000, `quiet after ${quiet} ms`);
  await sleep(1500);
  marks.push(["api-up", performance.now()]);
  await srv.restart();
  const back = await until("answering after the API returns", 10_000, stable(["n2", "n3"]));
  report.push(`API down: quiet after ${quiet.toFixed(0)} ms (deadline 1 s + 200 ms probe window), back ${back.toFixed(0)} ms after restart`);

  probe.stop();
  let total = 0;
  let dup = 0;
  const seen: string[] = [];
  for (const [ip, rs] of probe.replies) {
    total += rs.length;
    const before = seen.length;
    dup += overlaps(rs, seen);
    for (let k = before; k < seen.length; k++) seen[k] = `${ip}: ${seen[k]}`;
  }
  if (seen.length > 0) report.push(`overlaps: ${seen.join("; ")}; phases ${marks.map(([n, m]) => `${n}@${m.toFixed(0)}`).join(" ")}`);
  report.push(`replies ${total}, two-MAC rounds ${dup}`);
  t.diagnostic(report.join("; "));
  assert.ok(total > 1000, `too few replies: ${total}`);
  assert.equal(dup, 0, "two MACs answered one request");
});
