import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Announcer, type FramePort, type LinkState, type OutFrame } from "../../../src/adapters/announce/announcer.ts";
import { announceMetrics } from "../../../src/core/announce/metrics.ts";
import { makeLogger } from "../../../src/adapters/announce/logger.ts";
import type { ArpFields } from "../../../src/core/packet/arp-fast.ts";
import type { DecodedFrame } from "../../../src/core/announce/responder.ts";

const MAC = "02:00:00:00:00:01";
const PEER = "02:00:00:00:00:99";

function setup(opts: { rounds?: number; intervalMs?: number } = {}) {
  const sent: { ifname: string; frame: OutFrame }[] = [];
  const inject = new Map<string, (f: DecodedFrame) => void>();
  const fail = new Map<string, (e: Error) => void>();
  const joins: string[] = [];
  let log = "";
  const metrics = announceMetrics();
  const engine = new Announcer({
    log: makeLogger({ write: (s: string) => (log += s) }, "text", "debug", () => 0),
    metrics,
    burst: { rounds: opts.rounds ?? 2, intervalMs: opts.intervalMs ?? 30, refreshMs: 0 },
    now: () => Date.now(),
    openPort: async (link, onFrame, onError) => {
      inject.set(link.name, onFrame);
      fail.set(link.name, onError);
      const port: FramePort = { ifname: link.name, mac: link.mac, send: (frame) => sent.push({ ifname: link.name, frame }), close: () => inject.delete(link.name) };
      return port;
    },
    joiner: { join: (g, i) => joins.push(`+${g}%${i}`), leave: (g, i) => joins.push(`-${g}%${i}`), close: () => {} },
  });
  return { engine, sent, inject, fail, joins, metrics, log: () => log };
}

const link = (name: string, o: Partial<LinkState> = {}): LinkState => ({ name, ifindex: name === "eth0" ? 2 : 3, mac: MAC, up: true, ...o });
const req = (targetIp: string, o: Partial<ArpFields> = {}): ArpFields => ({
  kind: "arp", ethSrc: PEER, ethDst: "ff:ff:ff:ff:ff:ff", op: 1, senderMac: PEER, senderIp: "192.0.2.1", targetMac: "00:00:00:00:00:00", targetIp, ...o,
});

test("engine answers only held addresses on their interface and counts", async () => {
  const t = setup();
  await t.engine.setLinks([link("eth0"), link("eth1")]);
  t.engine.setHeld(new Map([["192.0.2.10", ["eth0"]]]));
  t.sent.length = 0;
  t.inject.get("eth0")?.(req("192.0.2.10"));
  t.inject.get("eth1")?.(req("192.0.2.10"));
  t.inject.get("eth0")?.(req("192.0.2.99"));
  const replies = t.sent.filter((s) => s.frame.kind === "arp" && s.frame.op === 2 && s.frame.ethDst === PEER);
  assert.equal(replies.length, 1);
  assert.equal(replies[0]?.ifname, "eth0");
  assert.equal(t.metrics.get("lbctl_announce_requests_total", { interface: "eth0", family: "ipv4" }), 2);
  assert.equal(t.metrics.get("lbctl_announce_replies_total", { interface: "eth0", family: "ipv4" }), 1);
  assert.equal(t.metrics.get("lbctl_announce_drops_total", { reason: "not-on-interface" }), 1);
  t.engine.close();
});

test("takeover burst: request+reply per round; stops when released", async () => {
  const t = setup({ rounds: 3, intervalMs: 40 });
  await t.engine.setLinks([link("eth0")]);
  t.engine.setHeld(new Map([["192.0.2.10", ["eth0"]], ["2001:db8::10", ["eth0"]]]));
  await sleep(150);
  const garp = t.sent.filter((s) => s.frame.kind === "arp");
  const na = t.sent.filter((s) => s.frame.kind === "na");
  assert.equal(garp.length, 6);
  assert.equal(na.length, 3);
  assert.deepEqual(t.joins, ["+ff02::1:ff00:10%eth0"]);
  assert.equal(t.metrics.total("lbctl_announce_gratuitous_total"), 9);
  t.engine.setHeld(new Map());
  assert.deepEqual(t.joins, ["+ff02::1:ff00:10%eth0", "-ff02::1:ff00:10%eth0"]);
  t.inject.get("eth0")?.(req("192.0.2.10"));
  assert.equal(t.sent.length, 9, "no answer after release");
  t.engine.close();
});

test("duplicate: logged once per episode with both MACs, counted", async () => {
  const t = setup();
  await t.engine.setLinks([link("eth0")]);
  t.engine.setHeld(new Map([["192.0.2.10", ["eth0"]]]));
  const rogue = req("192.0.2.1", { op: 2, senderIp: "192.0.2.10", senderMac: "02:00:00:00:00:66", ethSrc: "02:00:00:00:00:66" });
  for (let i = 0; i < 5; i++) t.inject.get("eth0")?.(rogue);
  assert.equal(t.metrics.get("lbctl_announce_duplicates_total", { ip: "192.0.2.10" }), 1);
  const lines = t.log().split("\n").filter((l) => l.includes("duplicate"));
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? "", /our_mac=02:00:00:00:00:01 their_mac=02:00:00:00:00:66/);
  t.engine.close();
});

test("interface down stops answers; up again re-announces; deleted and re-created reopens", async () => {
  const t = setup({ rounds: 1 });
  await t.engine.setLinks([link("eth0")]);
  t.engine.setHeld(new Map([["192.0.2.10", ["eth0"]]]));
  await t.engine.setLinks([link("eth0", { up: false })]);
  t.sent.length = 0;
  t.inject.get("eth0")?.(req("192.0.2.10"));
  assert.equal(t.sent.length, 0, "no answer while down");
  await t.engine.setLinks([link("eth0")]);
  await sleep(5);
  assert.equal(t.sent.length, 2, "burst after up");
  t.fail.get("eth0")?.(new Error("ENODEV"));
  assert.equal(t.engine.interfaces().length, 0);
  await t.engine.setLinks([link("eth0", { ifindex: 9 })]);
  assert.equal(t.engine.interfaces()[0]?.ifindex, 9);
  t.sent.length = 0;
  t.inject.get("eth0")?.(req("192.0.2.10"));
  assert.equal(t.sent.filter((s) => s.frame.kind === "arp" && s.frame.ethDst === PEER).length, 1);
  t.engine.close();
});
