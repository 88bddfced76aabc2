import { test } from "node:test";
import assert from "node:assert/strict";
import { announceMetrics } from "../../../src/core/announce/metrics.ts";
import { createRegistry, exposeStore } from "../../../src/adapters/metrics/registry.ts";
import { formatLogLine } from "../../../src/core/announce/log-format.ts";

test("metrics: counters with labels in Prometheus text format (prom-client exposition)", async () => {
  const m = announceMetrics();
  m.inc("lbctl_announce_requests_total", { interface: "eth0", family: "ipv4" });
  m.inc("lbctl_announce_requests_total", { family: "ipv4", interface: "eth0" }, 2);
  m.set("lbctl_announce_leases_held", {}, 3);
  m.inc("lbctl_announce_drops_total", { reason: 'we"ird' });
  const registry = await createRegistry();
  exposeStore(registry, m);
  const text = await registry.render();
  assert.match(text, /^# HELP lbctl_announce_requests_total /m);
  assert.match(text, /^# TYPE lbctl_announce_requests_total counter$/m);
  assert.match(text, /^lbctl_announce_requests_total\{family="ipv4",interface="eth0"\} 3$/m);
  assert.match(text, /^lbctl_announce_leases_held 3$/m);
  assert.match(text, /^lbctl_announce_replies_total 0$/m);
  assert.match(text, /^lbctl_announce_drops_total\{reason="we\\"ird"\} 1$/m);
  assert.equal(m.total("lbctl_announce_requests_total"), 3);
  assert.throws(() => m.inc("nope"), /not defined/);
});

test("log lines: text (logfmt quoting) and JSON", () => {
  const t = Date.parse("2026-11-27T12:00:00Z");
  assert.equal(
    formatLogLine("text", t, "info", "lease acquired", { group: "lbctl-l2-192-0-2-10", ips: ["192.0.2.10"], note: "two words", skip: undefined }),
    'time=2026-11-27T12:00:00.000Z level=info msg="lease acquired" group=lbctl-l2-192-0-2-10 ips=192.0.2.10 note="two words"',
  );
  assert.deepEqual(JSON.parse(formatLogLine("json", t, "warn", "duplicate", { ip: "192.0.2.10", n: 2 })), {
    time: "2026-11-27T12:00:00.000Z", level: "warn", msg: "duplicate", ip: "192.0.2.10", n: 2,
  });
});
