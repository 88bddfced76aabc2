// `lbctl pool alloc`: the IP every LoadBalancer Service would get; -o json|yaml is the v1 List of
// every input pool and Service with status as LB-IPAM writes it (valid input again: a fixed point).
import type { CliContext } from "../../context.ts";
import { render, writeJsonList, type Paint, type View } from "../../output.ts";
import { planList, type PoolPlan } from "../../../core/ipam/plan.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";
import { loadBalancerRows, summaryLine, type SvcRow } from "../../../core/ipam/report.ts";

const HEADERS = ["NAMESPACE", "NAME", "POOL", "EXTERNAL-IP", "STATUS", "REASON"];

function cells(r: SvcRow, paint: Paint): string[] {
  const status = r.status === "assigned" ? paint.ok(r.status) : r.status === "pending" ? paint.bad(r.status) : paint.dim(r.status);
  return [r.namespace, r.name, r.pools.join(",") || "<none>", r.ips.join(",") || "<pending>", status, r.reason];
}

export function allocView(plan: PoolPlan): View {
  // Rows are built only for table output: -o json|yaml of 100k Services should not pay for them.
  let cached: SvcRow[] | undefined;
  const lazyRows = (): SvcRow[] => (cached ??= loadBalancerRows(plan));
  const footer = (): string[] => [summaryLine(plan, lazyRows())];
  return {
    table: (paint) => ({ headers: HEADERS, rows: lazyRows().map((r) => cells(r, paint)), footer: footer() }),
    wide: (paint) => {
      const rows = lazyRows();
      return {
      headers: [...HEADERS, "SHARING-KEY", "REQUESTED-IPS", "FAMILIES", "MESSAGE"],
      rows: rows.map((r) => [
        ...cells(r, paint),
        r.sharingKey || "<none>",
        r.requested.join(",") || "<none>",
        r.families.join(",") || "<none>",
        r.message,
      ]),
      footer: footer(),
      };
    },
    data: () => planList(plan),
  };
}

export async function poolAlloc(ctx: CliContext, opts: Record<string, unknown>): Promise<number> {
  const o = parsePoolOptions(opts, ["table", "wide", "json", "yaml"]);
  const { plan, errors } = await loadPlan(ctx, o);
  if (o.format === "json") writeJsonList(ctx, planList(plan) as { items: unknown[] });
  else await render(ctx, allocView(plan), o.format);
  return errors > 0 ? 1 : 0;
}
