// The allocator's in-memory state (spec §3.1): pools own ranges, ranges own an allocator whose
// owners are sharing groups (or the reservation marker), services hold groups.
import { formatIp, ipAdd, ipDiff, offsetDec, type Family, type Ip, type Offset } from "../ip.ts";
import { rangeContains, rangeSize } from "../range.ts";
import { RangeAllocator } from "./allocator.ts";
import type { ConditionValue } from "./conditions.ts";
import type { Block, PoolSpec } from "./pool.ts";
import { selectorMatches } from "./selector.ts";
import type { ServiceSpec } from "./service.ts";

/** A first/last address reserved by `allowFirstLastIPs: No`: an allocation with no owner. */
export interface Reserved {
  readonly reserved: true;
}
export const RESERVED: Reserved = { reserved: true };

/** The services sharing one address (a single service when not shared). */
export interface Group {
  ip: Ip;
  text: string;
  readonly range: RangeState;
  readonly key: string;
  readonly members: SvcState[];
}

export type Owner = Group | Reserved;

export function isGroup(o: Owner | undefined): o is Group {
  return o !== undefined && !("reserved" in o);
}

export interface PoolState {
  readonly spec: PoolSpec;
  readonly ranges: RangeState[];
  /** PoolConflict message while the pool is marked conflicting. */
  conflict: string | undefined;
}

export interface RangeState {
  readonly pool: PoolState;
  readonly block: Block;
  readonly family: Family;
  readonly alloc: RangeAllocator<Owner>;
}

export function rangeEnabled(r: RangeState): boolean {
  return !r.pool.spec.disabled && r.pool.conflict === undefined;
}

export function offsetOf(r: RangeState, ip: Ip): Offset {
  return ipDiff(r.block.range.from, ip);
}

export function rangeHas(r: RangeState, ip: Ip): boolean {
  return rangeContains(r.block.range, ip);
}

export interface SvcState {
  readonly spec: ServiceSpec;
  /** Why LB-IPAM leaves it alone; undefined when handled. */
  readonly ignored: string | undefined;
  /**
   * Ignored, yet carrying LB-IPAM's condition: responsibility ended (type changed away from
   * LoadBalancer, or a class LB-IPAM does not serve), so all ingress and the condition go (§2.1).
   */
  readonly release: boolean;
  readonly families: readonly Family[];
  readonly allocs: Group[];
  /** status.loadBalancer.ingress as it will be written. */
  ingress: unknown[];
  ingressChanged: boolean;
  /** Condition from the allocation pass, when one ran. */
  condition: ConditionValue | undefined;
}

/** Cheap enough (a few label lookups) that caching per service costs more than it saves. */
export function poolSelects(p: PoolState, s: SvcState): boolean {
  return selectorMatches(p.spec.selector, s.spec.labels);
}

export function newGroup(s: SvcState, range: RangeState, ip: Ip, text = formatIp(ip)): Group {
  return { ip, text, range, key: s.spec.sharingKey, members: [s] };
}

/** A generic allocation in `r` (the lowest address of its smallest free run, allocator.ts) as a new group. */
export function allocAnyGroup(s: SvcState, r: RangeState): Group {
  const g = newGroup(s, r, r.block.range.from, "");
  const off = r.alloc.allocAny(g)!;
  g.ip = ipAdd(r.block.range.from, off);
  g.text = formatIp(g.ip);
  return g;
}

/** Gives `ip` to `g` in every range of `containing`, taking over whatever held it there. */
export function claimIn(containing: readonly RangeState[], ip: Ip, g: Group): void {
  for (const r of containing) {
    const off = offsetOf(r, ip);
    if (r.alloc.has(off)) r.alloc.update(off, g);
    else r.alloc.alloc(off, g);
  }
}

/** Builds a pool's ranges in block order, with first/last reservations (spec §1.2). */
export function buildPool(spec: PoolSpec): PoolState {
  const pool: PoolState = { spec, ranges: [], conflict: undefined };
  for (const block of spec.blocks) {
    const size = rangeSize(block.range);
    const alloc = new RangeAllocator<Owner>(size);
    // Only CIDR blocks of at least 3 addresses reserve (/30, /126 or shorter).
    if (spec.reserveFirstLast && block.isCidr && size >= 3) {
      alloc.alloc(0, RESERVED);
      alloc.alloc(offsetDec(size), RESERVED);
    }
    pool.ranges.push({ pool, block, family: block.range.from.family, alloc });
  }
  return pool;
}
