import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAnnounceFlags, type AnnounceFlags } from "../../../src/core/announce/options.ts";

test("announce flags (table): mode, defaults, errors naming the flag", () => {
  const ok = parseAnnounceFlags({});
  assert.equal(ok.config.mode, "cluster");
  assert.deepEqual(ok.config.timing, { leaseDurationMs: 15000, renewDeadlineMs: 5000, retryPeriodMs: 2000 });
  assert.deepEqual(ok.config.burst, { rounds: 5, intervalMs: 1100, refreshMs: 0 });
  assert.equal(ok.config.leaseNamespace, "kube-system");
  const sa = parseAnnounceFlags({ vip: ["192.0.2.1"], interfaces: "^eth0$" });
  assert.equal(sa.config.mode, "standalone");
  const short = parseAnnounceFlags({ leaseDurationMs: 3000, leaseRenewDeadlineMs: 1000, leaseRetryPeriodMs: 200 });
  assert.deepEqual(short.config.timing, { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 });
  assert.deepEqual(short.warnings, []);
  const fixed = parseAnnounceFlags({ leaseDurationMs: 5000, leaseRenewDeadlineMs: 6000 });
  assert.equal(fixed.config.timing.renewDeadlineMs, 2500);
  assert.equal(fixed.warnings.length, 1);
  const bad: [AnnounceFlags, RegExp][] = [
    [{ vip: ["192.0.2.1"] }, /--interfaces is required/],
    [{ interfaces: "([" }, /--interfaces: "\(\[" is not a valid regular expression/],
    [{ logFormat: "xml" }, /--log-format: "xml" must be text or json/],
    [{ gratuitousCount: "-1" }, /--gratuitous-count: "-1" must be an integer/],
    [{ refreshIntervalMs: 10 }, /--refresh-interval: 10ms must be 0 \(off\) or at least 1s/],
  ];
  for (const [flags, re] of bad) assert.throws(() => parseAnnounceFlags(flags), re, JSON.stringify(flags));
});
