import { test } from "node:test";
import assert from "node:assert/strict";
import { groupStatuses } from "../../src/core/announce/status-rows.ts";
import { announceStatusView as statusView } from "../../src/cli/views/announce-status.ts";
import { renderToString } from "../../src/cli/output.ts";
import type { AddressGroup } from "../../src/core/announce/policy.ts";
import type { LeaseObject } from "../../src/core/announce/objects.ts";

const now = Date.parse("2026-11-27T12:00:00Z");
const g = (ip: string, lease: string, services: string[]): AddressGroup => ({ ip, family: 4, leaseName: lease, services, policies: ["p"], interfaces: [], etpLocal: false, candidate: true });

test("status rows: held, released, expired, no lease, stale; table and json", async () => {
  const leases: LeaseObject[] = [
    { metadata: { name: "lbctl-l2-192-0-2-10", annotations: { "lbctl.io/interfaces": "eth0=02:00:00:00:00:01" } }, spec: { holderIdentity: "node-a", leaseDurationSeconds: 15, renewTime: "2026-11-27T11:59:58.000000Z", leaseTransitions: 2 } },
    { metadata: { name: "lbctl-l2-192-0-2-11" }, spec: { holderIdentity: "", leaseDurationSeconds: 1, renewTime: "2026-11-27T11:59:00.000000Z" } },
    { metadata: { name: "lbctl-l2-192-0-2-12" }, spec: { holderIdentity: "node-b", leaseDurationSeconds: 15, renewTime: "2026-11-27T11:50:00.000000Z" } },
    { metadata: { name: "lbctl-l2-192-0-2-99", annotations: { "lbctl.io/ip": "192.0.2.99", "lbctl.io/services": "old/svc" } }, spec: { holderIdentity: "node-a", leaseDurationSeconds: 15, renewTime: "2026-11-27T11:59:59.000000Z" } },
    { metadata: { name: "cilium-l2announce-default-x" }, spec: {} },
  ];
  const rows = groupStatuses([g("192.0.2.10", "lbctl-l2-192-0-2-10", ["default/a", "default/b"]), g("192.0.2.11", "lbctl-l2-192-0-2-11", ["default/c"]), g("192.0.2.12", "lbctl-l2-192-0-2-12", ["default/d"]), g("192.0.2.13", "lbctl-l2-192-0-2-13", ["default/e"])], leases, now);
  assert.deepEqual(rows.map((r) => r.state), ["held", "released", "expired", "no-lease", "stale"]);
  const text = await renderToString(statusView(rows), "table");
  assert.equal(text.split("\n")[0], "ADDRESS      SERVICES              HOLDER   STATE      RENEWED   INTERFACES");
  assert.match(text, /^192\.0\.2\.10   default\/a,default\/b   node-a   held       2s        eth0$/m);
  assert.match(text, /^192\.0\.2\.13   default\/e             <none>   no-lease   <none>    <none>$/m);
  const wide = await renderToString(statusView(rows), "wide");
  assert.match(wide, /eth0\(02:00:00:00:00:01\)   lbctl-l2-192-0-2-10   p +2$/m);
  const json = JSON.parse(await renderToString(statusView(rows), "json")) as { groups: { holder: string | null; interfaces: unknown[] }[] };
  assert.equal(json.groups[0]?.holder, "node-a");
  assert.deepEqual(json.groups[0]?.interfaces, [{ name: "eth0", mac: "02:00:00:00:00:01" }]);
});

// Drift fixed by the one lease record (issue 10): `announce status` read only renewTime (a lease
// acquired but not yet renewed showed as expired), printed no days, and took malformed interface
// annotations as they came; `l2 status` did all three right.
test("status rows read a Lease as l2 status does: acquireTime fallback, days, validated interfaces", async () => {
  const leases: LeaseObject[] = [
    { metadata: { name: "lbctl-l2-192-0-2-10", annotations: { "lbctl.io/interfaces": "eth0=02:00:00:00:00:0A,bogus,eth1=zz" } }, spec: { holderIdentity: "node-a", leaseDurationSeconds: 15, acquireTime: "2026-11-27T11:59:57.000000Z" } },
    { metadata: { name: "lbctl-l2-192-0-2-11" }, spec: { holderIdentity: "node-b", leaseDurationSeconds: 15, renewTime: "2026-11-24T12:00:00.000000Z" } },
  ];
  const rows = groupStatuses([g("192.0.2.10", "lbctl-l2-192-0-2-10", ["default/a"]), g("192.0.2.11", "lbctl-l2-192-0-2-11", ["default/b"])], leases, now);
  assert.equal(rows[0]?.state, "held");
  assert.equal(rows[0]?.renewAgeSeconds, 3);
  assert.deepEqual(rows[0]?.interfaces, [{ name: "eth0", mac: "02:00:00:00:00:0a" }]);
  const text = await renderToString(statusView(rows), "table");
  assert.match(text, /^192\.0\.2\.11   default\/b   node-b   expired   3d        <none>$/m);
});
