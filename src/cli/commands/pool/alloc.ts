// `lbctl pool alloc`: the IP every LoadBalancer Service would get; -o json|yaml is the v1 List of
// every input pool and Service with status as LB-IPAM writes it (valid input again: a fixed point).
import type { CliContext } from "../../context.ts";
import { render, writeData } from "../../output.ts";
import { allocView } from "../../views/pool.ts";
import { planList } from "../../../core/ipam/plan.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";

export async function poolAlloc(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const o = parsePoolOptions(opts, ["table", "wide", "json", "yaml"]);
  const { plan, errors } = await loadPlan(ctx, o);
  if (o.format === "json" || o.format === "yaml") await writeData(ctx, planList(plan), o.format);
  else await render(ctx, allocView(plan), o.format);
  return errors > 0 ? 1 : 0;
}
