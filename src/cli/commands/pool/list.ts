// `lbctl pool list`: like `kubectl get lbippool`, with counts after allocation.
import type { CliContext } from "../../context.ts";
import { render, type View } from "../../output.ts";
import type { PoolPlan } from "../../../core/ipam/plan.ts";
import { isPoolObject } from "../../../core/ipam/index.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";
import { poolRows } from "../../../core/ipam/report.ts";

export function listView(plan: PoolPlan): View {
  const rows = poolRows(plan);
  return {
    table: (paint) => ({
      headers: ["NAME", "DISABLED", "CONFLICTING", "IPS AVAILABLE", "IPS USED", "IPS TOTAL"],
      rows: rows.map((r) =>
        r.valid
          ? [r.name, String(r.disabled), r.conflicting ? paint.bad("True") : "False", String(r.available), String(r.used), String(r.total)]
          : [r.name, String(r.disabled), paint.bad("<invalid>"), "-", "-", "-"],
      ),
    }),
    data: () => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items: plan.items.filter(isPoolObject) }),
  };
}

export async function poolList(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const o = parsePoolOptions(opts, ["table", "wide", "json", "yaml"]);
  const { plan, errors } = await loadPlan(ctx, o);
  await render(ctx, listView(plan), o.format);
  return errors > 0 ? 1 : 0;
}
