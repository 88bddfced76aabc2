// Shared by the `pool` commands: option parsing (kept apart from planning, so a later --cluster
// source can feed the same `computePoolPlan`), loading -f inputs and reporting bad input.
import type { CliContext } from "../../context.ts";
import { UsageError } from "../../errors.ts";
import { kubeFlags } from "../../flags.ts";
import { notice, parseOutputFormat, type OutputFormat } from "../../output.ts";
import { failOnUnreadable, formatProblem, loadManifests, type ManifestObject } from "../../../adapters/manifests/load.ts";
import { computePoolPlan, formatPlanProblem, kubeTime, overlay, type PoolPlan } from "../../../core/ipam/plan.ts";
import type { LbIpamSettings } from "../../../core/ipam/index.ts";

export interface PoolOptions {
  readonly paths: string[];
  /** `--cluster`: read pools and Services from the cluster (read-only), -f files layered on top. */
  readonly cluster: boolean;
  /** Root flags (--kubeconfig, --context, --request-timeout) for the cluster connection. */
  readonly flags: Record<string, unknown>;
  readonly format: OutputFormat;
  readonly settings: LbIpamSettings;
}

function bool(flag: string, v: unknown): boolean {
  if (v === "true" || v === true) return true;
  if (v === "false") return false;
  throw new UsageError(`${flag}: expected true or false, got "${String(v)}"`);
}

/** Turns commander options into settings; throws UsageError (exit 2) naming flag and value. */
export function parsePoolOptions(opts: Record<string, unknown>, formats: readonly string[]): PoolOptions {
  const paths = Array.isArray(opts["filename"]) ? (opts["filename"] as string[]) : [];
  const cluster = opts["cluster"] === true;
  if (paths.length === 0 && !cluster) {
    throw new UsageError("-f/--filename or --cluster is required: files, directories or - for stdin with pools and Services");
  }
  const mode = String(opts["defaultLbServiceIpam"] ?? "lbipam");
  if (mode !== "lbipam" && mode !== "nodeipam" && mode !== "none") {
    throw new UsageError(`--default-lb-service-ipam: expected lbipam, nodeipam or none, got "${mode}"`);
  }
  const classes = String(opts["lbClasses"] ?? "");
  return {
    paths,
    cluster,
    flags: opts,
    format: parseOutputFormat(String(opts["output"] ?? "table"), formats),
    settings: {
      enableIPv4: bool("--ipv4", opts["ipv4"]),
      enableIPv6: bool("--ipv6", opts["ipv6"]),
      defaultLbServiceIpam: mode,
      lbClasses: classes.split(",").map((s) => s.trim()).filter((s) => s !== ""),
      ciliumRestartQuirks: opts["ciliumRestartQuirks"] === true,
    },
  };
}

export interface LoadedPlan {
  readonly plan: PoolPlan;
  /** Input errors (not warnings): unreadable paths, bad YAML/JSON, rejected objects. */
  readonly errors: number;
  /** Every problem as one line, for `pool check`. */
  readonly lines: string[];
}

export async function loadPlan(ctx: CliContext, o: PoolOptions): Promise<LoadedPlan> {
  const set = o.paths.length > 0 ? await loadManifests(o.paths, { cwd: ctx.cwd, stdin: ctx.stdin }) : { objects: [], problems: [] };
  failOnUnreadable(set);
  const objects = o.cluster ? overlay(await readCluster(ctx, o), set.objects) : set.objects;
  const lines: string[] = [];
  let errors = 0;
  for (const p of set.problems) {
    const line = formatProblem(p);
    notice(ctx, `error: ${line}`);
    lines.push(line);
    errors++;
  }
  const plan = computePoolPlan(objects, o.settings, kubeTime(ctx.now()));
  for (const p of plan.problems) {
    const line = formatPlanProblem(p);
    notice(ctx, `${p.severity}: ${line}`);
    lines.push(line);
    if (p.severity === "error") errors++;
  }
  return { plan, errors, lines };
}

async function readCluster(ctx: CliContext, o: PoolOptions): Promise<ManifestObject[]> {
  const { connectKube } = await import("../../../adapters/kube/connect.ts");
  const { loadClusterObjects } = await import("../../../adapters/kube/cluster-objects.ts");
  const kube = connectKube(kubeFlags(o.flags, ctx.env));
  try {
    return await loadClusterObjects(kube, { pools: true, services: true, onWarning: (m) => notice(ctx, `warning: ${m}`) });
  } finally {
    kube.close();
  }
}
