// The controller's metrics (prom-client, one registry) and `lbctl pool list --cluster` show the
// same pool numbers; pending Services are counted by reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { harness } from "../../helpers/pool-controller.ts";
import { pool, svc } from "../../helpers/lbipam.ts";
import { runCli } from "../../helpers/cli.ts";
import { createRegistry } from "../../../src/adapters/metrics/registry.ts";
import { controllerMetrics } from "../../../src/adapters/controller/metrics.ts";
import { PoolController } from "../../../src/adapters/controller/controller.ts";
import { connectKube } from "../../../src/adapters/kube/connect.ts";
import { makeLogger } from "../../../src/adapters/announce/logger.ts";
import { DEFAULT_SETTINGS } from "../../../src/core/ipam/index.ts";
import { FAST } from "../../helpers/pool-controller.ts";

test("metrics: pool usage equals `pool list --cluster`; pending by reason; allocations; reconcile latency", async () => {
  const h = await harness();
  const registry = await createRegistry();
  const kube = connectKube({ kubeconfig: h.srv.kubeconfigPath(), env: {} });
  const c = new PoolController({
    kube, log: makeLogger({ write: () => true }, "text", "error", () => Date.now()), identity: "m1", leaseNamespace: "kube-system", timing: FAST,
    now: () => Date.now(), settings: DEFAULT_SETTINGS, scope: { writePoolStatus: true }, metrics: controllerMetrics(registry),
  });
  try {
    c.start();
    await h.apply(pool("small", ["192.0.2.0/31"]));
    await h.apply(pool("pinned", ["198.51.100.0/30"], { selector: { matchLabels: { app: "db" } } }));
    for (const n of ["a", "b", "c"]) await h.apply(svc(n));
    await h.apply(svc("d", { ann: { "lbipam.cilium.io/ips": "203.0.113.9" } }));
    await h.apply(svc("e", { labels: { app: "db" } }));
    await new Promise((r) => setTimeout(r, 300));
    await c.idle();
    await new Promise((r) => setTimeout(r, 300));
    await c.idle();
    const text = await registry.render();
    const list = await runCli(["pool", "list", "--cluster", "--kubeconfig", h.srv.kubeconfigPath()], { now: Date.now() });
    assert.equal(list.code, 0, list.stderr);
    for (const line of list.stdout.trim().split("\n").slice(1)) {
      const [name, , , avail, used, total] = line.trim().split(/\s+/);
      assert.match(text, new RegExp(`^lbctl_pool_controller_pool_ips\\{pool="${name}",state="available"\\} ${avail}$`, "m"), text);
      assert.match(text, new RegExp(`^lbctl_pool_controller_pool_ips\\{pool="${name}",state="used"\\} ${used}$`, "m"));
      assert.match(text, new RegExp(`^lbctl_pool_controller_pool_ips\\{pool="${name}",state="total"\\} ${total}$`, "m"));
    }
    assert.match(list.stdout, /^small +false +False +0 +2 +2$/m, list.stdout);
    assert.match(text, /^lbctl_pool_controller_pending_services\{reason="out_of_ips"\} 1$/m);
    assert.match(text, /^lbctl_pool_controller_pending_services\{reason="no_pool"\} 1$/m);
    assert.match(text, /^lbctl_pool_controller_services 5$/m);
    assert.match(text, /^lbctl_pool_controller_allocations_total\{pool="small"\} 2$/m);
    assert.match(text, /^lbctl_pool_controller_allocations_total\{pool="pinned"\} 1$/m);
    assert.match(text, /^lbctl_pool_controller_reconcile_duration_seconds_count [1-9]\d*$/m);
    assert.match(text, /^lbctl_pool_controller_leader 1$/m);
  } finally {
    await c.stop();
    kube.close();
    await h.close();
  }
});
