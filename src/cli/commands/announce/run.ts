// `lbctl announce`: parse flags → build the engine over packet ports → standalone (probe, then
// hold) or cluster (watch, elect, hold) → on SIGTERM/SIGINT stop answering, release, exit 0.
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import type { CliContext } from "../../context.ts";
import { LbctlError, UsageError } from "../../errors.ts";
import { kubeFlags, namespaceName, parseDuration, str } from "../../flags.ts";
import { FlagError, parseAnnounceFlags, type AnnounceConfig, type AnnounceFlags } from "../../../core/announce/options.ts";
import { announceMetrics, type Metrics } from "../../../core/announce/metrics.ts";
import { parseVips, summariseErrors } from "../../../core/announce/vips.ts";
import { Announcer, type GroupJoiner } from "../../../adapters/announce/announcer.ts";
import { makeLogger, type Logger } from "../../../adapters/announce/logger.ts";
import { scanLinks } from "../../../adapters/announce/links.ts";
import { heldEverywhere, probeVips, type Tap } from "../../../adapters/announce/standalone.ts";

const RESCAN_MS = 1000;

export async function runAnnounce(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  let config: AnnounceConfig;
  let warnings: string[];
  try {
    ({ config, warnings } = parseAnnounceFlags(announceFlags(opts)));
  } catch (err) {
    if (err instanceof FlagError) throw new UsageError(err.message);
    throw err;
  }
  const log = makeLogger(ctx.stderr, config.logFormat, config.logLevel, () => ctx.now());
  for (const w of warnings) log.warn(w);
  const vips = config.mode === "standalone" ? await readVips(ctx, opts) : [];
  // --node-name is checked as commander reads it (cli/flags.ts nodeName).
  const identity = str(opts, "nodeName") ?? (ctx.env["NODE_NAME"] || undefined) ?? hostname();
  // Cluster mode: connected (kubeconfig read, checked) before any socket is opened, so that a
  // missing or broken kubeconfig is said with nothing opened.
  let kube = config.mode === "cluster" ? (await import("../../../adapters/kube/connect.ts")).connectKube(kubeFlags(opts, ctx.env)) : undefined;

  const metrics = announceMetrics();
  let tap: Tap | undefined;
  const joiner = await openJoiner(log);
  const { openPacketPort } = await import("../../../adapters/announce/packet-port.ts");
  const engine = new Announcer({ log, metrics, burst: config.burst, now: () => ctx.now(), openPort: openPacketPort, joiner, tap: (i, f) => tap?.(i, f) });
  const signal = ctx.trapSignals();
  // Sockets keep the loop alive only while open; this keeps the process up until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let server: { close(): Promise<void> } | undefined;
  let stopCluster: (() => Promise<void>) | undefined;
  let rescan: NodeJS.Timeout | undefined;
  try {
    await engine.setLinks(await scanLinks(config.interfaces));
    if (engine.interfaces().length === 0) {
      throw new LbctlError(`--interfaces: no usable interface matches "${config.interfacesText ?? ".*"}" (Ethernet, broadcast, not a bond/bridge member)`);
    }
    if (config.metricsAddr !== undefined) {
      const { createRegistry, exposeStore } = await import("../../../adapters/metrics/registry.ts");
      const { startMetricsServer } = await import("../../../adapters/metrics/server.ts");
      try {
        const registry = await createRegistry();
        exposeStore(registry, metrics);
        const s = await startMetricsServer(config.metricsAddr, registry, () => engine.interfaces().length > 0);
        server = s;
        log.info("metrics listening", { address: s.address });
      } catch (err) {
        throw new LbctlError(`--metrics-addr: cannot listen on "${config.metricsAddr}": ${(err as Error).message}`);
      }
    }
    let relink: () => void = () => {};
    if (kube === undefined) { // standalone: only cluster mode has a client
      await claimStandalone(engine, vips, config, log, (t) => (tap = t), signal);
      relink = () => engine.setHeld(heldEverywhere(engine, vips));
      relink();
      log.info("answering", { vips, interfaces: engine.interfaces().map((l) => l.name) });
    } else {
      const { startCluster } = await import("../../../adapters/announce/kube.ts");
      const cluster = await startCluster({ kube, now: () => ctx.now(), config, engine, log, metrics, nodeName: identity });
      kube = undefined; // the cluster closes it on stop
      stopCluster = () => cluster.stop();
      relink = () => cluster.relink();
    }
    rescan = setInterval(() => {
      void scanLinks(config.interfaces).then(async (links) => {
        await engine.setLinks(links);
        relink();
      }).catch((err: unknown) => log.warn("interface scan failed", { error: (err as Error).message }));
    }, RESCAN_MS);
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    log.info("signal received: stop answering and release", { signal: String(signal.reason) });
    return 0;
  } finally {
    if (rescan) clearInterval(rescan);
    engine.setHeld(new Map());
    await stopCluster?.();
    kube?.close(); // never handed to the cluster (an earlier failure)
    engine.close();
    await server?.close();
    clearInterval(keepAlive);
    log.info("stopped", summary(metrics));
  }
}

async function claimStandalone(engine: Announcer, vips: string[], config: AnnounceConfig, log: Logger, listen: (t: Tap | undefined) => void, signal: AbortSignal): Promise<void> {
  if (config.probe === undefined || signal.aborted) return;
  const conflicts = await probeVips(engine, vips, config.probe, listen);
  for (const c of conflicts) {
    log[config.force ? "warn" : "error"]("address already in use by another host", { ip: c.ip, interface: c.ifname, our_mac: c.ourMac, their_mac: c.theirMac });
  }
  if (conflicts.length > 0 && !config.force) {
    const list = conflicts.map((c) => `${c.ip} on ${c.ifname} (answered by ${c.theirMac})`).join(", ");
    throw new LbctlError(`refusing to claim addresses another host answers for: ${list}; use --force to claim them anyway`);
  }
}

async function readVips(ctx: CliContext, opts: Record<string, unknown>): Promise<string[]> {
  const sources = ((opts["vip"] as string[] | undefined) ?? []).map((text) => ({ name: "--vip", text }));
  for (const file of (opts["file"] as string[] | undefined) ?? []) {
    try {
      const text = file === "-" ? await readStdin(ctx) : await readFile(file, "utf8");
      // A binary file: say so once, rather than echo its bytes as thousands of "addresses".
      if (text.includes("\u0000") || text.includes("\ufffd")) throw new UsageError(`-f ${file}: a binary file, not a list of addresses`);
      sources.push({ name: file, text });
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new LbctlError(`-f ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
    }
  }
  const { vips, errors } = parseVips(sources);
  if (errors.length > 0) throw new UsageError(summariseErrors(errors));
  if (vips.length === 0) throw new UsageError("--vip/-f: no addresses given");
  return vips;
}

async function readStdin(ctx: CliContext): Promise<string> {
  let s = "";
  for await (const chunk of ctx.stdin) s += String(chunk);
  return s;
}

async function openJoiner(log: Logger): Promise<GroupJoiner | undefined> {
  try {
    const { openGroupJoiner } = await import("../../../adapters/announce/mcast.ts");
    return await openGroupJoiner();
  } catch (err) {
    log.warn("IPv6 unavailable: solicited-node groups will not be joined", { error: (err as Error).message });
    return undefined;
  }
}

function summary(m: Metrics): Record<string, number> {
  return {
    requests: m.total("lbctl_announce_requests_total"),
    replies: m.total("lbctl_announce_replies_total"),
    gratuitous: m.total("lbctl_announce_gratuitous_total"),
    duplicates: m.total("lbctl_announce_duplicates_total"),
  };
}

const DURATION_FLAGS = [
  ["leaseDuration", "--lease-duration"], ["leaseRenewDeadline", "--lease-renew-deadline"], ["leaseRetryPeriod", "--lease-retry-period"],
  ["gratuitousInterval", "--gratuitous-interval"], ["refreshInterval", "--refresh-interval"], ["probeInterval", "--probe-interval"],
] as const;

/** Commander's options → the core's flags: durations parsed to ms, the lease namespace checked. */
function announceFlags(opts: Record<string, unknown>): AnnounceFlags {
  const flags: Record<string, unknown> = { ...opts };
  for (const [key, flag] of DURATION_FLAGS) {
    delete flags[key];
    const text = str(opts, key);
    if (text !== undefined) flags[`${key}Ms`] = parseDuration(flag, text);
  }
  const ns = str(opts, "leaseNamespace");
  if (ns !== undefined) namespaceName("--lease-namespace", ns);
  return flags as AnnounceFlags;
}
