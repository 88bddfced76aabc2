import { test } from "node:test";
import assert from "node:assert/strict";
import { applyL2Datapath } from "../../../src/core/bpf/l2-verdict.ts";
import type { AddressStatus } from "../../../src/core/l2status/model.ts";

const row = (address: string, holder: string | null, verdict: AddressStatus["verdict"] = "ok"): AddressStatus =>
  ({
    address,
    services: ["default/web"],
    sources: ["loadBalancer"],
    pool: null,
    policies: ["p"],
    lease: holder === undefined ? null : { name: "cilium-l2announce-default-web", holder, expired: false, renewAgeSeconds: 1, durationSeconds: 15 },
    otherLeases: [],
    holderMacs: [],
    holderMacSource: null,
    localServicesWithoutBackend: [],
    probe: null,
    verdict,
    reason: "r",
  }) as unknown as AddressStatus;

test("l2 status --datapath verdicts, in precedence order", () => {
  const cases: [string, AddressStatus, { entries: string[]; stale: boolean }, string][] = [
    ["holder with entry, fresh heartbeat", row("192.0.2.10", "node-a"), { entries: ["192.0.2.10"], stale: false }, "ok"],
    ["holder without entry", row("192.0.2.10", "node-a"), { entries: [], stale: false }, "responder-missing"],
    ["holder, stale heartbeat beats a missing entry", row("192.0.2.10", "node-a"), { entries: [], stale: true }, "agent-stale"],
    ["entry without the lease", row("192.0.2.10", "node-b"), { entries: ["192.0.2.10"], stale: false }, "responder-stale"],
    ["entry without the lease, stale heartbeat", row("192.0.2.10", "node-b"), { entries: ["192.0.2.10"], stale: true }, "agent-stale"],
    ["neither holder nor entry", row("192.0.2.10", "node-b"), { entries: [], stale: true }, "ok"],
    ["lease expired comes first", row("192.0.2.10", "node-a", "lease-expired"), { entries: [], stale: true }, "lease-expired"],
    ["no-answer is refined", row("2001:db8::10", "node-a", "no-answer"), { entries: [], stale: false }, "responder-missing"],
  ];
  for (const [name, r, f, want] of cases) {
    const [got] = applyL2Datapath([r], { node: "node-a", entries: new Set(f.entries), agentStale: f.stale, heartbeatText: "agent heartbeat: 40.0s old" });
    assert.equal(got!.verdict, want, name);
  }
});
