// `lbctl l2 status`: load objects (cluster or -f) → optional probe → verdicts → render. With
// --watch the same pass repeats every interval and prints only when the picture changed.
import type { CliContext } from "../../context.ts";
import { LbctlError, UsageError } from "../../errors.ts";
import { notice, parseOutputFormat, render, warn, writeLine, type OutputFormat } from "../../output.ts";
import { checkNamespaceFlags, kubeFlags, listItems, namespaceName, parseDuration, str as option } from "../../flags.ts";
import { parseVips } from "../../../core/announce/vips.ts";
import type { AddressStatus } from "../../../core/l2status/model.ts";
import type { Loader } from "../../../adapters/l2status/evaluate.ts";
import type { StatusObjects } from "../../../adapters/l2status/inputs.ts";
import { parseOverrides } from "../service/agent-config.ts";
import { resolveAgentConfig } from "../../../core/service/agent-config.ts";

/** Exit status when at least one address is not ok (1 stays "could not check"). */
export const EXIT_NOT_OK = 3;

interface Settings {
  readonly format: OutputFormat;
  readonly namespace: string | undefined;
  readonly files: readonly string[];
  readonly leaseNamespace: string;
  readonly vips: ReadonlySet<string> | undefined;
  readonly probe: { interface: string | undefined; timeoutMs: number; ratePerSecond: number } | undefined;
  readonly watchMs: number | undefined;
}

function settingsFrom(opts: Record<string, unknown>): Settings {
  const str = (k: string): string | undefined => option(opts, k);
  checkNamespaceFlags(opts);
  let vips: Set<string> | undefined;
  const vipArgs = listItems("--vip", opts["vip"] as string[] | undefined);
  if (vipArgs !== undefined) {
    const { vips: list, errors } = parseVips(vipArgs.map((text) => ({ name: "--vip", text })));
    if (errors.length > 0) throw new UsageError(errors.join("; "));
    vips = new Set(list);
  }
  const rate = Number(str("probeRate") ?? "5000");
  if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) throw new UsageError(`--probe-rate: "${str("probeRate")}" must be an integer from 1 to 100000`);
  const timeoutMs = parseDuration("--probe-timeout", str("probeTimeout") ?? "1s");
  if (timeoutMs < 10 || timeoutMs > 60_000) throw new UsageError(`--probe-timeout: "${str("probeTimeout")}" must be between 10ms and 60s`);
  const watchMs = opts["watch"] === true ? parseDuration("--watch-interval", str("watchInterval") ?? "2s") : undefined;
  if (watchMs !== undefined && watchMs < 100) throw new UsageError(`--watch-interval: "${str("watchInterval")}" must be at least 100ms`);
  if (opts["probe"] !== true && str("interface") !== undefined) throw new UsageError("-i/--interface is only used with --probe");
  if (watchMs !== undefined && ((opts["filename"] as string[] | undefined) ?? []).includes("-")) throw new UsageError("--watch cannot re-read standard input (-f -): pass a file");
  return {
    format: parseOutputFormat(str("output") ?? "table"),
    namespace: opts["allNamespaces"] === true ? undefined : str("namespace"),
    files: (opts["filename"] as string[] | undefined) ?? [],
    leaseNamespace: namespaceName("--lease-namespace", str("leaseNamespace") ?? "kube-system"),
    vips,
    probe: opts["probe"] === true ? { interface: str("interface"), timeoutMs, ratePerSecond: rate } : undefined,
    watchMs,
  };
}

export async function runL2Status(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const s = settingsFrom(opts);
  // Start every import at once: file reads overlap with compiling what has already arrived.
  const [{ evaluateOnce }, { l2StatusView }, { summarize }, source] = await Promise.all([
    import("../../../adapters/l2status/evaluate.ts"),
    import("../../views/l2-status.ts"),
    import("../../../core/l2status/gather.ts"),
    openSource(ctx, opts, s),
    s.probe ? import("../../../adapters/l2status/probe-run.ts") : undefined, // loaded now, used once Services are known
  ]);
  try {
    let last = "";
    let code = 0;
    const signal = s.watchMs === undefined ? undefined : ctx.trapSignals();
    for (let first = true; ; first = false) {
      const times = ctx.env["LBCTL_TIMING"] === "1" ? { begin: 0, loaded: 0, probed: 0, judged: 0 } : undefined;
      let rows: AddressStatus[];
      try {
        rows = await evaluateOnce(ctx, s, source.load, times);
      } catch (err) {
        // While watching, an API outage is reported and retried rather than ending the watch.
        if (first || !signal || !(err instanceof LbctlError)) throw err;
        warn(ctx, `${err.message} (retrying in ${s.watchMs}ms)`);
        code = 1;
        if (await pause(s.watchMs ?? 0, signal)) return code;
        continue;
      }
      if (opts["datapath"] === true) rows = await withDatapath(ctx, opts, rows);
      const summary = summarize(rows, s.probe !== undefined);
      code = summary.notOk > 0 ? EXIT_NOT_OK : 0;
      const fingerprint = JSON.stringify(rows.map(stable));
      if (first || fingerprint !== last) {
        if (!first) writeLine(ctx, s.format === "table" || s.format === "wide" ? "" : s.format === "yaml" ? "---" : "");
        await render(ctx, l2StatusView(rows, summary), s.format);
        last = fingerprint;
      }
      if (times) {
        const f = (n: number): string => `${Math.round(n)}ms`;
        notice(ctx, `timing: start→command ${f(times.begin)}, lists ${f(times.loaded - times.begin)}, probe wait ${f(times.probed - times.loaded)}, judge ${f(times.judged - times.probed)}, render ${f(performance.now() - times.judged)}, total ${f(performance.now())}`);
      }
      // An address asked for by --vip that no Service carries is a failed check, not an empty one.
      const missing = [...(s.vips ?? [])].filter((ip) => !rows.some((r) => r.address === ip));
      if (missing.length > 0) code = EXIT_NOT_OK;
      if (first) for (const ip of missing) warn(ctx, `--vip ${ip}: no Service has this address (LoadBalancer ingress IP or ExternalIP)`);
      if (rows.length === 0 && first && s.vips === undefined) warn(ctx, "no announced addresses found (no Service has a LoadBalancer ingress IP or ExternalIP here)");
      if (s.watchMs === undefined || !signal || signal.aborted) return code;
      if (await pause(s.watchMs, signal)) return code;
    }
  } finally {
    source.close();
  }
}

/** Waits `ms`; true when the signal fired (stop watching). */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve(true)), { once: true });
  });
}

/** What changes between passes, without ages that tick every second. */
function stable(r: AddressStatus): unknown {
  return [r.address, r.services, r.pool, r.policies, r.lease?.holder, r.lease?.expired, r.holderMacs, r.probe?.answers.map((a) => a.mac), r.verdict];
}

/** enable-l2-announcements from cilium-config (if any) and --config; sets l2Disabled when off. */
function withAgentConfig(ctx: CliContext, overrides: ReadonlyMap<string, boolean>): (o: StatusObjects) => StatusObjects {
  const warned = new Set<string>();
  return (o) => {
    const c = resolveAgentConfig(o.agentConfig?.data, overrides, o.agentConfig?.origin);
    for (const w of c.warnings) if (!warned.has(w)) (warned.add(w), warn(ctx, w));
    const i = c.info.find((x) => x.key === "enable-l2-announcements");
    if (!i || i.value) return o;
    return { ...o, l2Disabled: i.source === "flag" ? "--config" : i.source === "cilium-config" ? `cilium-config from ${c.origin ?? "?"}` : "the agent's default, key absent from cilium-config" };
  };
}

async function openSource(ctx: CliContext, opts: Record<string, unknown>, s: Settings): Promise<{ load: Loader; close(): void }> {
  const agent = withAgentConfig(ctx, parseOverrides(opts["config"] as string[] | undefined));
  if (s.files.length > 0) {
    const [{ loadManifests, formatProblem }, { statusObjects }] = await Promise.all([import("../../../adapters/manifests/load.ts"), import("../../../adapters/l2status/inputs.ts")]);
    return {
      load: async () => {
        const set = await loadManifests(s.files, { cwd: ctx.cwd, stdin: ctx.stdin });
        if (set.problems.length > 0) throw new LbctlError(set.problems.map(formatProblem).join("; "));
        return agent(statusObjects(set.objects, s.namespace, ctx.now()));
      },
      close: () => {},
    };
  }
  const [{ connectKube }, { listFromCluster, statusObjects }] = await Promise.all([import("../../../adapters/kube/connect.ts"), import("../../../adapters/l2status/inputs.ts")]);
  const kube = connectKube(kubeFlags(opts, ctx.env));
  const namespace = opts["allNamespaces"] === true ? undefined : (s.namespace ?? kube.namespace);
  let warned = false;
  return {
    load: async (onServices) => {
      const objs = await listFromCluster(kube, { namespace, leaseNamespace: s.leaseNamespace, onWarning: (m) => warned || warn(ctx, m), onServices });
      warned = true;
      return agent(statusObjects(objs, undefined, ctx.now()));
    },
    close: () => kube.close(),
  };
}


/** --datapath: refine the verdicts with this node's L2 responder maps (read-only). */
async function withDatapath(ctx: CliContext, opts: Record<string, unknown>, rows: AddressStatus[]): Promise<AddressStatus[]> {
  const [{ readL2Datapath, thisNodeName }, { heartbeatAgeMs, heartbeatStale }, { applyL2Datapath }, { heartbeatLine }, { parseDuration }] = await Promise.all([
    import("../../../adapters/bpf/l2.ts"),
    import("../../../core/bpf/l2.ts"),
    import("../../../core/bpf/l2-verdict.ts"),
    import("../../views/bpf.ts"),
    import("../../flags.ts"),
  ]);
  const node = typeof opts["node"] === "string" && opts["node"] !== "" ? opts["node"] : thisNodeName();
  const leaseMs = parseDuration("--lease-duration", typeof opts["leaseDuration"] === "string" ? opts["leaseDuration"] : "15s");
  const dp = readL2Datapath(typeof opts["bpffs"] === "string" ? opts["bpffs"] : "/sys/fs/bpf", { env: ctx.env });
  const ageMs = heartbeatAgeMs(dp.readAtNs, dp.heartbeatNs);
  const present = dp.heartbeatNs !== undefined;
  const stale = heartbeatStale(ageMs, present, leaseMs);
  return applyL2Datapath(rows, { node, entries: new Set(dp.entries.map((e) => e.address)), agentStale: stale, heartbeatText: heartbeatLine({ ageMs, present, stale }) });
}
