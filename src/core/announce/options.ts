// `lbctl announce` flags → a validated configuration. Pure, so every flag error is testable;
// errors name the flag and the value.
import { DEFAULT_BURST, type BurstConfig } from "./announcements.ts";
import { DEFAULT_TIMING, validateTiming, type LeaseTiming } from "./lease.ts";
import { DEFAULT_PROBE, type ProbeSettings } from "./probe.ts";
import type { LogFormat, LogLevel } from "./log-format.ts";

export interface AnnounceFlags {
  interfaces?: string | undefined;
  vip?: string[] | undefined;
  file?: string[] | undefined;
  force?: boolean | undefined;
  probe?: boolean | undefined;
  nodeName?: string | undefined;
  leaseNamespace?: string | undefined;
  leaseDuration?: string | undefined;
  leaseRenewDeadline?: string | undefined;
  leaseRetryPeriod?: string | undefined;
  gratuitousCount?: string | undefined;
  gratuitousInterval?: string | undefined;
  refreshInterval?: string | undefined;
  probeCount?: string | undefined;
  probeInterval?: string | undefined;
  logFormat?: string | undefined;
  logLevel?: string | undefined;
  metricsAddr?: string | undefined;
}

export interface AnnounceConfig {
  readonly mode: "standalone" | "cluster";
  readonly interfaces: RegExp | undefined;
  readonly interfacesText: string | undefined;
  readonly force: boolean;
  readonly probe: ProbeSettings | undefined;
  readonly leaseNamespace: string;
  readonly timing: LeaseTiming;
  readonly burst: BurstConfig;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
  readonly metricsAddr: string | undefined;
}

export class FlagError extends Error {}

/** "15s", "200ms", "1.5s", "2m", or a bare number of seconds. */
export function parseDuration(flag: string, s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) throw new FlagError(`${flag}: "${s}" is not a duration (e.g. 15s, 200ms, 1m)`);
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  return Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000);
}

function parseCount(flag: string, s: string, min: number, max: number): number {
  if (!/^\d+$/.test(s.trim()) || Number(s) < min || Number(s) > max) throw new FlagError(`${flag}: "${s}" must be an integer from ${min} to ${max}`);
  return Number(s);
}

export function parseAnnounceFlags(f: AnnounceFlags): { config: AnnounceConfig; warnings: string[] } {
  const standalone = (f.vip ?? []).length > 0 || (f.file ?? []).length > 0;
  let interfaces: RegExp | undefined;
  if (f.interfaces !== undefined) {
    try {
      interfaces = new RegExp(f.interfaces);
    } catch (err) {
      throw new FlagError(`--interfaces: "${f.interfaces}" is not a valid regular expression: ${(err as Error).message}`);
    }
  }
  if (standalone && interfaces === undefined) throw new FlagError("--interfaces is required with --vip/-f (which interfaces to answer on, e.g. -i '^eth0$')");
  const logFormat = f.logFormat ?? "text";
  if (logFormat !== "text" && logFormat !== "json") throw new FlagError(`--log-format: "${logFormat}" must be text or json`);
  const logLevel = f.logLevel ?? "info";
  if (!["debug", "info", "warn", "error"].includes(logLevel)) throw new FlagError(`--log-level: "${logLevel}" must be debug, info, warn or error`);
  const ns = f.leaseNamespace ?? "kube-system";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) throw new FlagError(`--lease-namespace: "${ns}" is not a valid namespace name`);
  const { timing, warnings } = validateTiming({
    leaseDurationMs: f.leaseDuration === undefined ? DEFAULT_TIMING.leaseDurationMs : parseDuration("--lease-duration", f.leaseDuration),
    renewDeadlineMs: f.leaseRenewDeadline === undefined ? DEFAULT_TIMING.renewDeadlineMs : parseDuration("--lease-renew-deadline", f.leaseRenewDeadline),
    retryPeriodMs: f.leaseRetryPeriod === undefined ? DEFAULT_TIMING.retryPeriodMs : parseDuration("--lease-retry-period", f.leaseRetryPeriod),
  });
  const burst: BurstConfig = {
    rounds: f.gratuitousCount === undefined ? DEFAULT_BURST.rounds : parseCount("--gratuitous-count", f.gratuitousCount, 0, 100),
    intervalMs: f.gratuitousInterval === undefined ? DEFAULT_BURST.intervalMs : parseDuration("--gratuitous-interval", f.gratuitousInterval),
    refreshMs: f.refreshInterval === undefined ? 0 : parseDuration("--refresh-interval", f.refreshInterval),
  };
  if (burst.refreshMs !== 0 && burst.refreshMs < 1000) throw new FlagError(`--refresh-interval: "${f.refreshInterval}" must be 0 (off) or at least 1s`);
  const probe: ProbeSettings | undefined = f.probe === false ? undefined : {
    count: f.probeCount === undefined ? DEFAULT_PROBE.count : parseCount("--probe-count", f.probeCount, 1, 10),
    intervalMs: f.probeInterval === undefined ? DEFAULT_PROBE.intervalMs : parseDuration("--probe-interval", f.probeInterval),
  };
  return {
    config: {
      mode: standalone ? "standalone" : "cluster", interfaces, interfacesText: f.interfaces, force: f.force === true, probe,
      leaseNamespace: ns, timing, burst, logFormat, logLevel: logLevel as LogLevel, metricsAddr: f.metricsAddr,
    },
    warnings,
  };
}
