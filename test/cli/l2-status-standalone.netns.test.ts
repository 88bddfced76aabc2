// `l2 status --probe` on a real segment (network namespaces only, documentation addresses):
// holders running `lbctl announce` in standalone mode with the Leases written by the test, a
// rogue host whose kernel answers for two VIPs, and an announcer that stops. This complements
// l2-status-cluster.netns.test.ts (announcers in cluster mode): `wrong-mac` needs a lease whose
// holder does not answer while someone else does, which a live cluster-mode holder never is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NetnsLab } from "../helpers/netns.ts";
import { startAnnouncer } from "../helpers/announcer.ts";
import { answerFor, apiServerIn, lease, MACS, POLICY, POOL, service, startBed } from "../helpers/l2-bed.ts";

interface Row { address: string; verdict: string; reason: string; probe: { interface: string; sent: number; answers: { mac: string; rttMs: number | null }[] } | null }

test("l2 status --probe from a client on the segment: ok, duplicate, no-answer, wrong-mac", { timeout: 60_000 }, async (t) => {
  const lab = await NetnsLab.start(t, "l2");
  if (!lab) return;
  const bed = await startBed(lab);
  // node1 holds .10 and .12, node2 holds .11, 2001:db8::10 and (in a second announcer process,
  // stopped later) .13; the rogue's kernel answers for .12 (contested) and .14 (whose lease says
  // node1, which does not answer for it).
  await Promise.all([answerFor(lab, bed, "rogue", "192.0.2.12"), answerFor(lab, bed, "rogue", "192.0.2.14")]);
  const flags = ["-i", "^eth0$", "--no-probe", "--gratuitous-count", "1"];
  const announcers = [
    startAnnouncer(lab, bed.ns.node1, [...flags, "--vip", "192.0.2.10,192.0.2.12"]),
    startAnnouncer(lab, bed.ns.node2, [...flags, "--vip", "192.0.2.11,2001:db8::10"]),
    startAnnouncer(lab, bed.ns.node2, [...flags, "--vip", "192.0.2.13"]),
  ];
  await Promise.all(announcers.map((a) => a.waitFor(/msg=answering/, 15_000)));
  const objects = [
    POOL, POLICY,
    service("web", "192.0.2.10"), service("api", "192.0.2.11"), service("contested", "192.0.2.12"), service("stopped", "192.0.2.13"),
    service("hijacked", "192.0.2.14"), service("web6", "2001:db8::10"),
    lease("192.0.2.10", "node1", "shop/web"), lease("192.0.2.11", "node2", "shop/api"), lease("192.0.2.12", "node1", "shop/contested"),
    lease("192.0.2.13", "node2", "shop/stopped"), lease("192.0.2.14", "node1", "shop/hijacked"), lease("2001:db8::10", "node2", "shop/web6"),
  ];
  const kubeconfig = await apiServerIn(lab, bed, "client", objects);
  const status = async (): Promise<{ code: number; rows: Map<string, Row>; ms: number }> => {
    const r = await lab.lbctl(bed.ns.client, ["l2", "status", "-A", "--probe", "--probe-timeout", "600ms", "-o", "json", "--kubeconfig", kubeconfig], { timeoutMs: 15_000 });
    assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
    const doc = JSON.parse(r.stdout) as { addresses: Row[] };
    return { code: r.code, rows: new Map(doc.addresses.map((a) => [a.address, a])), ms: r.ms };
  };

  const first = await status();
  const v = (ip: string): string => first.rows.get(ip)?.verdict ?? "<missing>";
  assert.equal(first.code, 3);
  assert.equal(v("192.0.2.10"), "ok");
  assert.equal(v("192.0.2.11"), "ok");
  assert.equal(v("192.0.2.13"), "ok");
  assert.equal(v("2001:db8::10"), "ok", first.rows.get("2001:db8::10")?.reason);
  assert.equal(v("192.0.2.12"), "duplicate");
  assert.deepEqual(first.rows.get("192.0.2.12")?.probe?.answers.map((a) => a.mac).sort(), [MACS.node1, MACS.rogue].sort());
  assert.equal(v("192.0.2.14"), "wrong-mac");
  assert.equal(first.rows.get("192.0.2.10")?.probe?.interface, "eth0");
  const rtt = first.rows.get("192.0.2.10")?.probe?.answers[0]?.rttMs;
  assert.ok(rtt !== null && rtt !== undefined && rtt >= 0 && rtt < 100, `rtt ${rtt}`);

  // The announcer for .13 stops; its lease is still fresh (it would expire later) → no-answer.
  assert.equal((await announcers[2]!.stop("SIGTERM")).code, 0);
  const second = await status();
  assert.equal(second.rows.get("192.0.2.13")?.verdict, "no-answer");
  assert.match(second.rows.get("192.0.2.13")?.reason ?? "", /held by node2 but nothing answered 2 request\(s\) on eth0/);
  assert.equal(second.rows.get("192.0.2.11")?.verdict, "ok");
  assert.ok(second.ms < 5000, `took ${second.ms} ms`);
});
