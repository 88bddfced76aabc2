// The L2 policy status writer against the test API server: conditions appear, flip and stay put.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { PolicyStatusWriter } from "../../../src/adapters/announce/policy-status.ts";
import { makeLogger } from "../../../src/adapters/announce/logger.ts";
import { connectKube } from "../../../src/adapters/kube/connect.ts";
import { RESOURCES } from "../../../src/adapters/kube/types.ts";
import { toPolicyStatus, type PolicyObject } from "../../../src/core/announce/objects.ts";
import type { PolicyProblem } from "../../../src/core/announce/policy.ts";
import { startTestApiServer } from "../../kube-server/server.ts";

const BAD_REGEX: PolicyProblem = { policy: "p", type: "io.cilium/bad-interface-regex", message: 'interfaces[0] "([": Invalid regular expression' };

async function setup(t: import("node:test").TestContext) {
  const srv = await startTestApiServer();
  t.after(() => srv.close());
  const kube = connectKube({ kubeconfig: srv.kubeconfigPath(), env: {} });
  t.after(() => kube.close());
  await kube.create(RESOURCES.l2Policies, { apiVersion: "cilium.io/v2alpha1", kind: "CiliumL2AnnouncementPolicy", metadata: { name: "p" }, spec: { interfaces: ["(["] } });
  let log = "";
  let clock = Date.parse("2026-11-27T13:00:00Z");
  const writer = new PolicyStatusWriter(kube, makeLogger({ write: (s: string) => (log += s) }, "text", "info", () => clock), () => clock);
  const read = async () => (await kube.get(RESOURCES.l2Policies, "p", undefined)) as PolicyObject;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 200 && !writer.idle; i++) await sleep(5);
  };
  const sync = async (problems: PolicyProblem[]): Promise<void> => {
    writer.sync([toPolicyStatus(await read())], problems);
    await settle();
  };
  const patches = () => srv.requests.filter((r) => r.verb === "patch" && r.url.includes("/status")).length;
  return { srv, kube, writer, read, sync, patches, log: () => log, tick: (ms: number) => (clock += ms) };
}

test("a policy problem becomes a True condition, its fix flips it to False, and nothing is rewritten in between", async (t) => {
  const s = await setup(t);
  await s.sync([BAD_REGEX]);
  let c = (await s.read()).status?.conditions ?? [];
  assert.equal(c.length, 1);
  assert.deepEqual({ ...c[0] }, {
    type: "io.cilium/bad-interface-regex", status: "True", reason: "error", message: BAD_REGEX.message,
    lastTransitionTime: "2026-11-27T13:00:00Z", observedGeneration: 1,
  });
  assert.equal(s.patches(), 1);
  assert.match(s.log(), /msg="policy status updated" policy=p conditions="io.cilium\/bad-interface-regex=True"/);

  // Every node re-plans on every watch event: the same problem must not cause another write.
  s.tick(5000);
  await s.sync([BAD_REGEX]);
  await s.sync([BAD_REGEX]);
  assert.equal(s.patches(), 1);

  s.tick(5000);
  await s.sync([]);
  c = (await s.read()).status?.conditions ?? [];
  assert.deepEqual({ ...c[0] }, {
    type: "io.cilium/bad-interface-regex", status: "False", reason: "error", message: "",
    lastTransitionTime: "2026-11-27T13:00:10Z", observedGeneration: 1,
  });
  await s.sync([]);
  assert.equal(s.patches(), 2);
});

test("a forbidden status write is reported once and not retried; a deleted policy is no error", async (t) => {
  const s = await setup(t);
  s.srv.faults.forbid.push({ verb: "patch", resource: "ciliuml2announcementpolicies/status" });
  await s.sync([BAD_REGEX]);
  await s.sync([BAD_REGEX]);
  assert.equal(s.patches(), 1);
  assert.equal(s.log().match(/cannot write L2 policy status \(RBAC: patch on ciliuml2announcementpolicies\/status\)/g)?.length, 1, s.log());

  const s2 = await setup(t);
  const gone = toPolicyStatus(await s2.read());
  await s2.kube.delete(RESOURCES.l2Policies, "p", undefined);
  s2.writer.sync([gone], [BAD_REGEX]);
  for (let i = 0; i < 200 && !s2.writer.idle; i++) await sleep(5);
  assert.doesNotMatch(s2.log(), /level=warn/);
});
