import { test } from "node:test";
import assert from "node:assert/strict";
import { parseAnnounceFlags, parseDuration, type AnnounceFlags } from "../../../src/core/announce/options.ts";

test("durations", () => {
  const cases: [string, number][] = [["15s", 15000], ["200ms", 200], ["1.5s", 1500], ["2m", 120000], ["3", 3000]];
  for (const [s, ms] of cases) assert.equal(parseDuration("--x", s), ms, s);
  assert.throws(() => parseDuration("--lease-duration", "soon"), /--lease-duration: "soon" is not a duration/);
});

test("announce flags (table): mode, defaults, errors naming the flag", () => {
  const ok = parseAnnounceFlags({});
  assert.equal(ok.config.mode, "cluster");
  assert.deepEqual(ok.config.timing, { leaseDurationMs: 15000, renewDeadlineMs: 5000, retryPeriodMs: 2000 });
  assert.deepEqual(ok.config.burst, { rounds: 5, intervalMs: 1100, refreshMs: 0 });
  assert.equal(ok.config.leaseNamespace, "kube-system");
  const sa = parseAnnounceFlags({ vip: ["192.0.2.1"], interfaces: "^eth0$" });
  assert.equal(sa.config.mode, "standalone");
  const short = parseAnnounceFlags({ leaseDuration: "3s", leaseRenewDeadline: "1s", leaseRetryPeriod: "200ms" });
  assert.deepEqual(short.config.timing, { leaseDurationMs: 3000, renewDeadlineMs: 1000, retryPeriodMs: 200 });
  assert.deepEqual(short.warnings, []);
  const fixed = parseAnnounceFlags({ leaseDuration: "5s", leaseRenewDeadline: "6s" });
  assert.equal(fixed.config.timing.renewDeadlineMs, 2500);
  assert.equal(fixed.warnings.length, 1);
  const bad: [AnnounceFlags, RegExp][] = [
    [{ vip: ["192.0.2.1"] }, /--interfaces is required/],
    [{ interfaces: "([" }, /--interfaces: "\(\[" is not a valid regular expression/],
    [{ logFormat: "xml" }, /--log-format: "xml" must be text or json/],
    [{ leaseNamespace: "Kube_System" }, /--lease-namespace/],
    [{ gratuitousCount: "-1" }, /--gratuitous-count: "-1" must be an integer/],
    [{ refreshInterval: "10ms" }, /--refresh-interval/],
    [{ leaseRetryPeriod: "x" }, /--lease-retry-period: "x" is not a duration/],
  ];
  for (const [flags, re] of bad) assert.throws(() => parseAnnounceFlags(flags), re, JSON.stringify(flags));
});
