import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { ClusterController, type ClusterSnapshot } from "../../../src/adapters/announce/cluster.ts";
import { Announcer, type OutFrame } from "../../../src/adapters/announce/announcer.ts";
import { makeLogger } from "../../../src/adapters/announce/logger.ts";
import { announceMetrics } from "../../../src/core/announce/metrics.ts";
import type { DecodedFrame } from "../../../src/core/announce/responder.ts";
import { MemLeaseStore } from "../../helpers/mem-lease-store.ts";

const T = { leaseDurationMs: 1000, renewDeadlineMs: 400, retryPeriodMs: 100 };

async function node(store: MemLeaseStore, id: string, mac: string) {
  const sent: OutFrame[] = [];
  let inject: (f: DecodedFrame) => void = () => {};
  let log = "";
  const logger = makeLogger({ write: (s: string) => (log += s) }, "text", "info", Date.now);
  const metrics = announceMetrics();
  const engine = new Announcer({
    log: logger, metrics, burst: { rounds: 1, intervalMs: 10, refreshMs: 0 }, now: Date.now,
    openPort: async (link, onFrame) => { inject = onFrame; return { ifname: link.name, mac: link.mac, send: (f) => sent.push(f), close: () => {} }; },
  });
  await engine.setLinks([{ name: "eth0", ifindex: 2, mac, up: true }]);
  const ctl = new ClusterController({ engine, log: logger, metrics, identity: id, timing: T, store: store.for(id), now: Date.now });
  const ask = (ip: string): boolean => {
    const before = sent.length;
    inject({ kind: "arp", ethSrc: "02:00:00:00:00:99", ethDst: "ff:ff:ff:ff:ff:ff", op: 1, senderMac: "02:00:00:00:00:99", senderIp: "192.0.2.1", targetMac: "00:00:00:00:00:00", targetIp: ip });
    return sent.slice(before).some((f) => f.kind === "arp" && f.op === 2 && f.ethDst === "02:00:00:00:00:99");
  };
  return { engine, ctl, ask, metrics, log: () => log };
}

const snap = (o: Partial<ClusterSnapshot> = {}, id = "n1"): ClusterSnapshot => ({
  services: [
    { namespace: "default", name: "a", labels: { app: "a" }, externalIPs: [], ingressIPs: ["192.0.2.10"] },
    { namespace: "default", name: "b", labels: {}, externalIPs: [], ingressIPs: ["192.0.2.10"], externalTrafficPolicy: "Local" },
  ],
  policies: [{ name: "p", loadBalancerIPs: true, interfaces: ["^eth"] }],
  node: { name: id, labels: {} },
  localEndpoints: new Set(["default/b"]),
  ...o,
});

test("two nodes: exactly one answers a shared IP; lease annotated; eTP=Local endpoint loss hands over", async () => {
  const store = new MemLeaseStore();
  const n1 = await node(store, "n1", "02:00:00:00:00:01");
  const n2 = await node(store, "n2", "02:00:00:00:00:02");
  n1.ctl.update(snap({}, "n1"));
  await sleep(50);
  n2.ctl.update(snap({}, "n2"));
  await sleep(250);
  assert.deepEqual([n1.ask("192.0.2.10"), n2.ask("192.0.2.10")], [true, false]);
  const lease = store.leases.get("lbctl-l2-192-0-2-10");
  assert.equal(lease?.record.holderIdentity, "n1");
  assert.equal(lease?.annotations["lbctl.io/interfaces"], "eth0=02:00:00:00:00:01");
  assert.equal(lease?.annotations["lbctl.io/services"], "default/a,default/b");
  assert.equal(n1.metrics.get("lbctl_announce_leases_held"), 1);
  // n1 loses its local endpoint for the eTP=Local Service: it leaves the election and releases.
  n1.ctl.update(snap({ localEndpoints: new Set() }, "n1"));
  const t0 = Date.now();
  while (!n2.ask("192.0.2.10") && Date.now() - t0 < 2000) await sleep(10);
  assert.ok(Date.now() - t0 < 400, `handover took ${Date.now() - t0} ms`);
  assert.equal(n1.ask("192.0.2.10"), false);
  assert.match(n1.log(), /leaving election.*reason=no-local-endpoint/);
  await n1.ctl.stop();
  await n2.ctl.stop();
  assert.equal(store.leases.get("lbctl-l2-192-0-2-10")?.record.holderIdentity, "");
  assert.equal(n2.ask("192.0.2.10"), false, "stopped: no answers");
  n1.engine.close();
  n2.engine.close();
});

test("policy changes apply live; an invalid regex is reported and the others keep working", async () => {
  const store = new MemLeaseStore();
  const n1 = await node(store, "n1", "02:00:00:00:00:01");
  n1.ctl.update(snap({ policies: [{ name: "bad", loadBalancerIPs: true, interfaces: ["(["] }, { name: "good", loadBalancerIPs: true, serviceSelector: { matchLabels: { app: "a" } } }] }));
  await sleep(150);
  assert.equal(n1.ask("192.0.2.10"), true);
  assert.match(n1.log(), /level=error msg="invalid L2 announcement policy" policy=bad condition=io.cilium\/bad-interface-regex/);
  // Selector no longer matches: stop answering.
  n1.ctl.update(snap({ policies: [{ name: "good", loadBalancerIPs: true, serviceSelector: { matchLabels: { app: "zzz" } } }] }));
  await sleep(20);
  assert.equal(n1.ask("192.0.2.10"), false);
  // Interfaces regex excluding eth0: not a candidate.
  n1.ctl.update(snap({ policies: [{ name: "good", loadBalancerIPs: true, interfaces: ["^wlan"] }] }));
  await sleep(150);
  assert.equal(n1.ask("192.0.2.10"), false);
  n1.ctl.update(snap());
  await sleep(200);
  assert.equal(n1.ask("192.0.2.10"), true);
  assert.ok(store.leases.has("lbctl-l2-192-0-2-10"));
  // The Services go away: released, and the Lease of an address nobody selects is deleted.
  n1.ctl.update(snap({ services: [] }));
  await sleep(50);
  assert.equal(n1.ask("192.0.2.10"), false);
  assert.equal(store.leases.has("lbctl-l2-192-0-2-10"), false);
  await n1.ctl.stop();
  n1.engine.close();
});
