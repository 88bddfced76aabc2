// Shared by the `pool` commands: option parsing (kept apart from planning, so a later --cluster
// source can feed the same `computePoolPlan`), loading -f inputs and reporting bad input.
import type { CliContext } from "../context.ts";
import { UsageError } from "../errors.ts";
import { notice, parseOutputFormat, type OutputFormat } from "../output.ts";
import { formatProblem, loadManifests } from "../../adapters/manifests.ts";
import { computePoolPlan, formatPlanProblem, type PoolPlan } from "../../adapters/pool-plan.ts";
import type { LbIpamSettings } from "../../core/ipam/index.ts";

export interface PoolOptions {
  readonly paths: string[];
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
  if (paths.length === 0) throw new UsageError("-f/--filename is required: files, directories or - for stdin with pools and Services");
  const mode = String(opts["defaultLbServiceIpam"] ?? "lbipam");
  if (mode !== "lbipam" && mode !== "nodeipam" && mode !== "none") {
    throw new UsageError(`--default-lb-service-ipam: expected lbipam, nodeipam or none, got "${mode}"`);
  }
  const classes = String(opts["lbClasses"] ?? "");
  return {
    paths,
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

/** RFC 3339 seconds, as Kubernetes writes lastTransitionTime. */
export function kubeTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export async function loadPlan(ctx: CliContext, o: PoolOptions): Promise<LoadedPlan> {
  const set = await loadManifests(o.paths, { cwd: ctx.cwd, stdin: ctx.stdin });
  const lines: string[] = [];
  let errors = 0;
  for (const p of set.problems) {
    const line = formatProblem(p);
    notice(ctx, `error: ${line}`);
    lines.push(line);
    errors++;
  }
  const plan = computePoolPlan(set.objects, o.settings, kubeTime(ctx.now()));
  for (const p of plan.problems) {
    const line = formatPlanProblem(p);
    notice(ctx, `${p.severity}: ${line}`);
    lines.push(line);
    if (p.severity === "error") errors++;
  }
  return { plan, errors, lines };
}
