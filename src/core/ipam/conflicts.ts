// Conflicts between pools (spec §3.6): any overlap of ranges, across pools or inside one pool,
// marks a pool conflicting, and a conflicting pool allocates nothing new.
//
// Which pools get marked, and with which message, is Cilium's order-dependent O(R²) scan (see
// `settleConflictsReference` in test/helpers/lbipam-reference.ts, the straightforward form kept
// to test this one against): for each unmarked pool in order, an internal overlap marks it;
// otherwise the first unmarked pool in order that overlaps it is found and the loser of the pair
// is marked. This file computes the same answer in O(R log R) when few ranges overlap (100k
// pools, or one pool of 100k blocks: issue 15, D08 and D11), and with a log factor per step of
// the scan when many do:
//   - one sweep over all blocks sorted by address flags the blocks that overlap any other block;
//     a pool without a flagged block can neither be marked nor mark anything;
//   - "the first unmarked pool in order that overlaps p" is a leftmost search in a segment tree
//     over the pools in order, each node holding the union of its pools' flagged blocks and the
//     number of its unmarked pools.
import { compareIp } from "../ip.ts";
import { formatRange, rangesOverlap, type IpRange } from "../range.ts";
import type { PoolSpec } from "./pool.ts";
import { RangeIndex } from "./range-index.ts";

export function conflictMessage(own: string, other: string, otherPool: string): string {
  return `Pool conflicts since range '${own}' overlaps range '${other}' from IP Pool '${otherPool}'`;
}

/** Which pool loses: later creationTimestamp; on a tie, the later one in input order (§3.2). */
export function conflictLoser(p: PoolSpec, q: PoolSpec): PoolSpec {
  if (p.created !== q.created) return p.created > q.created ? p : q;
  return p.order > q.order ? p : q;
}

const byFrom = (a: IpRange, b: IpRange): number => compareIp(a.from, b.from);

/** Sorted, disjoint, overlapping ones merged: a set of addresses to test intervals against. */
function union(ranges: IpRange[]): IpRange[] {
  const sorted = [...ranges].sort(byFrom);
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && compareIp(r.from, last.to) <= 0) {
      if (compareIp(r.to, last.to) > 0) out[out.length - 1] = { from: last.from, to: r.to };
    } else out.push(r);
  }
  return out;
}

function mergeUnions(a: IpRange[], b: IpRange[]): IpRange[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return union([...a, ...b]);
}

/** Whether `r` shares an address with the union `u`. */
function meetsUnion(u: readonly IpRange[], r: IpRange): boolean {
  let lo = 0;
  let hi = u.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareIp(u[mid]!.from, r.to) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && compareIp(u[lo - 1]!.to, r.from) >= 0;
}

/** Per pool: the indices (ascending) of its blocks that overlap some other block, of any pool. */
function flagOverlapping(pools: readonly PoolSpec[]): number[][] {
  const all: { p: number; b: number; r: IpRange }[] = [];
  pools.forEach((p, pi) => p.blocks.forEach((blk, bi) => all.push({ p: pi, b: bi, r: blk.range })));
  all.sort((x, y) => byFrom(x.r, y.r));
  const hot: number[][] = pools.map(() => []);
  let reach: IpRange["to"] | undefined; // the largest `to` before position k
  all.forEach((x, k) => {
    const next = all[k + 1];
    const before = reach !== undefined && compareIp(reach, x.r.from) >= 0;
    const after = next !== undefined && compareIp(next.r.from, x.r.to) <= 0;
    if (before || after) hot[x.p]!.push(x.b);
    if (reach === undefined || compareIp(x.r.to, reach) > 0) reach = x.r.to;
  });
  for (const h of hot) h.sort((a, b) => a - b);
  return hot;
}

/** Cilium's first overlapping pair (i < j) inside one pool, among its flagged blocks. */
function internalOverlap(p: PoolSpec, hot: readonly number[]): [number, number] | undefined {
  // The lowest block overlapping another block of the pool is the pair's first index; every
  // block overlapping it has a higher index, and the lowest of those is the second.
  const sorted = [...hot].sort((a, b) => byFrom(p.blocks[a]!.range, p.blocks[b]!.range));
  let first: number | undefined;
  let reach: IpRange["to"] | undefined;
  sorted.forEach((b, k) => {
    const r = p.blocks[b]!.range;
    const next = sorted[k + 1];
    const hit = (reach !== undefined && compareIp(reach, r.from) >= 0) || (next !== undefined && compareIp(p.blocks[next]!.range.from, r.to) <= 0);
    if (hit && (first === undefined || b < first)) first = b;
    if (reach === undefined || compareIp(r.to, reach) > 0) reach = r.to;
  });
  if (first === undefined) return undefined;
  const r = p.blocks[first]!.range;
  const second = hot.find((b) => b !== first && rangesOverlap(r, p.blocks[b]!.range))!;
  return [first, second];
}

/**
 * Settles conflicts for pools given in processing order. Returns the PoolConflict message of
 * every marked pool, keyed by pool name (as Cilium: a name marks every pool of that name).
 */
export function settleConflicts(pools: readonly PoolSpec[]): Map<string, string> {
  const marked = new Map<string, string>();
  const hot = flagOverlapping(pools);
  // Only pools with a flagged block take part; their order is kept.
  const inv = pools.map((_, i) => i).filter((i) => hot[i]!.length > 0);
  if (inv.length > 0) {
    const tree = new PoolTree(pools, hot, inv);
    const blockIndex = new Map<number, RangeIndex>();
    const blocksOf = (qi: number): RangeIndex => {
      let ix = blockIndex.get(qi);
      if (!ix) blockIndex.set(qi, (ix = new RangeIndex(hot[qi]!.map((b) => pools[qi]!.blocks[b]!.range))));
      return ix;
    };
    const mark = (name: string, message: string): void => {
      marked.set(name, message);
      tree.deactivate(name);
    };
    inv.forEach((pi, leaf) => {
      const p = pools[pi]!;
      if (marked.has(p.name)) return;
      const inner = internalOverlap(p, hot[pi]!);
      if (inner) {
        const [i, j] = inner;
        mark(p.name, conflictMessage(formatRange(p.blocks[i]!.range), formatRange(p.blocks[j]!.range), p.name));
        return;
      }
      const qLeaf = tree.firstOverlapping(leaf);
      if (qLeaf === undefined) return;
      const qi = inv[qLeaf]!;
      const q = pools[qi]!;
      // Cilium's first overlapping pair: p's lowest block meeting q, then q's lowest block meeting it.
      const i = hot[pi]!.find((b) => meetsUnion(tree.leafUnion(qLeaf), p.blocks[b]!.range))!;
      const pr = p.blocks[i]!.range;
      const j = hot[qi]![blocksOf(qi).overlapping(pr.from, pr.to)[0]!]!;
      const l = conflictLoser(p, q);
      const w = l === p ? q : p;
      const [lb, wb] = l === p ? [i, j] : [j, i];
      mark(l.name, conflictMessage(formatRange(l.blocks[lb]!.range), formatRange(w.blocks[wb]!.range), w.name));
    });
  }
  // Cilium then unmarks pools that overlap nothing any more (it runs this incrementally); the
  // first pool of each marked name is asked, as the scan form does. In one batch a marked pool
  // always overlaps something, so this keeps every mark; it stays for exactness.
  const firstOfName = new Map<string, number>();
  pools.forEach((p, i) => firstOfName.has(p.name) || firstOfName.set(p.name, i));
  for (const name of [...marked.keys()]) if (hot[firstOfName.get(name)!]!.length === 0) marked.delete(name);
  return marked;
}

/** Segment tree over the taking-part pools in processing order (see the file comment). */
class PoolTree {
  private readonly size: number;
  private readonly unions: IpRange[][];
  private readonly active: number[];
  private readonly leavesByName = new Map<string, number[]>();
  private readonly blocks: readonly IpRange[][];

  constructor(pools: readonly PoolSpec[], hot: readonly number[][], inv: readonly number[]) {
    let size = 1;
    while (size < inv.length) size *= 2;
    this.size = size;
    this.unions = Array.from({ length: 2 * size }, () => []);
    this.active = new Array<number>(2 * size).fill(0);
    this.blocks = inv.map((pi) => hot[pi]!.map((b) => pools[pi]!.blocks[b]!.range));
    inv.forEach((pi, k) => {
      this.unions[size + k] = union(this.blocks[k]!);
      this.active[size + k] = 1;
      const name = pools[pi]!.name;
      const list = this.leavesByName.get(name);
      if (list) list.push(k);
      else this.leavesByName.set(name, [k]);
    });
    for (let n = size - 1; n >= 1; n--) {
      this.unions[n] = mergeUnions(this.unions[2 * n]!, this.unions[2 * n + 1]!);
      this.active[n] = this.active[2 * n]! + this.active[2 * n + 1]!;
    }
  }

  leafUnion(leaf: number): IpRange[] {
    return this.unions[this.size + leaf]!;
  }

  /** A marked name's pools stop counting as candidates. */
  deactivate(name: string): void {
    for (const k of this.leavesByName.get(name) ?? []) {
      let n = this.size + k;
      if (this.active[n] === 0) continue;
      for (; n >= 1; n >>= 1) this.active[n]!--;
    }
  }

  /** The first unmarked pool in order, other than `leaf`'s, with a block overlapping its blocks. */
  firstOverlapping(leaf: number): number | undefined {
    const mine = this.blocks[leaf]!;
    const meets = (n: number): boolean => mine.some((r) => meetsUnion(this.unions[n]!, r));
    const find = (n: number): number | undefined => {
      if (this.active[n] === 0 || !meets(n)) return undefined;
      if (n >= this.size) return n - this.size === leaf ? undefined : n - this.size;
      return find(2 * n) ?? find(2 * n + 1);
    };
    return find(1);
  }
}
