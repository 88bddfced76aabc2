import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { drive } from "../../../src/adapters/arping/driver.ts";
import { ArpingSession } from "../../../src/core/arping/session.ts";
import { protocolFor, type Mode } from "../../../src/core/arping/protocol.ts";
import { arpMessageBytes, decodeArpFrame, newReply } from "../../../src/core/packet/arp.ts";
import type { PacketFrame } from "../../../src/adapters/packet/socket.ts";

/** A socket whose peer answers every probe after 1 ms (or never), recording send times. */
class FakeSocket extends EventEmitter<{ frame: [PacketFrame] }> {
  sends: number[] = [];
  constructor(private readonly answers: boolean) {
    super();
  }
  send(frame: Uint8Array): { ns: bigint } {
    this.sends.push(performance.now());
    const req = decodeArpFrame(frame);
    if (this.answers && req.ok) {
      const reply = Buffer.from(arpMessageBytes(newReply(req.value.arp, "02:00:00:00:00:0b")));
      setTimeout(() => this.emit("frame", { data: reply, pkttype: 0, timestampNs: 2_000_000n }), 1);
    }
    return { ns: 1_000_000n };
  }
}

function session(mode: Mode, count: number | undefined, deadlineMs: number | undefined, intervalMs: number): ArpingSession {
  const protocol = protocolFor(4, { mode, target: "198.51.100.2", source: "198.51.100.1", sourceGiven: false, mac: "02:00:00:00:00:0a" });
  return new ArpingSession({ protocol, mode, count, deadlineMs, intervalMs, stopAtFirst: false, keepBroadcast: false });
}

test("driver: probes at k*interval; -c N ends at the N-th reply, silent targets after N intervals", async () => {
  const live = new FakeSocket(true);
  const s = session("probe", 3, undefined, 40);
  const replies: bigint[] = [];
  const t0 = performance.now();
  await drive({ session: s, socket: live, intervalMs: 40, onReply: (r) => replies.push(r.rttNs) });
  const took = performance.now() - t0;
  assert.deepEqual(replies, [1_000_000n, 1_000_000n, 1_000_000n]);
  assert.ok(took >= 75 && took < 2000, `took ${took} ms (third reply at ~81 ms)`); // libuv timers may fire ~1 ms early
  assert.equal(live.listenerCount("frame"), 0, "the listener is removed");

  const silent = new FakeSocket(false);
  const s2 = session("probe", 2, undefined, 30);
  const t1 = performance.now();
  await drive({ session: s2, socket: silent, intervalMs: 30, onReply: () => undefined });
  const took2 = performance.now() - t1;
  assert.equal(silent.sends.length, 2);
  assert.ok(took2 >= 55 && took2 < 2000, `took ${took2} ms (2 intervals)`);
  assert.equal(s2.exitCode(), 1);
});

test("driver: the deadline ends the run, a probe due exactly at it is still sent; abort ends it early", async () => {
  const silent = new FakeSocket(false);
  const s = session("probe", undefined, 100, 50);
  await drive({ session: s, socket: silent, intervalMs: 50, deadlineMs: 100, onReply: () => undefined });
  assert.equal(s.sent, 3, "t = 0, 50, 100");

  const odd = new FakeSocket(false);
  const s2 = session("probe", undefined, 70, 50);
  const t0 = performance.now();
  await drive({ session: s2, socket: odd, intervalMs: 50, deadlineMs: 70, onReply: () => undefined });
  assert.equal(s2.sent, 2);
  assert.ok(performance.now() - t0 >= 65, "ends at the deadline, not at the next tick");

  const ac = new AbortController();
  const s3 = session("probe", undefined, undefined, 1000);
  setTimeout(() => ac.abort(), 20);
  const t1 = performance.now();
  await drive({ session: s3, socket: new FakeSocket(false), intervalMs: 1000, signal: ac.signal, onReply: () => undefined });
  assert.ok(performance.now() - t1 < 900, "abort does not wait for the 1 s interval");
  assert.equal(s3.sent, 1);
});

test("driver: a send error (link went down) fails the run instead of ending it quietly", async () => {
  const sock = new FakeSocket(true);
  let n = 0;
  sock.send = () => {
    if (++n === 2) throw Object.assign(new Error("sendto: Network is down"), { code: "ENETDOWN" });
    return { ns: 1n };
  };
  const s = session("probe", 5, undefined, 20);
  await assert.rejects(drive({ session: s, socket: sock, intervalMs: 20, onReply: () => undefined }), /Network is down/);
  assert.equal(sock.listenerCount("frame"), 0);
});
