// The seed story end to end with lbctl alone, in network namespaces: the test API server,
// `lbctl pool controller`, two `lbctl announce` nodes, a backend host and a client on one
// bridge. `kubectl apply` the pool and a LoadBalancer Service → `kubectl get svc` shows the
// EXTERNAL-IP; the client's iputils arping gets the holder's MAC; curl to the VIP is answered
// by the backend; `kubectl delete svc` → the address is released and nobody answers for it.
// Documentation addresses only (test/fixtures/seed-doc is the seed pool moved to 192.0.2.x).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { NetnsLab } from "../helpers/netns.ts";
import { startAnnouncer, type Announcer } from "../helpers/announcer.ts";
import { bridgeApi } from "../helpers/api-bridge.ts";
import { spawnController } from "../helpers/pool-controller.ts";
import { startTestApiServer } from "../kube-server/server.ts";

const FIXTURES = fileURLToPath(new URL("../../../test/fixtures/seed-doc/", import.meta.url));
const VIP = "192.0.2.211";
const MAC = { c: "02:00:00:00:03:01", n1: "02:00:00:00:03:11", n2: "02:00:00:00:03:12", lab: "02:00:00:00:03:21" };
const IP = { c: "192.0.2.1", n1: "192.0.2.11", n2: "192.0.2.12", lab: "192.0.2.100" };

function kubectl(kc: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("kubectl", args, { env: { ...process.env, KUBECONFIG: kc, HOME: mkdtempSync(join(tmpdir(), "lbctl-kubectl-")) }, timeout: 20_000 });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}

async function until(what: string, ms: number, fn: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await fn()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

test("seed story with lbctl alone: kubectl apply → EXTERNAL-IP → arping gets the holder's MAC → curl answered; delete → released", async (t) => {
  const lab = await NetnsLab.start(t, "seed", { tools: ["arping", "curl", "kubectl"] });
  if (!lab) return;
  const sw = await lab.ns("sw");
  await lab.bridge(sw, "br0");
  const h = {} as Record<keyof typeof MAC, string>;
  let i = 0;
  for (const role of Object.keys(MAC) as (keyof typeof MAC)[]) {
    h[role] = await lab.ns(role);
    await lab.veth(sw, `p-${role}`, `02:00:00:00:04:${(++i).toString(16).padStart(2, "0")}`, h[role], "eth0", MAC[role]);
    await lab.attach(sw, `p-${role}`, "br0");
    await lab.ip(sw, "link", "set", `p-${role}`, "up");
    await lab.addr(h[role], "eth0", `${IP[role]}/24`);
    await lab.up(h[role], "eth0");
  }
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  for (const n of ["n1", "n2"]) srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: n } });
  srv.store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  const kc = srv.kubeconfigPath();
  const bridge = await bridgeApi(lab, srv.port, [h.n1, h.n2]);
  t.after(() => bridge.close());

  // lbctl alone: the controller (API only, no packets) and an announcer per node.
  const ctl = spawnController(kc, "ctl-1");
  t.after(() => ctl.stop("SIGKILL").then(() => undefined));
  await ctl.waitFor(/lease acquired; reconciling/);
  const announcers: Announcer[] = [];
  for (const n of ["n1", "n2"] as const) {
    announcers.push(startAnnouncer(lab, h[n], ["--kubeconfig", kc, "--node-name", n, "--lease-namespace", "kube-system", "--election", "per-address", "-i", "^eth0$",
      "--lease-duration", "3s", "--lease-renew-deadline", "1s", "--lease-retry-period", "200ms", "--gratuitous-count", "2", "--gratuitous-interval", "300ms"]));
  }
  t.after(async () => {
    for (const a of announcers) if (a.child.exitCode === null) await a.stop("SIGKILL");
  });
  await Promise.all(announcers.map((a) => a.waitFor(/cluster mode/)));

  // 1. kubectl apply the seed pool (+ L2 policy) and the LoadBalancer Service.
  let r = await kubectl(kc, ["apply", "-f", join(FIXTURES, "pool.yaml")]);
  assert.equal(r.code, 0, r.out);
  r = await kubectl(kc, ["apply", "-f", join(FIXTURES, "service.yaml")]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /service\/webpod-lbtype created/);

  // 2. kubectl get svc shows the EXTERNAL-IP (the first address of the pool).
  await until("EXTERNAL-IP in kubectl get svc", 10_000, async () => /webpod-lbtype +LoadBalancer +\S+ +192\.0\.2\.211 +80:\d+\/TCP/.test((await kubectl(kc, ["get", "svc", "-n", "lab"])).out));
  r = await kubectl(kc, ["get", "ippools"]);
  assert.match(r.out, /cilium-lb-ippool +false +False +4 /, r.out);

  // The datapath is not lbctl's (kube-proxy or Cilium forwards VIP traffic to the pods): a
  // stand-in on each node takes VIP:80 to the backend. arp_ignore=1 keeps the kernel from
  // answering ARP for the VIP on lo, as kube-proxy's IPVS mode requires; only lbctl answers.
  await lab.spawn(h.lab, [process.execPath, "-e", `require("node:http").createServer((q, s) => s.end("hello from lab/webpod\\n")).listen(80, "${IP.lab}")`]);
  for (const n of ["n1", "n2"] as const) {
    await lab.sysctl(h[n], "net.ipv4.conf.all.arp_ignore", "1");
    await lab.sysctl(h[n], "net.ipv4.conf.all.arp_announce", "2");
    await lab.addr(h[n], "lo", `${VIP}/32`);
    lab.spawn(h[n], [process.execPath, "-e", `const net = require("node:net"); net.createServer((c) => { const u = net.connect(80, "${IP.lab}"); c.pipe(u).pipe(c); u.on("error", () => c.destroy()); c.on("error", () => u.destroy()); }).listen(80, "${VIP}")`]);
  }

  // 3. The client's real iputils arping gets the holder's MAC, and only it.
  const holder = async (): Promise<string | undefined> => {
    const l = await srv.store.lookup({ group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true, status: false, shortNames: [] }, "kube-system/lbctl-l2-192-0-2-211");
    return (l?.["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity || undefined;
  };
  await until("an announcer holding the VIP", 10_000, async () => (await holder()) !== undefined);
  const who = (await holder()) as "n1" | "n2";
  await sleep(300);
  const arp = await lab.exec(h.c, ["arping", "-I", "eth0", "-c", "3", "-w", "3", VIP]);
  const macs = [...new Set([...arp.stdout.matchAll(/reply from [\d.]+ \[([0-9a-f:]+)\]/gi)].map((m) => m[1]!.toLowerCase()))];
  assert.deepEqual(macs, [MAC[who]], arp.stdout + arp.stderr);

  // 4. curl to the VIP gets an answer from the backend.
  let curl = await lab.exec(h.c, ["curl", "-sS", "--max-time", "3", `http://${VIP}/`]);
  assert.equal(curl.stdout, "hello from lab/webpod\n", curl.stderr);

  // 5. Delete the Service → the controller releases the address, nobody answers for it.
  r = await kubectl(kc, ["delete", "svc", "-n", "lab", "webpod-lbtype"]);
  assert.equal(r.code, 0, r.out);
  await until("the pool to count the address free", 10_000, async () => /cilium-lb-ippool +false +False +5 /.test((await kubectl(kc, ["get", "ippools"])).out));
  await until("nobody answering ARP for the VIP", 10_000, async () => {
    const a = await lab.exec(h.c, ["arping", "-I", "eth0", "-c", "2", "-w", "2", VIP]);
    return !/reply from/i.test(a.stdout);
  });
  await lab.ip(h.c, "neigh", "flush", "dev", "eth0");
  curl = await lab.exec(h.c, ["curl", "-sS", "--max-time", "2", `http://${VIP}/`]);
  assert.notEqual(curl.code, 0, "no answer once released");
  assert.match(ctl.log(), /msg=allocated service=lab\/webpod-lbtype ips=192\.0\.2\.211 pools=cilium-lb-ippool/);
  assert.equal((await ctl.stop("SIGTERM")).code, 0);
});
