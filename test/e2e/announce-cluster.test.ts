// Cluster mode with real peers: a bridge with a client, two announcer nodes and a rogue host,
// against the test API server. One test walks the scenarios in order so that the namespaces and
// the server are set up once (the whole file stays well under a minute).
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { NetnsLab } from "../helpers/netns.ts";
import { startAnnouncer, type Announcer } from "../helpers/announcer.ts";
import { bridgeApi } from "../helpers/api-bridge.ts";
import { startTestApiServer } from "../kube-server/server.ts";
import { connectKube } from "../../src/adapters/kube/connect.ts";
import { RESOURCES } from "../../src/adapters/kube/types.ts";

const VIP = "198.51.100.50";
const VIP6 = "2001:db8::50";
const MAC = { c: "02:00:00:00:01:01", n1: "02:00:00:00:01:11", n2: "02:00:00:00:01:12", r: "02:00:00:00:01:66" };
const IP = { c: "198.51.100.1", n1: "198.51.100.11", n2: "198.51.100.12", r: "198.51.100.66" };

async function topology(lab: NetnsLab) {
  const sw = await lab.ns("sw");
  await lab.bridge(sw, "br0");
  const hosts = {} as Record<keyof typeof MAC, string>;
  let i = 0;
  for (const role of Object.keys(MAC) as (keyof typeof MAC)[]) {
    const ns = await lab.ns(role);
    hosts[role] = ns;
    await lab.veth(sw, `p-${role}`, `02:00:00:00:02:${(++i).toString(16).padStart(2, "0")}`, ns, "eth0", MAC[role]);
    await lab.attach(sw, `p-${role}`, "br0");
    await lab.ip(sw, "link", "set", `p-${role}`, "up");
    await lab.addr(ns, "eth0", `${IP[role]}/24`);
    if (role === "c") await lab.addr(ns, "eth0", "2001:db8::1/64", { nodad: true });
    await lab.up(ns, "eth0");
  }
  return hosts;
}

/** MACs that answered one arping round from the client (empty when nobody did). */
async function whoAnswers(lab: NetnsLab, c: string, count = 1, ip = VIP): Promise<string[]> {
  const r = await lab.exec(c, ["arping", "-I", "eth0", "-c", String(count), "-w", "1", ip]);
  return [...new Set([...r.stdout.matchAll(/reply from [\d.]+ \[([0-9a-f:]+)\]/gi)].map((m) => (m[1] ?? "").toLowerCase()))];
}

async function until(what: string, ms: number, fn: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (await fn()) return performance.now() - t0;
    await sleep(20);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

test("cluster mode: one answers; duplicate reported; SIGKILL failover moves the client's entry; SIGTERM handover; live policy; API outage", async (t) => {
  const lab = await NetnsLab.start(t, "announce", { tools: ["arping", "ndisc6", "curl"] });
  if (!lab) return;
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  const h = await topology(lab);
  for (const n of ["n1", "n2"]) srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: n, labels: { "node-role.kubernetes.io/edge": "" } } });
  srv.store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  srv.store.put({
    apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: { type: "LoadBalancer", ports: [{ port: 80, protocol: "TCP" }] }, status: { loadBalancer: { ingress: [{ ip: VIP }, { ip: VIP6 }] } },
  });
  srv.store.put({
    apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "edge" },
    spec: { loadBalancerIPs: true, interfaces: ["^eth0$"], nodeSelector: { matchExpressions: [{ key: "node-role.kubernetes.io/edge", operator: "Exists" }] } },
  });
  const kc = srv.kubeconfigPath();
  const bridge = await bridgeApi(lab, srv.port, [h.n1, h.n2]);
  t.after(() => bridge.close());
  const kube = connectKube({ kubeconfig: kc, env: {} });
  t.after(() => kube.close());

  const args = (node: string): string[] => [
    "--kubeconfig", kc, "--node-name", node, "--lease-namespace", "kube-system", "--election", "per-address", "-i", "^eth0$",
    "--lease-duration", "3s", "--lease-renew-deadline", "1s", "--lease-retry-period", "200ms",
    "--gratuitous-count", "3", "--gratuitous-interval", "400ms", "--metrics-addr", "127.0.0.1:9473", "--log-level", "debug",
  ];
  const started: Announcer[] = [];
  const start = (node: "n1" | "n2"): Announcer => {
    const a = startAnnouncer(lab, h[node], args(node));
    started.push(a);
    return a;
  };
  t.after(async () => {
    for (const a of started) if (a.child.exitCode === null) await a.stop("SIGKILL");
  });

  // 1. Exactly one answers.
  const a1 = start("n1");
  await a1.waitFor(/lease acquired; answering" lease=lbctl-l2-198-51-100-50 /).catch((e: unknown) => { throw new Error(`${(e as Error).message}\nrequests: ${srv.requests.map((r) => `${r.verb} ${r.url}`).join("\n")}`); });
  const a2 = start("n2");
  await a2.waitFor(/joining election/).catch((e: unknown) => { throw new Error(`${(e as Error).message}\nrequests: ${srv.requests.map((r) => `${r.verb} ${r.url} ${r.user}`).join("\n")}`); });
  await sleep(300);
  assert.deepEqual(await whoAnswers(lab, h.c, 3), [MAC.n1]);
  const lease = await kube.get(RESOURCES.leases, "lbctl-l2-198-51-100-50", "kube-system") as { spec: { holderIdentity: string }; metadata: { annotations: Record<string, string> } };
  assert.equal(lease.spec.holderIdentity, "n1");
  assert.equal(lease.metadata.annotations["lbctl.io/interfaces"], `eth0=${MAC.n1}`);
  const metrics = await lab.exec(h.n1, ["curl", "-sS", "--max-time", "2", "http://127.0.0.1:9473/metrics"]);
  assert.match(metrics.stdout, /^lbctl_announce_leases_held [12]$/m);
  assert.match(metrics.stdout, /^lbctl_announce_replies_total\{family="ipv4",interface="eth0"\} [1-9]/m);
  // IPv6 through the bridge (multicast snooping on): the holder joined the solicited-node group.
  const nd = await lab.exec(h.c, ["ndisc6", "-n", "-r", "3", "-w", "500", VIP6, "eth0"]);
  assert.match(nd.stdout, new RegExp(`Target link-layer address: ${MAC.n1}`, "i"), nd.stdout + nd.stderr);
  // `announce status` from outside: holder, state and the holder's interface.
  const { runCli } = await import("../helpers/cli.ts");
  const st = await runCli(["announce", "status", "--kubeconfig", kc, "--lease-namespace", "kube-system", "-o", "wide"], { now: Date.now() });
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, new RegExp(`^198\\.51\\.100\\.50 +default/web +n1 +held +\\d+s +eth0\\(${MAC.n1}\\) +lbctl-l2-198-51-100-50 +edge`, "m"), st.stdout);
  assert.match(st.stdout, /^2001:db8::50 +default\/web +n1 +held/m, st.stdout);
  // The client's kernel learns the VIP (nothing listens there, but ARP resolution fills the neighbour table).
  const ping = await lab.exec(h.c, ["curl", "-sS", "--max-time", "1", `http://${VIP}/`]);
  assert.match(await lab.ip(h.c, "neigh", "show", VIP), new RegExp(`lladdr ${MAC.n1}`), JSON.stringify(ping) + (await lab.ip(h.c, "neigh")) + a1.log());

  // eTP=Local: only the node with a ready local endpoint takes part; when the endpoint moves,
  // the holder leaves the election and releases, and the other node takes over (Cilium #27800).
  const LOCAL = "198.51.100.60";
  await kube.create(RESOURCES.services, {
    apiVersion: "v1", kind: "Service", metadata: { name: "local", namespace: "default" },
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", ports: [{ port: 80, protocol: "TCP" }] },
  });
  await kube.patch(RESOURCES.services, "local", "default", { status: { loadBalancer: { ingress: [{ ip: LOCAL }] } } }, "merge", { subresource: "status" });
  const slice = (node: string) => ({
    apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", addressType: "IPv4",
    metadata: { name: "local-1", namespace: "default", labels: { "kubernetes.io/service-name": "local" } },
    endpoints: [{ addresses: ["198.51.100.200"], nodeName: node, conditions: { ready: true } }],
  });
  await kube.create(RESOURCES.endpointSlices, slice("n2"));
  await until("n2 (the node with the endpoint) to answer the eTP=Local address", 5000, async () => (await whoAnswers(lab, h.c, 1, LOCAL)).join() === MAC.n2);
  const cur = await kube.get(RESOURCES.endpointSlices, "local-1", "default") as { metadata: { resourceVersion: string } };
  await kube.update(RESOURCES.endpointSlices, { ...slice("n1"), metadata: { ...slice("n1").metadata, resourceVersion: cur.metadata.resourceVersion } });
  const moved = await until("the eTP=Local address to move to n1 with its endpoint", 5000, async () => (await whoAnswers(lab, h.c, 1, LOCAL)).join() === MAC.n1);
  assert.match(a2.log(), /leaving election.*lease=lbctl-l2-198-51-100-60.*reason=no-local-endpoint/);
  await kube.delete(RESOURCES.services, "local", "default");
  await until("the deleted Service's address to go silent", 3000, async () => (await whoAnswers(lab, h.c, 1, LOCAL)).length === 0);
  t.diagnostic(`eTP=Local endpoint move → new holder answering after ${moved.toFixed(0)} ms`);

  // 2. A third host announcing the VIP is reported once, with both MACs.
  await lab.addr(h.r, "eth0", `${VIP}/32`);
  const rogue = await lab.exec(h.r, ["arping", "-U", "-I", "eth0", "-c", "2", "-w", "2", "-s", VIP, VIP]);
  await a1.waitFor(new RegExp(`msg="duplicate: another host claims an address we announce" ip=${VIP} interface=eth0 our_mac=${MAC.n1} their_mac=${MAC.r}`), 3000).catch((e: unknown) => {
    throw new Error(`${(e as Error).message}\nrogue arping: ${rogue.stdout}${rogue.stderr}`);
  });
  assert.equal(a1.log().match(/msg="duplicate/g)?.length, 1, "one log line per episode");
  await lab.ip(h.r, "addr", "del", `${VIP}/32`, "dev", "eth0");

  // 3. SIGKILL the leader: the standby takes over within lease duration + retry jitter, sends
  //    its burst, and the client's neighbour entry moves to the new MAC without asking.
  const mark2 = a2.log().length;
  await a1.stop("SIGKILL");
  const killedAt = performance.now();
  await a2.waitFor(/lease acquired; answering" lease=lbctl-l2-198-51-100-50 /, 6000, mark2);
  const failoverMs = performance.now() - killedAt;
  assert.ok(failoverMs <= 3000 + 440 + 400, `failover took ${failoverMs.toFixed(0)} ms`);
  await until("client's entry to move to n2", 3000, async () => new RegExp(`lladdr ${MAC.n2}`).test(await lab.ip(h.c, "neigh", "show", VIP)));
  assert.deepEqual(await whoAnswers(lab, h.c), [MAC.n2]);

  // 4. SIGTERM handover: the leader releases; the standby answers within one retry period.
  const b1 = start("n1");
  await b1.waitFor(/joining election/);
  await sleep(300);
  const termAt = performance.now();
  assert.equal((await a2.stop("SIGTERM")).code, 0, a2.log());
  await b1.waitFor(/lease acquired; answering" lease=lbctl-l2-198-51-100-50 /, 3000).catch((e: unknown) => { throw new Error(`${(e as Error).message}\n--- a2:\n${a2.log()}\nrequests: ${srv.requests.slice(-40).map((r) => `${r.verb} ${r.url} ${r.user}`).join("\n")}`); });
  const handoverMs = performance.now() - termAt;
  assert.ok(handoverMs <= 1000, `SIGTERM handover took ${handoverMs.toFixed(0)} ms`);
  assert.match(a2.log(), /msg="lease released" lease=lbctl-l2-198-51-100-50/);
  assert.deepEqual(await whoAnswers(lab, h.c), [MAC.n1]);

  // 5. Policy changes take effect live; an invalid regex is reported and the rest keeps working.
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { interfaces: ["^nomatch$"] } }, "merge");
  await until("answers to stop after the interfaces change", 3000, async () => (await whoAnswers(lab, h.c)).length === 0);
  await kube.create(RESOURCES.l2Policies, { apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "broken" }, spec: { loadBalancerIPs: true, interfaces: ["(["] } });
  await b1.waitFor(/level=error msg="invalid L2 announcement policy" policy=broken condition=io.cilium\/bad-interface-regex/, 3000);
  // ... and written to the policy's status, as Cilium's agent does (the two nodes write it once between them)
  await until("the broken policy's status condition", 3000, async () => {
    const st = (await kube.get(RESOURCES.l2Policies, "broken", undefined))?.["status"] as { conditions?: { type: string; status: string; message: string }[] } | undefined;
    return (st?.conditions ?? []).some((c) => c.type === "io.cilium/bad-interface-regex" && c.status === "True" && c.message.includes('"(["'));
  });
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { interfaces: ["^eth"] } }, "merge");
  await until("answers to resume", 3000, async () => (await whoAnswers(lab, h.c)).length === 1);
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { serviceSelector: { matchLabels: { app: "other" } } } }, "merge");
  await until("answers to stop after the selector change", 3000, async () => (await whoAnswers(lab, h.c)).length === 0);
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { serviceSelector: null } }, "merge");
  await until("answers to resume", 3000, async () => (await whoAnswers(lab, h.c)).length === 1);
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { loadBalancerIPs: false } }, "merge");
  await until("answers to stop when the policy no longer announces LB IPs", 3000, async () => (await whoAnswers(lab, h.c)).length === 0);
  await kube.patch(RESOURCES.l2Policies, "edge", undefined, { spec: { loadBalancerIPs: true } }, "merge");
  await until("answers to resume", 3000, async () => (await whoAnswers(lab, h.c)).length === 1);

  // 6. API server down: keep answering until the renew deadline, then stop; resume when back.
  const mark = b1.log().length;
  await srv.stop();
  const downAt = performance.now();
  // The IPv4 address's own Lease: the IPv6 one (2001:db8::50) is renewed on its own schedule and
  // may be lost first, while the IPv4 one still has up to one retry period to run.
  await b1.waitFor(/lease lost; not answering" lease=lbctl-l2-198-51-100-50 /, 3000, mark);
  const quietMs = performance.now() - downAt;
  // The deadline runs from the send time of the last successful renew, at most one retry period
  // (200 ms) before the server went away: quiet within renew deadline (1 s) of the outage.
  assert.ok(quietMs <= 1000 + 150, `went quiet after ${quietMs.toFixed(0)} ms`);
  assert.deepEqual(await whoAnswers(lab, h.c), [], "nobody answers during the outage");
  await srv.restart();
  await until("answers after the API server returns", 8000, async () => (await whoAnswers(lab, h.c)).length === 1);

  assert.equal((await b1.stop("SIGTERM")).code, 0, b1.log());
  t.diagnostic(`failover(SIGKILL, 3s/1s/0.2s) ${failoverMs.toFixed(0)} ms; SIGTERM handover ${handoverMs.toFixed(0)} ms; quiet after API loss ${quietMs.toFixed(0)} ms`);
});
