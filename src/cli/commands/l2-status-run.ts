// `lbctl l2 status`: load objects (cluster or -f) → optional probe → verdicts → render. With
// --watch the same pass repeats every interval and prints only when the picture changed.
import type { CliContext } from "../context.ts";
import { LbctlError, UsageError } from "../errors.ts";
import { parseOutputFormat, render, warn, writeLine, type OutputFormat } from "../output.ts";
import { FlagError, parseDuration } from "../../core/announce/options.ts";
import { parseVips } from "../../core/announce/vips.ts";
import type { AddressStatus } from "../../core/l2status/model.ts";

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
  const str = (k: string): string | undefined => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  if (opts["namespace"] !== undefined && opts["allNamespaces"] === true) throw new UsageError("-n/--namespace and -A/--all-namespaces cannot be used together");
  let vips: Set<string> | undefined;
  const vipArgs = (opts["vip"] as string[] | undefined) ?? [];
  if (vipArgs.length > 0) {
    const { vips: list, errors } = parseVips(vipArgs.map((text) => ({ name: "--vip", text })));
    if (errors.length > 0) throw new UsageError(errors.join("; "));
    vips = new Set(list);
  }
  try {
    const rate = Number(str("probeRate") ?? "5000");
    if (!Number.isInteger(rate) || rate < 1 || rate > 100_000) throw new FlagError(`--probe-rate: "${str("probeRate")}" must be an integer from 1 to 100000`);
    const timeoutMs = parseDuration("--probe-timeout", str("probeTimeout") ?? "1s");
    if (timeoutMs < 10 || timeoutMs > 60_000) throw new FlagError(`--probe-timeout: "${str("probeTimeout")}" must be between 10ms and 60s`);
    const watchMs = opts["watch"] === true ? parseDuration("--watch-interval", str("watchInterval") ?? "2s") : undefined;
    if (watchMs !== undefined && watchMs < 100) throw new FlagError(`--watch-interval: "${str("watchInterval")}" must be at least 100ms`);
    if (opts["probe"] !== true && str("interface") !== undefined) throw new FlagError("-i/--interface is only used with --probe");
    return {
      format: parseOutputFormat(str("output") ?? "table"),
      namespace: opts["allNamespaces"] === true ? undefined : str("namespace"),
      files: (opts["filename"] as string[] | undefined) ?? [],
      leaseNamespace: str("leaseNamespace") ?? "kube-system",
      vips,
      probe: opts["probe"] === true ? { interface: str("interface"), timeoutMs, ratePerSecond: rate } : undefined,
      watchMs,
    };
  } catch (err) {
    if (err instanceof FlagError) throw new UsageError(err.message);
    throw err;
  }
}

export async function runL2Status(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const s = settingsFrom(opts);
  const { evaluateOnce } = await import("../../adapters/l2status/evaluate.ts");
  const { statusView } = await import("../../core/l2status/view.ts");
  const { summarize } = await import("../../core/l2status/gather.ts");
  const source = await openSource(ctx, opts, s);
  try {
    let last = "";
    let code = 0;
    const signal = s.watchMs === undefined ? undefined : ctx.trapSignals();
    for (let first = true; ; first = false) {
      const rows = await evaluateOnce(ctx, s, source.load);
      const summary = summarize(rows, s.probe !== undefined);
      code = summary.notOk > 0 ? EXIT_NOT_OK : 0;
      const fingerprint = JSON.stringify(rows.map(stable));
      if (first || fingerprint !== last) {
        if (!first) writeLine(ctx, s.format === "table" || s.format === "wide" ? "" : s.format === "yaml" ? "---" : "");
        await render(ctx, statusView(rows, summary), s.format);
        last = fingerprint;
      }
      if (rows.length === 0 && first) warn(ctx, "no announced addresses found (no Service has a LoadBalancer ingress IP or ExternalIP here)");
      if (s.watchMs === undefined || !signal || signal.aborted) return code;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, s.watchMs);
        signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
      });
      if (signal.aborted) return code;
    }
  } finally {
    source.close();
  }
}

/** What changes between passes, without ages that tick every second. */
function stable(r: AddressStatus): unknown {
  return [r.address, r.services, r.pool, r.policies, r.lease?.holder, r.lease?.expired, r.holderMacs, r.probe?.answers.map((a) => a.mac), r.verdict];
}

async function openSource(ctx: CliContext, opts: Record<string, unknown>, s: Settings): Promise<{ load: Loader; close(): void }> {
  const { statusObjects } = await import("../../adapters/l2status/inputs.ts");
  if (s.files.length > 0) {
    const { loadManifests, formatProblem } = await import("../../adapters/manifests.ts");
    return {
      load: async () => {
        const set = await loadManifests(s.files, { cwd: ctx.cwd, stdin: ctx.stdin });
        if (set.problems.length > 0) throw new LbctlError(set.problems.map(formatProblem).join("; "));
        return statusObjects(set.objects, s.namespace, ctx.now());
      },
      close: () => {},
    };
  }
  const { connectFromFlags } = await import("../../adapters/kube/connect.ts");
  const { listFromCluster } = await import("../../adapters/l2status/inputs.ts");
  const kube = connectFromFlags(opts, ctx.env);
  const namespace = opts["allNamespaces"] === true ? undefined : (s.namespace ?? kube.namespace);
  let warned = false;
  return {
    load: async () => {
      const objs = await listFromCluster(kube, { namespace, leaseNamespace: s.leaseNamespace, onWarning: (m) => warned || warn(ctx, m) });
      warned = true;
      return statusObjects(objs, undefined, ctx.now());
    },
    close: () => kube.close(),
  };
}

export type Loader = () => Promise<import("../../adapters/l2status/inputs.ts").StatusObjects>;
