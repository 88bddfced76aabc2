import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { probeAddresses, type ProbeSocket } from "../../../src/adapters/l2status/prober.ts";
import { decodeArpFrame, arpMessageBytes, newReply } from "../../../src/core/packet/arp.ts";
import type { LinkFacts } from "../../../src/core/link-facts.ts";
import type { PacketFrame } from "../../../src/adapters/packet/socket.ts";

const link: LinkFacts = { name: "eth0", index: 2, mac: "02:00:00:00:00:0c", mtu: 1500, up: true, broadcast: true, noarp: false, loopback: false, bondSlave: false, addresses: [] };

/** A fake segment: `answer(ip)` lists the MACs that reply to a request for ip, after `delayMs`. */
function fakeOpener(answer: (ip: string, attempt: number) => string[], log: { opened: number; sent: number }) {
  return (): ProbeSocket => {
    log.opened++;
    const em = new EventEmitter<{ frame: [PacketFrame] }>();
    const attempts = new Map<string, number>();
    let t = 1_000_000n;
    return {
      on: (ev, l) => em.on(ev, l),
      close: () => em.removeAllListeners(),
      send(frame) {
        log.sent++;
        const req = decodeArpFrame(frame);
        assert.ok(req.ok);
        const n = (attempts.get(req.value.arp.tpa) ?? 0) + 1;
        attempts.set(req.value.arp.tpa, n);
        const sentAt = (t += 1000n);
        for (const mac of answer(req.value.arp.tpa, n)) {
          setTimeout(() => em.emit("frame", { data: Buffer.from(arpMessageBytes(newReply(req.value.arp, mac))), pkttype: 0, timestampNs: sentAt + 250_000n }), 1);
        }
        return { ns: sentAt };
      },
    };
  };
}

test("prober: one socket for many addresses, every answering MAC kept with RTT, retry for the silent", async () => {
  const log = { opened: 0, sent: 0 };
  const ips = Array.from({ length: 50 }, (_, i) => `192.0.2.${i + 1}`);
  const answer = (ip: string, attempt: number): string[] =>
    ip === "192.0.2.1" ? ["02:00:00:00:00:a1", "02:00:00:00:00:66"] : ip === "192.0.2.2" ? [] : ip === "192.0.2.3" && attempt === 1 ? [] : ["02:00:00:00:00:a1"];
  const t0 = performance.now();
  const res = await probeAddresses(ips.map((ip) => ({ ip, link })), { ratePerSecond: 10_000, timeoutMs: 400, attempts: 2, open: fakeOpener(answer, log) });
  const ms = performance.now() - t0;
  assert.equal(log.opened, 1);
  assert.deepEqual(res.get("192.0.2.1")?.answers.map((a) => a.mac), ["02:00:00:00:00:a1", "02:00:00:00:00:66"]);
  assert.equal(res.get("192.0.2.1")?.answers[0]?.rttMs, 0.25);
  assert.deepEqual(res.get("192.0.2.2"), { interface: "eth0", sent: 2, answers: [], skipped: undefined });
  assert.equal(res.get("192.0.2.3")?.sent, 2, "the silent address is asked again");
  assert.equal(res.get("192.0.2.3")?.answers.length, 1);
  assert.equal(res.get("192.0.2.4")?.sent, 1, "answered addresses are not asked again");
  assert.equal(log.sent, 50 + 2);
  assert.ok(ms < 600, `bounded by the deadline (took ${ms.toFixed(0)} ms)`);
});

test("prober: stops early once everything answered; the rate bounds what is sent before the deadline", async () => {
  const log = { opened: 0, sent: 0 };
  const ips = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
  const t0 = performance.now();
  await probeAddresses(ips.map((ip) => ({ ip, link })), { ratePerSecond: 100_000, timeoutMs: 5_000, attempts: 2, settleMs: 50, open: fakeOpener(() => ["02:00:00:00:00:a1"], log) });
  assert.ok(performance.now() - t0 < 1000);

  const slow = { opened: 0, sent: 0 };
  const res = await probeAddresses(ips.map((ip) => ({ ip, link })), { ratePerSecond: 50, timeoutMs: 100, attempts: 1, open: fakeOpener(() => [], slow) });
  assert.ok(slow.sent <= 8, `at most rate × deadline (+1 slice) requests (sent ${slow.sent})`);
  assert.match([...res.values()].find((r) => r.sent === 0)?.skipped ?? "", /deadline passed/);
});
