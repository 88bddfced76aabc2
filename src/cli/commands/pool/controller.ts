// `lbctl pool controller`: live LB-IPAM. Parse flags → refuse to start when Cilium's LB-IPAM is
// evidently active (unless --lb-class) → watch, elect, reconcile → on SIGTERM/SIGINT finish the
// pass, release the Lease, exit 0. docs/pool-controller.md.
import { hostname } from "node:os";
import type { CliContext } from "../../context.ts";
import { SetupError, UsageError } from "../../../errors.ts";
import { DEFAULT_TIMING, validateTiming } from "../../../core/announce/lease.ts";
import { kubeFlags, namespaceName, nonEmpty, parseDuration } from "../../flags.ts";
import { listenAddrProblem } from "../../../core/listen-addr.ts";
import { DEFAULT_SETTINGS, type ControllerScope, type LbIpamSettings } from "../../../core/ipam/index.ts";
import { makeLogger } from "../../../adapters/announce/logger.ts";

export const POOL_CLASS_LABEL = "lbctl.io/lb-class";

function duration(flag: string, v: unknown, dflt: number): number {
  return v === undefined ? dflt : parseDuration(flag, String(v));
}

/** `--ipv4 true|false` (a value, unlike the switches cli/flags.ts reads). */
function boolValue(flag: string, v: unknown): boolean {
  if (v === undefined || v === "true" || v === true) return true;
  if (v === "false") return false;
  throw new UsageError(`${flag}: expected true or false, got "${String(v)}"`);
}

export async function runPoolController(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const logFormat = String(opts["logFormat"] ?? "text") as "text" | "json";
  const logLevel = String(opts["logLevel"] ?? "info") as "debug" | "info" | "warn" | "error";
  const log = makeLogger(ctx.stderr, logFormat, logLevel, () => ctx.now());
  const lbClass = nonEmpty(opts, "lbClass", "--lb-class");
  if (lbClass !== undefined && !/^[A-Za-z0-9.-]+\/[A-Za-z0-9._-]+$/.test(lbClass)) {
    throw new UsageError(`--lb-class: "${lbClass}" is not a domain-prefixed class name (e.g. lbctl.io/l2)`);
  }
  const { timing, warnings } = validateTiming({
    leaseDurationMs: duration("--lease-duration", opts["leaseDuration"], DEFAULT_TIMING.leaseDurationMs),
    renewDeadlineMs: duration("--lease-renew-deadline", opts["leaseRenewDeadline"], DEFAULT_TIMING.renewDeadlineMs),
    retryPeriodMs: duration("--lease-retry-period", opts["leaseRetryPeriod"], DEFAULT_TIMING.retryPeriodMs),
  });
  for (const w of warnings) log.warn(w);
  const leaseNamespace = namespaceName("--lease-namespace", nonEmpty(opts, "leaseNamespace", "--lease-namespace") ?? (ctx.env["POD_NAMESPACE"] || undefined) ?? "kube-system");
  const ciliumNamespace = namespaceName("--cilium-namespace", nonEmpty(opts, "ciliumNamespace", "--cilium-namespace") ?? "kube-system");
  const concurrency = Number(opts["writeConcurrency"] ?? 16);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--write-concurrency: "${String(opts["writeConcurrency"])}" must be an integer from 1 to 256`);
  const settings: LbIpamSettings = {
    ...DEFAULT_SETTINGS,
    enableIPv4: boolValue("--ipv4", opts["ipv4"]),
    enableIPv6: boolValue("--ipv6", opts["ipv6"]),
    ...(lbClass !== undefined ? { lbClasses: [lbClass], defaultLbServiceIpam: "none" as const, releaseForeignClasses: false } : {}),
  };
  const identity = nonEmpty(opts, "identity", "--identity") ?? (ctx.env["POD_NAME"] || undefined) ?? hostname();

  // Trapped before any request: a SIGTERM while detection or the first list runs still exits 0.
  const signal = ctx.trapSignals();
  const { connectKube } = await import("../../../adapters/kube/connect.ts");
  const RESOURCES_V2 = (await import("../../../adapters/kube/types.ts")).RESOURCES.poolsV2;
  const { countingKube } = await import("../../../adapters/announce/kube.ts");
  const { detectCiliumLbIpam } = await import("../../../adapters/controller/detect.ts");
  const { PoolController, poolResource } = await import("../../../adapters/controller/controller.ts");
  const { controllerMetrics, NO_METRICS } = await import("../../../adapters/controller/metrics.ts");

  let metrics = NO_METRICS;
  let server: { close(): Promise<void> } | undefined;
  let registry: Awaited<ReturnType<typeof import("../../../adapters/metrics/registry.ts").createRegistry>> | undefined;
  const metricsAddr = nonEmpty(opts, "metricsAddr", "--metrics-addr");
  const metricsProblem = metricsAddr === undefined ? undefined : listenAddrProblem("--metrics-addr", metricsAddr);
  if (metricsProblem !== undefined) throw new UsageError(metricsProblem);
  if (metricsAddr !== undefined) {
    const { createRegistry } = await import("../../../adapters/metrics/registry.ts");
    registry = await createRegistry();
    metrics = controllerMetrics(registry);
  }
  const raw = connectKube(kubeFlags(opts, ctx.env));
  const kube = countingKube(raw, (verb, resource) => metrics.request(verb, resource));

  const evidence = await detectCiliumLbIpam(kube, ciliumNamespace, ctx.now());
  for (const u of evidence.unknown) log.warn("Cilium LB-IPAM detection: check skipped", { reason: u });
  if (evidence.active.length > 0 && lbClass === undefined) {
    raw.close();
    throw new SetupError(
      `Cilium's LB-IPAM is active on this cluster (${evidence.active.join("; ")}); refusing to fight it for the same Services. ` +
        `Serve a class of your own with --lb-class (e.g. --lb-class lbctl.io/l2), or disable Cilium's with enable-lb-ipam: "false" in ${ciliumNamespace}/cilium-config`,
    );
  }
  const scope: ControllerScope = {
    poolLabel: lbClass !== undefined ? { key: POOL_CLASS_LABEL, value: lbClass } : undefined,
    // Cilium's operator writes every pool's conditions: with it running, leave them to it.
    writePoolStatus: evidence.active.length === 0,
  };
  log.info("pool controller starting", {
    server: raw.server,
    identity,
    lease: `${leaseNamespace}/lbctl-pool-controller`,
    lb_class: lbClass ?? "(class-less and io.cilium/* classes, as Cilium's LB-IPAM)",
    cilium: evidence.disabledByConfig ? "LB-IPAM disabled in cilium-config" : evidence.active.length > 0 ? "active; pool status left to it" : "not detected",
  });

  const pools = await poolResource(kube);
  if (pools !== RESOURCES_V2) log.info("cilium.io/v2 pools are not served; using cilium.io/v2alpha1");
  const controller = new PoolController({
    kube, log, settings, scope, identity, leaseNamespace, timing, now: () => ctx.now(), metrics, writeConcurrency: concurrency, events: opts["events"] !== false, pools,
  });
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    if (registry !== undefined && metricsAddr !== undefined) {
      const { startMetricsServer } = await import("../../../adapters/metrics/server.ts");
      try {
        const s = await startMetricsServer(metricsAddr, registry, () => controller.synced());
        server = s;
        log.info("metrics listening", { address: s.address });
      } catch (err) {
        throw new SetupError(`--metrics-addr: cannot listen on "${metricsAddr}": ${(err as Error).message}`);
      }
    }
    controller.start();
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    log.info("signal received: finishing the pass and releasing the Lease", { signal: String(signal.reason) });
    return 0;
  } finally {
    await controller.stop();
    await server?.close();
    raw.close();
    clearInterval(keepAlive);
    log.info("stopped", { ...controller.stats });
  }
}
