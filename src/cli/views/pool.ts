// The View builders of the `pool` commands: table/wide/data renderings of what core/ipam/report.ts
// derives from a plan. Commands load a plan and pick one of these; output.ts draws it.
import type { Paint, View } from "../output.ts";
import { isPoolObject } from "../../core/ipam/index.ts";
import { planList, type PoolPlan } from "../../core/ipam/plan.ts";
import { loadBalancerRows, MAX_LISTED, poolRows, summaryLine, type PoolDetail, type SvcRow } from "../../core/ipam/report.ts";

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

/** Aligns rows into columns separated by three spaces (the table style of output.ts). */
function align(rows: string[][], indent = "  "): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("   ").trimEnd());
}

export function showView(d: PoolDetail): View {
  const footer = [
    "",
    "Blocks:",
    ...align([["#", "KIND", "FROM", "TO", "TOTAL", "USED", "AVAILABLE", "FREE-RUNS"], ...d.blocks.map((b, i) => [String(i), b.block, b.from, b.to, b.total, b.used, b.available, String(b.freeRuns)])]),
    "Allocations:",
    ...(d.allocations.length === 0 ? ["  <none>"] : align([["IP", "BLOCK", "HELD-BY"], ...d.allocations.map((a) => [a.ip, String(a.block), a.holders.join(",")])])),
    "Free runs:",
    ...(d.freeRuns.length === 0 ? ["  <none>"] : align([["BLOCK", "FROM", "TO", "SIZE"], ...d.freeRuns.map((f) => [String(f.block), f.from, f.to, f.size])])),
    ...(d.truncated ? [`(lists cut at ${MAX_LISTED} entries; use -o json for the same cut in machine form)`] : []),
  ];
  return {
    table: (paint) => ({
      headers: ["Name:", d.name],
      rows: [
        ["Disabled:", String(d.disabled)],
        ["Conflicting:", d.conflict === undefined ? "False" : paint.bad("True") + ` (${d.conflict})`],
        ["Selector:", d.selector],
        ["IPs:", `${d.total} total, ${d.used} used, ${d.available} available`],
      ],
      footer,
    }),
    data: () => d,
  };
}

export const OK_LINE = "ok: no conflicts, no invalid pools, no pending Services";

export function checkView(problems: string[], inputProblems: string[]): View {
  const all = [...inputProblems, ...problems];
  return {
    table: () => ({ headers: [], rows: [], footer: all.length === 0 ? [OK_LINE] : all }),
    data: () => ({ ok: all.length === 0, problems: all }),
  };
}
