// `lbctl pool show NAME`: one pool in detail — blocks and their usage, which Service holds which
// IP, the free runs, and conflict details.
import type { CliContext } from "../../context.ts";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { LbctlError, UsageError } from "../../errors.ts";
import { render } from "../../output.ts";
import { showView } from "../../views/pool.ts";
import type { PoolPlan } from "../../../core/ipam/plan.ts";
import { poolDetail } from "../../../core/ipam/report.ts";
import type { PoolState } from "../../../core/ipam/index.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";

export async function poolShow(ctx: CliContext, nameArg: string | undefined, opts: Record<string, unknown>): Promise<number> {
  const name = nameArg ?? nameFromFiles(ctx, opts);
  const o = parsePoolOptions(opts, ["table", "json", "yaml"]);
  const { plan, errors } = await loadPlan(ctx, o);
  const pool = findPool(plan, name);
  await render(ctx, showView(poolDetail(pool)), o.format);
  return errors > 0 ? 1 : 0;
}

function findPool(plan: PoolPlan, name: string): PoolState {
  const p = plan.result.pools.find((x) => x.spec.name === name);
  if (p) return p;
  if (plan.invalidPools.some((x) => x.name === name)) throw new LbctlError(`pool ${name} is invalid and was rejected (see the errors above)`);
  throw new LbctlError(`no CiliumLoadBalancerIPPool named "${name}" in the input`);
}

/**
 * `pool show -f pools/ NAME` (kubectl's order): the variadic -f took NAME. When its last value is
 * no path that exists, it is the name.
 */
function nameFromFiles(ctx: CliContext, opts: Record<string, unknown>): string {
  const files = opts["filename"] as string[] | undefined;
  const last = files?.[files.length - 1];
  if (files && files.length >= 2 && last !== undefined && last !== "-" && last !== "" && !existsSync(resolve(ctx.cwd, last))) {
    files.pop();
    return last;
  }
  throw new UsageError("missing required argument 'name'");
}
