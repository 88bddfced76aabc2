// `lbctl pool check`: for GitOps pipelines. One line per problem and exit 1 when a pool conflicts
// or is invalid, or a handled Service would stay pending; exit 0 otherwise.
import type { CliContext } from "../../context.ts";
import { render, writeLine } from "../../output.ts";
import { checkView, OK_LINE } from "../../views/pool.ts";
import type { PoolPlan } from "../../../core/ipam/plan.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";
import { loadBalancerRows, poolRows } from "../../../core/ipam/report.ts";

/** Problems found by planning (input problems are passed in, already printed on stderr). */
export function checkProblems(plan: PoolPlan): string[] {
  const out: string[] = [];
  // A gate must not pass on nothing: a failed `kustomize build | lbctl pool check -f -` gives
  // empty input (kubectl says "no objects passed to apply").
  if (plan.items.length === 0) out.push("no objects passed: the input holds no CiliumLoadBalancerIPPool or Service");
  for (const p of poolRows(plan)) {
    if (!p.valid) out.push(`pool ${p.name}: invalid (see the errors above); it allocates nothing`);
    else if (p.conflict !== undefined) out.push(`pool ${p.name}: conflicting: ${p.conflict}`);
  }
  const rows = loadBalancerRows(plan);
  if (!plan.result.active && rows.length > 0) out.push(`no valid CiliumLoadBalancerIPPool: ${rows.length} LoadBalancer Service(s) would stay <pending>`);
  for (const r of rows) {
    if (r.status === "pending") out.push(`service ${r.namespace}/${r.name}: pending: ${r.reason}: ${r.message}`);
  }
  return out;
}

export async function poolCheck(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const o = parsePoolOptions(opts, ["table", "json", "yaml"]);
  const { plan, lines } = await loadPlan(ctx, o);
  const problems = checkProblems(plan);
  if (o.format === "table") {
    // Input problems are already on stderr; stdout gets the planning problems, one per line.
    for (const line of problems) writeLine(ctx, line);
    if (problems.length === 0 && lines.length === 0) writeLine(ctx, OK_LINE);
  } else await render(ctx, checkView(problems, lines), o.format);
  return problems.length > 0 || lines.length > 0 ? 1 : 0;
}
