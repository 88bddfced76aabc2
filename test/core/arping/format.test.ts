import { test } from "node:test";
import assert from "node:assert/strict";
import { formatMs, replyLine, statsLines, summaryJson } from "../../../src/core/arping/format.ts";
import { parseCount, parseTarget } from "../../../src/core/arping/args.ts";
import type { ArpingSession, ReplyEvent } from "../../../src/core/arping/session.ts";

const r = (o: Partial<ReplyEvent>): ReplyEvent => ({ from: "198.51.100.2", mac: "02:00:00:00:00:0b", kind: "reply", unicast: true, rttNs: 30_000n, probe: 1, ...o });

test("reply lines use iputils' formats (two spaces before the time, one after a [tha])", () => {
  const cases: [ReplyEvent, string][] = [
    [r({}), "Unicast reply from 198.51.100.2 [02:00:00:00:00:0B]  0.030ms"],
    [r({ rttNs: 1_700_000n }), "Unicast reply from 198.51.100.2 [02:00:00:00:00:0B]  1.700ms"],
    [
      r({ unicast: false, kind: "request", from: "198.51.100.77", forIp: "198.51.100.77", forMac: "ff:ff:ff:ff:ff:ff", rttNs: 500_813_000n }),
      "Broadcast request from 198.51.100.77 [02:00:00:00:00:0B] for 198.51.100.77 [FF:FF:FF:FF:FF:FF] 500.813ms",
    ],
    [r({ unicast: false, forMac: "02:00:00:00:00:0b" }), "Broadcast reply from 198.51.100.2 [02:00:00:00:00:0B] for [02:00:00:00:00:0B] 0.030ms"],
  ];
  for (const [event, want] of cases) assert.equal(replyLine(event), want);
  assert.equal(formatMs(0n), "0.000");
  assert.equal(formatMs(999_400n), "0.999");
  assert.equal(formatMs(12_345_678_900n), "12345.679");
});

test("stats lines and JSON summary", () => {
  const s = { sent: 3, broadcasts: 1, received: 3, requests: 1, broadcastsReceived: 2, macs: ["02:00:00:00:00:0b"], duplicate: false, rttsNs: [10_000n, 20_000n, 30_000n] } as unknown as ArpingSession;
  assert.deepEqual(statsLines(s), ["Sent 3 probes (1 broadcast(s))", "Received 3 response(s) (1 request(s), 2 broadcast(s))", "rtt min/avg/max/mdev = 0.010/0.020/0.030/0.008 ms"]);
  const none = { ...s, received: 0, requests: 0, broadcastsReceived: 0, rttsNs: [] } as unknown as ArpingSession;
  assert.deepEqual(statsLines(none), ["Sent 3 probes (1 broadcast(s))", "Received 0 response(s)"]);
  const j = summaryJson(s, { target: "198.51.100.2", source: "198.51.100.1", interface: "vA", mode: "probe", exitCode: 0 });
  assert.deepEqual(j["rttMs"], { min: 0.01, avg: 0.02, max: 0.03, mdev: 0.008 });
  assert.equal(j["exitCode"], 0);
});

test("arguments: iputils' messages for numbers, literal addresses only", () => {
  const bad: [string, ReturnType<typeof parseCount>, string][] = [
    ["-c 0", parseCount("0"), "invalid argument: '0': out of range: 1 <= value <= 2147483647"],
    ["-c abc", parseCount("abc"), "invalid argument: 'abc'"],
    ["-c 2147483648", parseCount("2147483648"), "invalid argument: '2147483648': out of range: 1 <= value <= 2147483647"],
  ];
  for (const [name, res, want] of bad) assert.deepEqual(res, { ok: false, error: want }, name);
  assert.deepEqual(parseCount("3"), { ok: true, value: 3 });
  assert.deepEqual(parseTarget("2001:DB8::2"), { ok: true, value: { ip: "2001:db8::2", family: 6 } });
  assert.deepEqual(parseTarget("fe80::1%vA"), { ok: true, value: { ip: "fe80::1", family: 6, zone: "vA" } });
  for (const t of ["no.such.host.invalid", "999.1.1.1", "198.51.100.2%vA", "224.0.0.1", "255.255.255.255", "ff02::1", "::", ""]) {
    assert.equal(parseTarget(t).ok, false, t);
  }
});
