// `l2 status --probe` against announcers in cluster mode: a bridge with a client, two nodes
// running `lbctl announce --node-name …` against the test API server (reached from the
// namespaces through the API bridge), and a rogue host whose kernel answers for one VIP.
// Policies pin each VIP's election to one node so that the test knows who must answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetnsLab } from "../helpers/netns.ts";
import { startAnnouncer, type Announcer } from "../helpers/announcer.ts";
import { bridgeApi } from "../helpers/api-bridge.ts";
import { answerFor, MACS, POOL, service, startBed } from "../helpers/l2-bed.ts";
import { startTestApiServer } from "../kube-server/server.ts";

interface Row {
  address: string; verdict: string; reason: string; lease: { holder: string | null; kind: string } | null;
  holderMacs: { interface: string; mac: string }[]; holderMacSource: string | null; probe: { answers: { mac: string }[] } | null;
}

const pinned = (name: string, node: string, label: string): Record<string, unknown> => ({
  apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name },
  spec: { loadBalancerIPs: true, interfaces: ["^eth0$"], serviceSelector: { matchLabels: { on: label } }, nodeSelector: { matchLabels: { "kubernetes.io/hostname": node } } },
});

test("l2 status --probe with announcers in cluster mode: ok, duplicate, then no-answer when a holder dies", { timeout: 60_000 }, async (t) => {
  const lab = await NetnsLab.start(t, "l2c");
  if (!lab) return;
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  const bed = await startBed(lab);
  for (const n of ["node1", "node2"]) srv.store.put({ apiVersion: "v1", kind: "Node", metadata: { name: n, labels: { "kubernetes.io/hostname": n } } });
  srv.store.put({ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  for (const o of [
    POOL, pinned("on-node1", "node1", "node1"), pinned("on-node2", "node2", "node2"),
    service("web", "192.0.2.10", { on: "node1" }), service("contested", "192.0.2.12", { on: "node1" }),
    service("api", "192.0.2.11", { on: "node2" }), service("web6", "2001:db8::10", { on: "node2" }),
  ]) srv.store.put(o);
  const bridge = await bridgeApi(lab, srv.port, [bed.ns.client, bed.ns.node1, bed.ns.node2]);
  t.after(() => bridge.close());
  const kc = srv.kubeconfigPath();
  await answerFor(lab, bed, "rogue", "192.0.2.12");

  const args = (node: string): string[] => ["--kubeconfig", kc, "--node-name", node, "--lease-namespace", "kube-system", "--election", "per-address", "-i", "^eth0$", "--gratuitous-count", "1"];
  const announcers: Announcer[] = [startAnnouncer(lab, bed.ns.node1, args("node1")), startAnnouncer(lab, bed.ns.node2, args("node2"))];
  t.after(async () => {
    for (const a of announcers) if (a.child.exitCode === null) await a.stop("SIGKILL");
  });
  for (const a of announcers) await a.waitFor(/lease acquired; answering[\s\S]*lease acquired; answering/, 15_000);

  const status = async (): Promise<Map<string, Row>> => {
    const r = await lab.lbctl(bed.ns.client, ["l2", "status", "-A", "--probe", "--probe-timeout", "600ms", "-o", "json", "--kubeconfig", kc], { timeoutMs: 15_000 });
    assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
    return new Map((JSON.parse(r.stdout) as { addresses: Row[] }).addresses.map((a) => [a.address, a]));
  };
  const first = await status();
  const row = (m: Map<string, Row>, ip: string): Row => m.get(ip) ?? assert.fail(`no row for ${ip}`);
  assert.equal(row(first, "192.0.2.10").verdict, "ok", row(first, "192.0.2.10").reason);
  assert.equal(row(first, "192.0.2.10").lease?.holder, "node1");
  assert.equal(row(first, "192.0.2.10").lease?.kind, "lbctl");
  // read back from the `lbctl.io/interfaces` annotation the announcer publishes on its Lease
  assert.deepEqual(row(first, "192.0.2.10").holderMacs, [{ interface: "eth0", mac: MACS.node1 }]);
  assert.equal(row(first, "192.0.2.10").holderMacSource, "lease-annotation");
  assert.equal(row(first, "2001:db8::10").lease?.holder, "node2");
  assert.equal(row(first, "192.0.2.11").verdict, "ok", row(first, "192.0.2.11").reason);
  assert.equal(row(first, "2001:db8::10").verdict, "ok", row(first, "2001:db8::10").reason);
  assert.equal(row(first, "192.0.2.12").verdict, "duplicate");
  assert.deepEqual(row(first, "192.0.2.12").probe?.answers.map((a) => a.mac).sort(), [MACS.node1, MACS.rogue].sort());

  // node2's announcer dies without releasing: its leases stay held until they expire (15 s).
  await announcers[1]?.stop("SIGKILL");
  const second = await status();
  assert.equal(row(second, "192.0.2.11").verdict, "no-answer", row(second, "192.0.2.11").reason);
  assert.equal(row(second, "2001:db8::10").verdict, "no-answer");
  assert.equal(row(second, "192.0.2.10").verdict, "ok");
});
