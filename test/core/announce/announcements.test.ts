import { test } from "node:test";
import assert from "node:assert/strict";
import { AnnounceSchedule, DEFAULT_BURST, DuplicateTracker, gratuitousFrames } from "../../../src/core/announce/announcements.ts";

const MAC = "02:00:00:00:00:01";

function run(s: AnnounceSchedule, until: number, step = 10): [number, string][] {
  const sent: [number, string][] = [];
  for (let t = 0; t <= until; t += step) for (const k of s.due(t)) sent.push([t, k]);
  return sent;
}

test("default burst: 5 rounds 1.1 s apart, then silence", () => {
  const s = new AnnounceSchedule(DEFAULT_BURST);
  s.start("192.0.2.10%eth0", 0);
  assert.deepEqual(run(s, 20_000).map(([t]) => t), [0, 1100, 2200, 3300, 4400]);
  assert.equal(s.nextDue(), undefined);
});

test("burst then periodic refresh; restart on re-takeover; stop", () => {
  const s = new AnnounceSchedule({ rounds: 2, intervalMs: 500, refreshMs: 3000 });
  s.start("a", 0);
  assert.deepEqual(run(s, 7000, 100).map(([t]) => t), [0, 500, 3500, 6500]);
  s.start("a", 7000);
  assert.deepEqual(s.due(7000), ["a"]);
  s.stop("a");
  assert.deepEqual(s.due(10_000), []);
  assert.equal(s.nextDue(), undefined);
});

test("IPv4 round: request (RFC 5227 announcement) and reply forms, broadcast", () => {
  const [req, rep] = gratuitousFrames("192.0.2.10", MAC);
  assert.deepEqual(req, { kind: "arp", ethSrc: MAC, ethDst: "ff:ff:ff:ff:ff:ff", op: 1, senderMac: MAC, senderIp: "192.0.2.10", targetMac: "00:00:00:00:00:00", targetIp: "192.0.2.10" });
  assert.equal(rep?.kind === "arp" && rep.op, 2);
  assert.equal(rep?.kind === "arp" && rep.targetMac, "ff:ff:ff:ff:ff:ff");
});

test("IPv6 round: one unsolicited NA to all-nodes, S=0 O=1, Target LLA", () => {
  const frames = gratuitousFrames("2001:db8::10", MAC);
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0], {
    kind: "na", ethSrc: MAC, ethDst: "33:33:00:00:00:01", ipSrc: "2001:db8::10", ipDst: "ff02::1", hopLimit: 255,
    target: "2001:db8::10", solicited: false, override: true, router: false, targetLla: MAC,
  });
});

test("duplicates: one report per episode, new episode after quiet or for another MAC", () => {
  const d = new DuplicateTracker(1000);
  const seen = (t: number, mac = "02:00:00:00:00:99") => d.observe("192.0.2.10", MAC, mac, t) !== undefined;
  assert.deepEqual([seen(0), seen(100), seen(900), seen(1800)], [true, false, false, false]);
  assert.equal(seen(1850, "02:00:00:00:00:77"), true);
  assert.equal(d.openEpisodes(2000), 2);
  assert.equal(d.openEpisodes(5000), 0);
  assert.equal(seen(5000), true);
  assert.deepEqual(d.observe("192.0.2.11", MAC, "02:00:00:00:00:99", 0), { ip: "192.0.2.11", ourMac: MAC, theirMac: "02:00:00:00:00:99" });
});
