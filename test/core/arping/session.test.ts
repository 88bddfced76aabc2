import { test } from "node:test";
import assert from "node:assert/strict";
import { ArpingSession, rttSummary, type SessionConfig } from "../../../src/core/arping/session.ts";
import { protocolFor, type Mode } from "../../../src/core/arping/protocol.ts";
import { arpMessageBytes, decodeArpFrame, newGratuitous, newReply, newRequest, type ArpPacket } from "../../../src/core/packet/arp.ts";

const ME = "02:00:00:00:00:0a";
const PEER = "02:00:00:00:00:0b";
const OTHER = "02:00:00:00:00:0c";
const HOST = 0;
const BCAST = 1;

function session(mode: Mode, o: Partial<SessionConfig> = {}, source = mode === "dad" ? "0.0.0.0" : "198.51.100.1"): ArpingSession {
  const protocol = protocolFor(4, { mode, target: "198.51.100.2", source, sourceGiven: false, mac: ME });
  return new ArpingSession({ protocol, mode, intervalMs: 1000, stopAtFirst: mode === "dad", keepBroadcast: false, ...o });
}

function arpOf(bytes: Uint8Array): ArpPacket {
  const d = decodeArpFrame(bytes);
  assert.ok(d.ok);
  return d.value.arp;
}

/** The kernel's answer to whatever probe was just built. */
function answer(probe: Uint8Array, mac = PEER): Uint8Array {
  const req = decodeArpFrame(probe);
  assert.ok(req.ok);
  return arpMessageBytes(newReply(req.value.arp, mac));
}

test("framing: first probe broadcast (tha ff:ff...), unicast to the last MAC that answered, -b keeps broadcasting", () => {
  for (const keepBroadcast of [false, true]) {
    const s = session("probe", { count: 3, keepBroadcast });
    const p1 = s.tick(0)!;
    assert.equal(p1.broadcast, true);
    s.sentProbe(p1, 1000n, 0);
    s.frame(answer(p1.bytes, PEER), HOST, 31_000n);
    s.frame(answer(p1.bytes, OTHER), HOST, 40_000n);
    const p2 = s.tick(1000)!;
    const d = decodeArpFrame(p2.bytes);
    assert.ok(d.ok);
    assert.equal(d.value.eth.dst, keepBroadcast ? "ff:ff:ff:ff:ff:ff" : OTHER);
    assert.equal(d.value.arp.tha, d.value.eth.dst, "iputils copies the destination into tha");
    assert.equal(p2.broadcast, keepBroadcast);
  }
});

test("reply filter (iputils): spa = target, tpa = our source, tha = our MAC; DAD: spa = target, sha not ours", () => {
  const s = session("probe", {});
  const p = s.tick(0)!;
  s.sentProbe(p, 0n, 0);
  const good = answer(p.bytes);
  const wrongTha = arpMessageBytes({ ethDst: ME, arp: { ...arpOf(good), tha: "02:00:00:00:00:99" } });
  const gratuitous = arpMessageBytes(newGratuitous("reply", PEER, "198.51.100.2"));
  const otherIp = arpMessageBytes(newReply(arpOf(arpMessageBytes(newRequest({ sha: ME, spa: "198.51.100.1", tpa: "198.51.100.3" }))), PEER));
  const cases: [string, Uint8Array, number, boolean][] = [
    ["kernel reply", good, HOST, true],
    ["OTHERHOST", good, 3, false],
    ["tha not ours", wrongTha, HOST, false],
    ["gratuitous reply (tha = its own MAC)", gratuitous, BCAST, false],
    ["another address", otherIp, HOST, false],
    ["garbage", new Uint8Array(10), HOST, false],
  ];
  for (const [name, frame, pkttype, want] of cases) assert.equal(s.frame(frame, pkttype, 5n) !== undefined, want, name);

  const dad = session("dad", { count: 2 });
  const probe = dad.tick(0)!;
  dad.sentProbe(probe, 0n, 0);
  assert.equal(dad.frame(arpMessageBytes(newGratuitous("request", ME, "198.51.100.2")), BCAST, 1n), undefined, "our own MAC is not a conflict");
  const conflict = dad.frame(arpMessageBytes(newGratuitous("request", PEER, "198.51.100.2")), BCAST, 1n);
  assert.deepEqual(
    conflict && { kind: conflict.kind, unicast: conflict.unicast, forIp: conflict.forIp, forMac: conflict.forMac },
    { kind: "request", unicast: false, forIp: "198.51.100.2", forMac: "ff:ff:ff:ff:ff:ff" },
  );
  assert.equal(dad.finished, true, "DAD stops at the first answer");
  assert.equal(dad.exitCode(), 1);
});

/** Drives a session through a script of ticks and answers; returns what happened. */
function script(mode: Mode, o: Partial<SessionConfig>, answers: (k: number) => number, maxTicks = 20) {
  const s = session(mode, o);
  let at = 0;
  for (let k = 0; k < maxTicks && !s.done; k++, at += 1000) {
    if (o.deadlineMs !== undefined && at > o.deadlineMs) {
      s.stop();
      break;
    }
    const p = s.tick(at);
    if (!p) break;
    s.sentProbe(p, BigInt(at) * 1_000_000n, at);
    for (let n = 0; n < answers(k) && !s.finished; n++) s.frame(answer(p.bytes, n === 0 ? PEER : OTHER), HOST, BigInt(at) * 1_000_000n + 30_000n);
  }
  return { sent: s.sent, received: s.received, exit: s.exitCode(), broadcasts: s.broadcasts };
}

test("stop rules and exit codes (iputils upstream >= 20240905, 3 = duplicate MAC)", () => {
  const all = () => 1;
  const none = () => 0;
  const cases: [string, Mode, Partial<SessionConfig>, (k: number) => number, { sent: number; received: number; exit: number }][] = [
    ["-c 3 live", "probe", { count: 3 }, all, { sent: 3, received: 3, exit: 0 }],
    ["-c 2 silent", "probe", { count: 2 }, none, { sent: 2, received: 0, exit: 1 }],
    ["-c 3, target gone after 2", "probe", { count: 3 }, (k) => (k < 2 ? 1 : 0), { sent: 3, received: 2, exit: 0 }],
    ["-c 2, two hosts answer (the last duplicate lands in the settle window)", "probe", { count: 2 }, () => 2, { sent: 2, received: 4, exit: 3 }],
    ["-w 3 live: probe at t=3 still sent", "probe", { deadlineMs: 3000 }, (k) => (k < 3 ? 1 : 0), { sent: 4, received: 3, exit: 0 }],
    ["-w 2 silent", "probe", { deadlineMs: 2000 }, none, { sent: 3, received: 0, exit: 1 }],
    ["-c 3 -w 10 live: stops at 3 replies", "probe", { count: 3, deadlineMs: 10000 }, all, { sent: 3, received: 3, exit: 0 }],
    ["-c 3 -w 4, one reply: 1", "probe", { count: 3, deadlineMs: 4000 }, (k) => (k === 0 ? 1 : 0), { sent: 5, received: 1, exit: 1 }],
    ["-f -c 5", "probe", { count: 5, stopAtFirst: true }, all, { sent: 1, received: 1, exit: 0 }],
    ["-D free", "dad", { count: 2 }, none, { sent: 2, received: 0, exit: 0 }],
    ["-D taken", "dad", { count: 2 }, all, { sent: 1, received: 1, exit: 1 }],
    ["-U -c 2", "unsolicited-request", { count: 2 }, none, { sent: 2, received: 0, exit: 0 }],
    ["-A -c 1", "unsolicited-reply", { count: 1 }, none, { sent: 1, received: 0, exit: 0 }],
  ];
  for (const [name, mode, o, answers, want] of cases) {
    const got = script(mode, o, answers);
    assert.deepEqual({ sent: got.sent, received: got.received, exit: got.exit }, want, name);
  }
});

test("RTT is receive stamp minus the latest send stamp; summary like ping", () => {
  const s = session("probe", { count: 1 });
  const p = s.tick(0)!;
  s.sentProbe(p, 1_000_000_000n, 0);
  const r = s.frame(answer(p.bytes), HOST, 1_000_025_000n);
  assert.equal(r?.rttNs, 25_000n);
  assert.equal(r?.probe, 1);
  assert.equal(s.settling, true, "-c 1: its reply is in, only a duplicate could still come");
  assert.equal(s.settleMs(), 2, "settle window: 4 x 25 µs, at least 2 ms");
  const dup = s.frame(answer(p.bytes, OTHER), HOST, 1_000_040_000n);
  assert.equal(dup?.mac, OTHER, "a second host's answer within the settle window still counts");
  assert.equal(s.exitCode(), 3);
  assert.equal(s.tick(1000), undefined);
  assert.equal(s.finished, true);
  assert.deepEqual(rttSummary([10_000n, 30_000n]), { min: 0.01, avg: 0.02, max: 0.03, mdev: 0.01 });
  assert.equal(rttSummary([]), undefined);
});
