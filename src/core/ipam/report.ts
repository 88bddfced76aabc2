// Per-Service and per-pool facts the `pool` views print, derived from a plan.
import { effectiveCondition, isGroup, poolCounts, serviceKey, type PoolState, type SvcState } from "./index.ts";
import { formatIp, ipAdd, offsetToBigInt, type Offset } from "../ip.ts";
import { rangeSize } from "../range.ts";
import { runLength } from "./allocator.ts";
import type { PoolPlan } from "./plan.ts";

export type SvcStatus = "assigned" | "pending" | "ignored";

export interface SvcRow {
  readonly namespace: string;
  readonly name: string;
  readonly pools: string[];
  readonly ips: string[];
  readonly status: SvcStatus;
  readonly reason: string;
  readonly message: string;
  readonly sharingKey: string;
  readonly requested: string[];
  readonly families: string[];
}

function ingressIps(ingress: unknown): string[] {
  if (!Array.isArray(ingress)) return [];
  return ingress.flatMap((e: unknown) => (e && typeof e === "object" && typeof (e as Record<string, unknown>)["ip"] === "string" ? [(e as Record<string, string>)["ip"]!] : []));
}

export function serviceRow(plan: PoolPlan, s: SvcState): SvcRow {
  const base = {
    namespace: s.spec.namespace,
    name: s.spec.name,
    sharingKey: s.spec.sharingKey,
    requested: s.spec.requested.map(formatIp),
    families: s.spec.requested.length > 0 ? [] : s.families.map((f) => `IPv${f}`),
  };
  if (s.ignored !== undefined) {
    return { ...base, pools: [], ips: ingressIps(s.ingress), status: "ignored", reason: s.ignored, message: "" };
  }
  const obj = plan.serviceObjects.get(s);
  const cond = obj ? effectiveCondition(obj, s) : s.condition;
  const satisfied = s.condition === undefined || s.condition.status === "True";
  const pools = [...new Set(s.allocs.map((g) => g.range.pool.spec.name))];
  const reason = s.condition ? s.condition.reason : satisfied ? "kept" : (cond?.reason ?? "");
  return {
    ...base,
    pools,
    ips: ingressIps(s.ingress),
    status: satisfied ? "assigned" : "pending",
    reason: s.allocs.length === 0 && satisfied ? "no IP family requested" : reason,
    message: s.condition?.message ?? "",
  };
}

/** LoadBalancer Services only: the ones LB-IPAM could have handled. */
export function loadBalancerRows(plan: PoolPlan): SvcRow[] {
  return plan.result.services.filter((s) => s.spec.type === "LoadBalancer").map((s) => serviceRow(plan, s));
}

export interface PoolRow {
  readonly name: string;
  readonly valid: boolean;
  readonly disabled: boolean;
  readonly conflicting: boolean;
  readonly conflict: string | undefined;
  readonly total: bigint;
  readonly used: bigint;
  readonly available: bigint;
}

export function poolRows(plan: PoolPlan): PoolRow[] {
  const order = new Map(plan.items.map((o, i) => [o, i]));
  const rows: { order: number; row: PoolRow }[] = plan.result.pools.map((p: PoolState) => {
    const c = poolCounts(p);
    const obj = plan.poolObjects.get(p);
    return {
      order: (obj && order.get(obj)) ?? p.spec.order,
      row: { name: p.spec.name, valid: true, disabled: p.spec.disabled, conflicting: p.conflict !== undefined, conflict: p.conflict, ...c },
    };
  });
  for (const bad of plan.invalidPools) {
    const spec = bad.obj["spec"];
    const disabled = !!spec && typeof spec === "object" && (spec as Record<string, unknown>)["disabled"] === true;
    rows.push({
      order: order.get(bad.obj) ?? Number.MAX_SAFE_INTEGER,
      row: { name: bad.name, valid: false, disabled, conflicting: false, conflict: undefined, total: 0n, used: 0n, available: 0n },
    });
  }
  return rows.sort((a, b) => a.order - b.order).map((r) => r.row);
}

export function summaryLine(plan: PoolPlan, rows: SvcRow[]): string {
  const pools = poolRows(plan);
  const valid = pools.filter((p) => p.valid);
  const count = (st: SvcStatus): number => rows.filter((r) => r.status === st).length;
  const sum = (f: (p: PoolRow) => bigint): bigint => valid.reduce((a, p) => a + f(p), 0n);
  return (
    `pools: ${valid.length} valid (${valid.filter((p) => p.conflicting).length} conflicting, ${valid.filter((p) => p.disabled).length} disabled), ` +
    `${pools.length - valid.length} invalid; IPs: ${sum((p) => p.total)} total, ${sum((p) => p.used)} used, ${sum((p) => p.available)} available; ` +
    `services: ${count("assigned")} assigned, ${count("pending")} pending, ${count("ignored")} ignored`
  );
}

/** `pool show` lists at most this many allocations and free runs. */
export const MAX_LISTED = 1000;

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
