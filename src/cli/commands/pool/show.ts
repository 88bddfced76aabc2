// `lbctl pool show NAME`: one pool in detail — blocks and their usage, which Service holds which
// IP, the free runs, and conflict details.
import type { CliContext } from "../../context.ts";
import { LbctlError } from "../../errors.ts";
import { render, type View } from "../../output.ts";
import type { PoolPlan } from "../../../core/ipam/plan.ts";
import { formatIp, ipAdd, offsetToBigInt, type Offset } from "../../../core/ip.ts";
import { rangeSize } from "../../../core/range.ts";
import { isGroup, poolCounts, serviceKey, type PoolState } from "../../../core/ipam/index.ts";
import { runLength } from "../../../core/ipam/allocator.ts";
import { loadPlan, parsePoolOptions } from "./load.ts";

const MAX_LISTED = 1000;

export interface PoolDetail {
  name: string;
  disabled: boolean;
  conflicting: boolean;
  conflict: string | undefined;
  selector: string;
  total: string;
  used: string;
  available: string;
  blocks: { block: string; from: string; to: string; total: string; used: string; available: string; freeRuns: number }[];
  allocations: { ip: string; block: number; holders: string[] }[];
  freeRuns: { block: number; from: string; to: string; size: string }[];
  truncated: boolean;
}

function selectorText(p: PoolState): string {
  const sel = p.spec.selector;
  if (!sel || (sel.matchLabels.size === 0 && sel.expressions.length === 0)) return "<all services>";
  const parts = [...sel.matchLabels].map(([k, v]) => `${k}=${v}`);
  for (const e of sel.expressions) parts.push(e.values.size > 0 ? `${e.key} ${e.operator} (${[...e.values].join(",")})` : `${e.key} ${e.operator}`);
  return parts.join(", ");
}

const cmpOff = (a: Offset, b: Offset): number => (a < b ? -1 : a > b ? 1 : 0);

export function poolDetail(p: PoolState): PoolDetail {
  const c = poolCounts(p);
  const d: PoolDetail = {
    name: p.spec.name, disabled: p.spec.disabled, conflicting: p.conflict !== undefined, conflict: p.conflict, selector: selectorText(p),
    total: String(c.total), used: String(c.used), available: String(c.available), blocks: [], allocations: [], freeRuns: [], truncated: false,
  };
  p.ranges.forEach((r, i) => {
    const from = r.block.range.from;
    d.blocks.push({
      block: r.block.isCidr ? "cidr" : "start-stop", from: formatIp(from), to: formatIp(r.block.range.to),
      total: String(offsetToBigInt(rangeSize(r.block.range))), used: String(r.alloc.used), available: String(r.alloc.available()),
      freeRuns: r.alloc.freeRunCount,
    });
    const entries = [...r.alloc.entries()].sort((a, b) => cmpOff(a[0], b[0]));
    for (const [off, owner] of entries) {
      if (d.allocations.length >= MAX_LISTED) { d.truncated = true; break; }
      const holders = isGroup(owner) ? owner.members.map((m) => serviceKey(m.spec)) : ["<reserved first/last address>"];
      d.allocations.push({ ip: formatIp(ipAdd(from, off)), block: i, holders });
    }
    for (const [start, end] of r.alloc.freeRuns()) {
      if (d.freeRuns.length >= MAX_LISTED) { d.truncated = true; break; }
      d.freeRuns.push({ block: i, from: formatIp(ipAdd(from, start)), to: formatIp(ipAdd(from, end)), size: String(runLength(start, end)) });
    }
  });
  return d;
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

export async function poolShow(ctx: CliContext, name: string, opts: Record<string, unknown>): Promise<number> {
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
