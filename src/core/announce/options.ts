// `lbctl announce` flags → a validated configuration. Pure, so every flag error is testable;
// errors name the flag and the value. Durations arrive already parsed (cli/flags.ts holds the one
// duration grammar), as milliseconds; the namespace name is checked there too.
import { DEFAULT_BURST, type BurstConfig } from "./announcements.ts";
import { DEFAULT_TIMING, validateTiming, type LeaseTiming } from "./lease.ts";
import { DEFAULT_PROBE, type ProbeSettings } from "./probe.ts";
import type { LogFormat, LogLevel } from "./log-format.ts";
import { listenAddrProblem } from "../listen-addr.ts";

export interface AnnounceFlags {
  interfaces?: string | undefined;
  vip?: string[] | undefined;
  file?: string[] | undefined;
  force?: boolean | undefined;
  probe?: boolean | undefined;
  nodeName?: string | undefined;
  leaseNamespace?: string | undefined;
  leaseDurationMs?: number | undefined;
  leaseRenewDeadlineMs?: number | undefined;
  leaseRetryPeriodMs?: number | undefined;
  gratuitousCount?: string | undefined;
  gratuitousIntervalMs?: number | undefined;
  refreshIntervalMs?: number | undefined;
  probeCount?: string | undefined;
  probeIntervalMs?: number | undefined;
  logFormat?: string | undefined;
  logLevel?: string | undefined;
  metricsAddr?: string | undefined;
  election?: string | undefined;
}

/** Cluster mode: `membership` (one heartbeat Lease per node, hashed owners) or `per-address` (one Lease per address). */
export type Election = "membership" | "per-address";

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
  readonly election: Election;
}

export class FlagError extends Error {}

function parseCount(flag: string, s: string, min: number, max: number): number {
  if (!/^\d+$/.test(s.trim()) || Number(s) < min || Number(s) > max) throw new FlagError(`${flag}: "${s}" must be an integer from ${min} to ${max}`);
  return Number(s);
}

export function parseAnnounceFlags(f: AnnounceFlags): { config: AnnounceConfig; warnings: string[] } {
  const standalone = (f.vip ?? []).length > 0 || (f.file ?? []).length > 0;
  let interfaces: RegExp | undefined;
  // An empty pattern matches every interface: `-i "$IFACES"` with the variable unset must not.
  if (f.interfaces === "") throw new FlagError("--interfaces: empty (an unset variable?); give a pattern such as '^eth0$', or '.*' for every interface");
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
  const metricsProblem = f.metricsAddr === undefined ? undefined : listenAddrProblem("--metrics-addr", f.metricsAddr);
  if (metricsProblem !== undefined) throw new FlagError(metricsProblem);
  const election = f.election ?? "membership";
  if (election !== "membership" && election !== "per-address") throw new FlagError(`--election: "${election}" must be membership or per-address`);
  const ns = f.leaseNamespace ?? "kube-system";
  const { timing, warnings } = validateTiming({
    leaseDurationMs: f.leaseDurationMs ?? DEFAULT_TIMING.leaseDurationMs,
    renewDeadlineMs: f.leaseRenewDeadlineMs ?? DEFAULT_TIMING.renewDeadlineMs,
    retryPeriodMs: f.leaseRetryPeriodMs ?? DEFAULT_TIMING.retryPeriodMs,
  });
  const burst: BurstConfig = {
    rounds: f.gratuitousCount === undefined ? DEFAULT_BURST.rounds : parseCount("--gratuitous-count", f.gratuitousCount, 0, 100),
    intervalMs: f.gratuitousIntervalMs ?? DEFAULT_BURST.intervalMs,
    refreshMs: f.refreshIntervalMs ?? 0,
  };
  if (burst.refreshMs !== 0 && burst.refreshMs < 1000) throw new FlagError(`--refresh-interval: ${burst.refreshMs}ms must be 0 (off) or at least 1s`);
  const probe: ProbeSettings | undefined = f.probe === false ? undefined : {
    count: f.probeCount === undefined ? DEFAULT_PROBE.count : parseCount("--probe-count", f.probeCount, 1, 10),
    intervalMs: f.probeIntervalMs ?? DEFAULT_PROBE.intervalMs,
  };
  return {
    config: {
      mode: standalone ? "standalone" : "cluster", interfaces, interfacesText: f.interfaces, force: f.force === true, probe,
      leaseNamespace: ns, timing, burst, logFormat, logLevel: logLevel as LogLevel, metricsAddr: f.metricsAddr, election,
    },
    warnings,
  };
}
