import { test } from "node:test";
import assert from "node:assert/strict";
import { decideVerdict, PRECEDENCE, type VerdictFacts } from "../../../src/core/l2status/verdict.ts";
import { DATAPATH_VERDICTS, VERDICTS, type ProbeResult, type Verdict } from "../../../src/core/l2status/model.ts";
import type { LeaseFacts } from "../../../src/core/announce/lease-record.ts";

const lease = (o: Partial<LeaseFacts> = {}): LeaseFacts => ({
  name: "lbctl-l2-192-0-2-10", namespace: "kube-system", kind: "lbctl", holder: "node-a", renewTime: "2026-11-27T11:59:58.000Z",
  renewAgeSeconds: 2, durationSeconds: 15, expired: false, ...o,
});
const probe = (...macs: string[]): ProbeResult => ({ interface: "eth0", sent: macs.length === 0 ? 2 : 1, answers: macs.map((mac) => ({ mac, rttMs: 0.25, count: 1 })) });
const HOLDER = "02:00:00:00:00:a1";
const ROGUE = "02:00:00:00:00:66";
const base: VerdictFacts = {
  pending: false, policies: ["announce-lab"], lease: lease(), liveHolders: ["node-a"], holderMacs: [{ interface: "eth0", mac: HOLDER }],
  probe: probe(HOLDER), localServicesWithoutBackend: [],
};

const cases: [string, Partial<VerdictFacts>, Verdict, RegExp][] = [
  ["healthy, answered by the holder", {}, "ok", /held by node-a, answered by the holder's MAC 02:00:00:00:00:a1 in 0\.25ms/],
  ["healthy, not probed", { probe: null }, "ok", /^held by node-a$/],
  ["holder MAC unknown: any single answer is ok", { holderMacs: [] }, "ok", /holder MAC not published/],
  ["probe skipped (no interface)", { probe: { interface: "", sent: 0, answers: [], skipped: "no interface" } }, "ok", /not probed: no interface/],
  ["pending Service", { pending: true, policies: [], lease: null }, "pending-ip", /no address assigned yet/],
  ["no policy", { policies: [], lease: null, probe: null }, "no-policy", /no CiliumL2AnnouncementPolicy selects it/],
  ["no policy, reason given", { policies: [], unselectedWhy: "loadBalancerClass x" }, "no-policy", /^loadBalancerClass x$/],
  ["no lease", { lease: null, liveHolders: [] }, "no-lease", /no announcer is running/],
  ["released lease", { lease: lease({ holder: null }), liveHolders: [] }, "no-lease", /was released/],
  ["expired lease", { lease: lease({ expired: true, renewAgeSeconds: 120 }), liveHolders: [] }, "lease-expired", /renewed 120s ago, lease duration 15s/],
  ["nothing answers", { probe: probe() }, "no-answer", /held by node-a but nothing answered 2 request\(s\) on eth0/],
  ["someone else answers", { probe: probe(ROGUE) }, "wrong-mac", /answered by 02:00:00:00:00:66, but holder node-a announces from 02:00:00:00:00:a1/],
  ["two MACs answer", { probe: probe(HOLDER, ROGUE) }, "duplicate", /2 MACs answered: 02:00:00:00:00:a1 \(holder node-a\), 02:00:00:00:00:66$/],
  ["split Cilium election", { liveHolders: ["node-a", "node-b"], probe: null }, "duplicate", /elected different holders \(node-a, node-b\)/],
  ["eTP=Local without local backend", { localServicesWithoutBackend: ["shop/local"] }, "etp-local-no-backend", /no ready endpoint of shop\/local/],
  // precedence
  ["pending beats everything", { pending: true, probe: probe(HOLDER, ROGUE) }, "pending-ip", /no address/],
  ["duplicate beats no-policy", { policies: [], probe: probe(HOLDER, ROGUE) }, "duplicate", /2 MACs/],
  ["no-policy beats no-lease", { policies: [], lease: null }, "no-policy", /selects it/],
  ["lease-expired beats no-answer", { lease: lease({ expired: true }), probe: probe() }, "lease-expired", /stopped renewing/],
  ["no-answer beats eTP", { probe: probe(), localServicesWithoutBackend: ["shop/local"] }, "no-answer", /nothing answered/],
  ["l2-disabled beats everything but pending", { l2Disabled: "cilium-config (cluster kube-system/cilium-config)", probe: probe(ROGUE), policies: [] }, "l2-disabled", /enable-l2-announcements is false \(cilium-config \(cluster kube-system\/cilium-config\)\): the agent announces no address; yet .* answered/],
  ["pending beats l2-disabled", { pending: true, l2Disabled: "--config" }, "pending-ip", /no address assigned/],
  ["wrong-mac beats eTP", { probe: probe(ROGUE), localServicesWithoutBackend: ["shop/local"] }, "wrong-mac", /answered by/],
];

for (const [name, over, verdict, reason] of cases) {
  test(`verdict: ${name} → ${verdict}`, () => {
    const got = decideVerdict({ ...base, ...over });
    assert.equal(got.verdict, verdict);
    assert.match(got.reason, reason);
  });
}

test("verdict: every verdict is reachable and in the precedence list", () => {
  const reached = new Set(cases.map((c) => c[2]));
  for (const v of VERDICTS) {
    assert.ok(reached.has(v) || DATAPATH_VERDICTS.includes(v), `no case for ${v}`); // datapath ones: test/core/bpf/l2-verdict.test.ts
    assert.ok(PRECEDENCE.includes(v), `${v} missing from PRECEDENCE`);
  }
  assert.equal(PRECEDENCE.length, VERDICTS.length);
});
